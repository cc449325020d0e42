import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobDetail, JobLogLine, JobSummary, MetricSeries } from '../../../main/api'
import { useAppStore } from '../../../renderer/src/stores/app'
import { liveRefreshMs, useRunDetailStore } from '../../../renderer/src/workspaces/runs/stores/run-detail'
import { FakeBridge, deferred, storesOver } from './fake-bridge'

// A fake core holding jobs whose detail, metrics and log the test changes as a run goes on.
class FakeJobs {
  details = new Map<string, JobDetail>()
  metrics = new Map<string, MetricSeries[]>()
  logs = new Map<string, JobLogLine[]>()
  clock = 0

  add(id: string, extra: Partial<JobDetail> = {}): void {
    this.details.set(id, {
      id,
      kind: 'demo.train',
      title: 'Demo training',
      state: 'running',
      fraction: 0,
      stage: 'epoch 1/5',
      etaSeconds: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: this.time(),
      input: { epochs: 5 },
      result: null,
      error: null,
      resumable: true,
      attempts: 1,
      checkpointEpoch: null,
      checkpoint: null,
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: null,
      ...extra,
    })
    this.metrics.set(id, [])
    this.logs.set(id, [])
  }

  time(): string {
    return new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ++this.clock)).toISOString()
  }

  /** Moves a job on: a metric point, a log line, and the summary a job.progress event carries. */
  step(id: string, step: number, change: Partial<JobDetail> = {}): JobSummary {
    const detail = { ...this.details.get(id)!, fraction: step / 20, updatedAt: this.time(), ...change }
    this.details.set(id, detail)
    const series = this.metrics.get(id)!
    const loss = series[0] ?? { name: 'loss', scope: 'step' as const, points: [] }
    this.metrics.set(id, [{ ...loss, points: [...loss.points, { epoch: 1, step, value: 1 / step, time: detail.updatedAt }] }])
    const log = this.logs.get(id)!
    log.push({ seq: log.length + 1, time: detail.updatedAt, level: 'info', message: `step ${step}` })
    const { input: _input, result: _result, error: _error, resumable: _r, attempts: _a, checkpointEpoch: _c, checkpoint: _k, ...summary } = detail
    return summary
  }

  bridge(): FakeBridge {
    return new FakeBridge()
      .answer('jobs.get', (input) => ({ ok: true, value: this.details.get((input as { id: string }).id)! }))
      .answer('jobs.metrics', (input) => ({ ok: true, value: { series: this.metrics.get((input as { id: string }).id) ?? [] } }))
      .answer('jobs.logs', (input) => {
        const { id, after } = input as { id: string; after?: number }
        return { ok: true, value: { lines: (this.logs.get(id) ?? []).filter((line) => after === undefined || line.seq > after) } }
      })
  }
}

async function flush(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms)
}

describe('run detail store', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('loads the selected run, then refetches at most once a second while progress events name it', async () => {
    const core = new FakeJobs()
    core.add('job-1')
    core.add('job-2')
    const bridge = core.bridge()
    storesOver(bridge)
    const run = useRunDetailStore()
    run.start()
    core.step('job-1', 1)
    run.select('job-1')
    expect(run.loading).toBe(true)
    await flush()
    expect(run.loading).toBe(false)
    expect(run.detail?.id).toBe('job-1')
    expect(run.series[0]?.points).toHaveLength(1)
    expect(run.logs.map((line) => line.message)).toEqual(['step 1'])
    expect(bridge.callsTo('jobs.logs')).toEqual([{ id: 'job-1' }])

    // A burst of ten events within half a second: the progress shows at once, one refetch follows.
    for (let step = 2; step <= 11; step++) {
      bridge.emit('job.progress', core.step('job-1', step))
      await flush(50)
    }
    expect(run.detail?.fraction).toBe(0.55)
    expect(bridge.callsTo('jobs.metrics')).toHaveLength(1) // still within the interval of the first load
    await flush(liveRefreshMs)
    expect(bridge.callsTo('jobs.metrics')).toHaveLength(2)
    expect(run.series[0]?.points).toHaveLength(11)
    // The log is fetched incrementally: only lines after the last one shown.
    expect(bridge.callsTo('jobs.logs').map((input) => (input as { after?: number }).after)).toEqual([undefined, 1])
    expect(run.logs.map((line) => line.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])

    // Another job's events do not refetch this one.
    bridge.emit('job.progress', core.step('job-2', 1))
    await flush(liveRefreshMs * 2)
    expect(bridge.callsTo('jobs.metrics')).toHaveLength(2)
    // The next event of this run, after a quiet second, is fetched at once.
    bridge.emit('job.progress', core.step('job-1', 12))
    await flush()
    expect(bridge.callsTo('jobs.metrics')).toHaveLength(3)
    expect(run.logs).toHaveLength(12)
    run.stop()
  })

  it('fetches at once when the run ends, to show its result', async () => {
    const core = new FakeJobs()
    core.add('job-1')
    const bridge = core.bridge()
    storesOver(bridge)
    const run = useRunDetailStore()
    run.start()
    run.select('job-1')
    await flush()
    bridge.emit('job.progress', core.step('job-1', 1))
    await flush(10)
    const calls = bridge.callsTo('jobs.get').length
    bridge.emit('job.progress', core.step('job-1', 2, { state: 'done', stage: 'done', fraction: 1, result: { finalLoss: 0.1 } }))
    await flush(10) // well inside the interval
    expect(bridge.callsTo('jobs.get')).toHaveLength(calls + 1)
    expect(run.detail).toMatchObject({ state: 'done', result: { finalLoss: 0.1 } })
    expect(run.actions).toEqual({ cancel: false, resume: false })
    run.stop()
  })

  it('drops an answer for a run that is no longer selected', async () => {
    const core = new FakeJobs()
    core.add('job-1')
    core.add('job-2', { kind: 'sound.train' })
    const slow = deferred<{ ok: true; value: JobDetail }>()
    const bridge = core.bridge()
    const answer = bridge.answer.bind(bridge)
    answer('jobs.get', (input) => {
      const id = (input as { id: string }).id
      return id === 'job-1' ? slow.promise : { ok: true, value: core.details.get(id)! }
    })
    storesOver(bridge)
    const run = useRunDetailStore()
    run.start()
    run.select('job-1')
    await flush()
    run.select('job-2')
    await flush()
    slow.resolve({ ok: true, value: core.details.get('job-1')! })
    await flush()
    expect(run.selectedId).toBe('job-2')
    expect(run.detail?.kind).toBe('sound.train')
    run.stop()
  })

  it('loads a second run for comparison and follows its progress too', async () => {
    const core = new FakeJobs()
    core.add('job-1', { state: 'done' })
    core.add('job-2')
    core.step('job-1', 1)
    const bridge = core.bridge()
    storesOver(bridge)
    const run = useRunDetailStore()
    run.start()
    run.select('job-1')
    run.setCompare('job-2')
    expect(run.compareLoading).toBe(true)
    await flush()
    expect(run.compareLoading).toBe(false)
    expect(run.compareSeries).toEqual([])
    bridge.emit('job.progress', core.step('job-2', 1))
    await flush(liveRefreshMs)
    expect(run.compareSeries[0]?.points).toHaveLength(1)
    expect(bridge.callsTo('jobs.metrics').filter((input) => (input as { id: string }).id === 'job-2')).toHaveLength(2)
    // Selecting the compared run as the main one clears the comparison.
    run.select('job-2')
    expect(run.compareId).toBeNull()
    run.stop()
  })

  it('cancels and resumes the selected run, and reports a refusal in the error banner', async () => {
    const core = new FakeJobs()
    core.add('job-1')
    const bridge = core.bridge()
    const cancelled = deferred<{ ok: true; value: JobSummary }>()
    bridge.answer('jobs.cancel', () => cancelled.promise)
    bridge.answer('jobs.resume', () => ({
      ok: false,
      error: { code: 'VALIDATION', message: 'Job job-1 is running; only an interrupted, failed or cancelled job can be resumed.' },
    }))
    storesOver(bridge)
    const run = useRunDetailStore()
    run.start()
    run.select('job-1')
    await flush()
    expect(run.actions).toEqual({ cancel: true, resume: false })
    const pending = run.cancel()
    expect(run.acting).toBe('cancel')
    const final = core.step('job-1', 3, { state: 'cancelled', stage: 'cancelled' })
    cancelled.resolve({ ok: true, value: final })
    await pending
    await flush()
    expect(run.acting).toBeNull()
    expect(run.detail?.state).toBe('cancelled')
    expect(run.actions).toEqual({ cancel: false, resume: true })
    expect(bridge.callsTo('jobs.cancel')).toEqual([{ id: 'job-1' }])

    await run.resume()
    expect(useAppStore().lastError).toMatchObject({ code: 'VALIDATION', method: 'jobs.resume' })
    expect(run.acting).toBeNull()
    run.stop()
  })

  it('stop() unsubscribes and forgets the run; later events fetch nothing', async () => {
    const core = new FakeJobs()
    core.add('job-1')
    const bridge = core.bridge()
    storesOver(bridge)
    const run = useRunDetailStore()
    run.start()
    run.select('job-1')
    await flush()
    bridge.emit('job.progress', core.step('job-1', 1))
    run.stop()
    expect(bridge.listenerCount()).toBe(0)
    expect(run.selectedId).toBeNull()
    expect(run.detail).toBeNull()
    const before = bridge.calls.length
    bridge.emit('job.progress', core.step('job-1', 2))
    await flush(liveRefreshMs * 3)
    expect(bridge.calls.length).toBe(before)
  })
})
