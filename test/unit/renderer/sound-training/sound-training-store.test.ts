import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobSummary, SoundDatasetInfo, SoundExperiment, SoundTrainingRun } from '../../../../main/api'
import { useAppStore } from '../../../../renderer/src/stores/app'
import { listRefreshMs, useSoundTrainingStore } from '../../../../renderer/src/workspaces/sound/stores/sound-training'
import { FakeBridge, deferred, storesOver } from '../fake-bridge'
import { experiment, presets, report, run } from './fixtures'

// A fake core with sound.train runs that the test moves on, as job.progress events and list answers would.
class FakeTraining {
  runs: SoundTrainingRun[] = []
  experiments: SoundExperiment[] = []
  reports = new Map<string, ReturnType<typeof report>>()

  bridge(): FakeBridge {
    return new FakeBridge()
      .answerValue('sound.presets', presets)
      .answer('sound.trainingRuns', () => ({ ok: true, value: this.runs }))
      .answer('sound.experiments', () => ({ ok: true, value: this.experiments }))
      .answer('sound.trainingReport', (input) => {
        const id = (input as { id: string }).id
        const found = this.reports.get(id)
        return found ? { ok: true, value: found } : { ok: false, error: { code: 'NOT_FOUND', message: `Run ${id} has no report yet.` } }
      })
  }
}

const summary = (id: string, state: JobSummary['state'], second: number, extra: Partial<JobSummary> = {}): JobSummary => ({
  id,
  kind: 'sound.train',
  title: 'dilated cross-validation',
  state,
  fraction: 0.25,
  stage: 'fold 1: epoch 1/2',
  etaSeconds: 30,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
  startedAt: '2026-01-01T00:00:01.000Z',
  finishedAt: null,
  ...extra,
})

async function flush(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms)
}

describe('sound training store', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('loads presets, runs and experiments, follows progress, and refetches the lists when a run ends', async () => {
    const core = new FakeTraining()
    core.runs = [run('job-b', { preset: 'pooling' }), run('job-a', { state: 'running', stage: 'fold 1: epoch 1/2' })]
    core.experiments = [experiment({ id: 'experiment-2' }), experiment()]
    const bridge = core.bridge()
    storesOver(bridge)
    const training = useSoundTrainingStore()
    training.start()
    await flush()
    expect(training.loaded).toBe(true)
    // The comparison opens on the newest experiment.
    expect(training.comparison).toEqual({ kind: 'experiment', id: 'experiment-2' })
    expect(training.presets.map((p) => p.name)).toEqual(['dilated', 'pooling', 't1-g1-dilated', 't2-g1-rate2'])
    expect(training.runs.map((r) => r.id)).toEqual(['job-b', 'job-a'])
    expect(bridge.callsTo('sound.trainingRuns')).toHaveLength(1)

    // Progress within a fold moves the bar and asks nothing of the core.
    bridge.emit('job.progress', summary('job-a', 'running', 5, { fraction: 0.4 }))
    expect(training.runs[1]).toMatchObject({ fraction: 0.4, stage: 'fold 1: epoch 1/2' })
    // Other kinds are not training runs.
    bridge.emit('job.progress', { ...summary('job-x', 'running', 5), kind: 'demo.train' })
    await flush(2 * listRefreshMs)
    expect(bridge.callsTo('sound.trainingRuns')).toHaveLength(1)

    // The next held-out fold: the folds-done count comes with the list (once a second at most).
    core.runs = [core.runs[0]!, run('job-a', { state: 'running', updatedAt: '2026-01-01T00:00:06.000Z', folds: { done: 1, total: 2, list: [1, 2] } })]
    bridge.emit('job.progress', summary('job-a', 'running', 6, { stage: 'fold 2: epoch 1/2', fraction: 0.6 }))
    await flush()
    expect(bridge.callsTo('sound.trainingRuns')).toHaveLength(2)
    expect(training.runs[1]!.folds.done).toBe(1)

    // The end: fetched at once, with the accuracy the core worked out.
    core.runs = [core.runs[0]!, run('job-a', { state: 'done', updatedAt: '2026-01-01T00:00:09.000Z', accuracy: { mean: 0.6, std: 0.1 }, folds: { done: 2, total: 2, list: [1, 2] } })]
    bridge.emit('job.progress', summary('job-a', 'done', 9, { fraction: 1, stage: 'done' }))
    await flush(listRefreshMs)
    expect(bridge.callsTo('sound.trainingRuns')).toHaveLength(3)
    expect(training.runs[1]).toMatchObject({ state: 'done', accuracy: { mean: 0.6, std: 0.1 } })

    // A run the list does not know yet (started elsewhere) brings the list.
    core.runs = [run('job-c'), ...core.runs]
    bridge.emit('job.progress', summary('job-c', 'queued', 10))
    await flush(listRefreshMs)
    expect(training.runs.map((r) => r.id)).toEqual(['job-c', 'job-b', 'job-a'])

    training.stop()
    expect(bridge.listenerCount('job.progress')).toBe(0)
  })

  it("opens a run's report; before there is one it says why, without an error banner; it shows each fold done and the whole report at the end", async () => {
    const core = new FakeTraining()
    core.runs = [run('job-a', { state: 'running' })]
    const bridge = core.bridge()
    storesOver(bridge)
    const training = useSoundTrainingStore()
    const app = useAppStore()
    training.start()
    await flush()
    training.select('job-a')
    expect(training.reportState).toBe('loading')
    await flush()
    expect(training.reportState).toBe('missing')
    expect(training.reportMessage).toBe('Run job-a has no report yet.')
    expect(app.lastError).toBeNull()

    // Fold 1 done: the partial report of that fold, fetched when the list says one more fold is done.
    const firstFold = report()
    core.reports.set('job-a', { ...firstFold, folds: [firstFold.folds[0]!], partial: { folds: [1, 2] } })
    core.runs = [run('job-a', { state: 'running', updatedAt: '2026-01-01T00:00:05.000Z', folds: { done: 1, total: 2, list: [1, 2] } })]
    bridge.emit('job.progress', summary('job-a', 'running', 5, { stage: 'fold 2: epoch 1/2' }))
    await flush(listRefreshMs)
    expect(training.reportState).toBe('partial')
    expect(training.report?.folds.map((f) => f.fold)).toEqual([1])
    const calls = bridge.callsTo('sound.trainingReport').length
    // Progress within fold 2 asks for nothing more.
    bridge.emit('job.progress', summary('job-a', 'running', 6, { stage: 'fold 2: epoch 2/2' }))
    await flush(listRefreshMs)
    expect(bridge.callsTo('sound.trainingReport')).toHaveLength(calls)

    core.reports.set('job-a', report())
    core.runs = [run('job-a', { state: 'done', updatedAt: '2026-01-01T00:00:09.000Z' })]
    bridge.emit('job.progress', summary('job-a', 'done', 9))
    await flush(listRefreshMs)
    expect(training.reportState).toBe('ready')
    expect(training.report?.summary.accuracy.mean).toBe(0.6)

    // An answer for a run no longer open is dropped.
    const slow = deferred<{ ok: true; value: ReturnType<typeof report> }>()
    bridge.answer('sound.trainingReport', () => slow.promise)
    training.select('job-b')
    training.select('job-a')
    slow.resolve({ ok: true, value: report({ preset: 'pooling' }) })
    await flush()
    expect(training.selectedId).toBe('job-a')
    expect(training.report?.preset).toBe('pooling') // job-a's own (second) answer
    training.stop()
  })

  it('starts an experiment, opens its first run and shows its table; a refusal stays in the form', async () => {
    const core = new FakeTraining()
    const bridge = core.bridge()
    bridge.answer('sound.startExperiment', () => {
      core.runs = [run('job-b', { preset: 'pooling', experimentId: 'experiment-1' }), run('job-a', { experimentId: 'experiment-1' })]
      core.experiments = [experiment({ state: 'running', rows: [] })]
      return { ok: true, value: { id: 'experiment-1', jobIds: ['job-a', 'job-b'], jobs: [] } }
    })
    storesOver(bridge)
    const training = useSoundTrainingStore()
    training.start()
    await flush()
    const input = { dataset: '/data/UrbanSound8K', presets: ['dilated', 'pooling'], epochs: 1, folds: [1, 2], filters: [2, 2, 4, 4] }
    expect(await training.startExperiment(input)).toBe(true)
    expect(bridge.callsTo('sound.startExperiment')).toEqual([input])
    expect(training.selectedId).toBe('job-a')
    expect(training.comparison).toEqual({ kind: 'experiment', id: 'experiment-1' })
    expect(training.experiment?.jobs.map((j) => j.jobId)).toEqual(['job-a', 'job-b'])
    expect(training.runs.map((r) => r.id)).toEqual(['job-b', 'job-a'])

    bridge.answer('sound.startExperiment', () => ({ ok: false, error: { code: 'VALIDATION', message: 'Fold 7 of UrbanSound8K holds no clips; its folds are 1, 2, 3.' } }))
    expect(await training.startExperiment({ ...input, folds: [7] })).toBe(false)
    expect(training.startError).toBe('Fold 7 of UrbanSound8K holds no clips; its folds are 1, 2, 3.')
    expect(training.starting).toBe(false)
    training.stop()
  })

  it('cancels and resumes through the job API and ticks runs for the comparison', async () => {
    const core = new FakeTraining()
    core.runs = [run('job-a', { state: 'running' })]
    const bridge = core.bridge()
      .answer('jobs.cancel', () => ({ ok: true, value: summary('job-a', 'cancelled', 20) }))
      .answer('jobs.resume', () => ({ ok: true, value: summary('job-a', 'queued', 30, { stage: 'queued to resume' }) }))
    storesOver(bridge)
    const training = useSoundTrainingStore()
    training.start()
    await flush()
    await training.cancel('job-a')
    expect(bridge.callsTo('jobs.cancel')).toEqual([{ id: 'job-a' }])
    expect(training.runs[0]!.state).toBe('cancelled')
    await training.resume('job-a')
    expect(bridge.callsTo('jobs.resume')).toEqual([{ id: 'job-a' }])
    expect(training.runs[0]).toMatchObject({ state: 'queued', stage: 'queued to resume' })
    expect(training.acting).toBeNull()

    training.showExperiment('experiment-1')
    training.togglePicked('job-a')
    expect(training.picked).toEqual(['job-a'])
    expect(training.comparison).toEqual({ kind: 'runs' })
    training.togglePicked('job-a')
    expect(training.picked).toEqual([])
    training.stop()
  })

  it("reads the form's data set, keeping only the latest answer", async () => {
    const bridge = new FakeTraining().bridge()
    const first = deferred<{ ok: true; value: SoundDatasetInfo }>()
    const info = (name: string): SoundDatasetInfo => ({ root: `/data/${name}`, name, layout: 'folders', clips: 4, classes: [], folds: [{ fold: 1, clips: 2 }, { fold: 2, clips: 2 }], problems: { count: 0, first: [] } })
    bridge.answer('sound.dataset', (input) => ((input as { path: string }).path === '/data/slow' ? first.promise : { ok: true, value: info('fast') }))
    storesOver(bridge)
    const training = useSoundTrainingStore()
    const slow = training.inspectDataset('/data/slow')
    const fast = training.inspectDataset('/data/fast')
    await fast
    first.resolve({ ok: true, value: info('slow') })
    await slow
    expect(training.dataset?.name).toBe('fast')
    expect(training.datasetLoading).toBe(false)

    bridge.answer('sound.dataset', () => ({ ok: false, error: { code: 'NOT_FOUND', message: '/data/gone does not exist.' } }))
    await training.inspectDataset('/data/gone')
    expect(training.dataset).toBeNull()
    expect(training.datasetError).toBe('/data/gone does not exist.')
  })
})
