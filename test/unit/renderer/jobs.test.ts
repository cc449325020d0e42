import { describe, expect, it } from 'vitest'
import type { JobSummary } from '../../../main/api'
import { countInState, describeJobCounts, formatEta, mergeJobList, upsertJob } from '../../../renderer/src/lib/jobs'
import { useAppStore } from '../../../renderer/src/stores/app'
import { useJobsStore } from '../../../renderer/src/stores/jobs'
import { FakeBridge, deferred, settle, storesOver } from './fake-bridge'

function job(id: string, state: JobSummary['state'], updatedAt: string, extra: Partial<JobSummary> = {}): JobSummary {
  return {
    id,
    kind: 'sound.train',
    title: 'dilated cross-validation',
    state,
    fraction: state === 'done' ? 1 : 0,
    stage: state,
    etaSeconds: null,
    createdAt: `2026-01-01T00:00:0${id.slice(-1)}Z`,
    updatedAt,
    startedAt: null,
    finishedAt: null,
    ...extra,
  }
}

describe('job list logic', () => {
  it('upserts by id, keeps newest first, and ignores an older state of a known job', () => {
    const j1 = job('j1', 'running', '2026-01-01T00:01:00Z', { fraction: 0.4 })
    let list = upsertJob([], j1)
    list = upsertJob(list, job('j2', 'queued', '2026-01-01T00:01:00Z'))
    expect(list.map((j) => j.id)).toEqual(['j2', 'j1'])
    list = upsertJob(list, { ...j1, fraction: 0.7, updatedAt: '2026-01-01T00:02:00Z' })
    expect(list.find((j) => j.id === 'j1')?.fraction).toBe(0.7)
    list = upsertJob(list, { ...j1, fraction: 0.5, updatedAt: '2026-01-01T00:01:30Z' }) // late, stale
    expect(list.find((j) => j.id === 'j1')?.fraction).toBe(0.7)
    expect(countInState(list, 'running')).toBe(1)
    expect(countInState(list, 'queued')).toBe(1)
  })

  it('merges a list answer without losing newer event states or jobs announced meanwhile', () => {
    const current = [
      job('j3', 'running', '2026-01-01T00:05:00Z', { fraction: 0.1 }), // announced by an event during the request
      job('j1', 'done', '2026-01-01T00:04:00Z'), // event newer than the answer
      job('j0', 'failed', '2026-01-01T00:00:30Z'), // deleted on the server meanwhile
    ]
    const fresh = [job('j2', 'queued', '2026-01-01T00:03:00Z'), job('j1', 'running', '2026-01-01T00:03:00Z')]
    const merged = mergeJobList(current, fresh, new Set(['j3', 'j1']))
    expect(merged.map((j) => `${j.id}:${j.state}`)).toEqual(['j3:running', 'j2:queued', 'j1:done'])
  })

  it('describes counts and ETAs for the status bar and the runs table', () => {
    expect(describeJobCounts(0, 0)).toBe('No jobs running')
    expect(describeJobCounts(1, 0)).toBe('1 job running')
    expect(describeJobCounts(3, 2)).toBe('3 jobs running, 2 queued')
    expect(formatEta(null)).toBe('—')
    expect(formatEta(42.4)).toBe('42 s')
    expect(formatEta(600)).toBe('10 min')
    expect(formatEta(3900)).toBe('1 h 5 min')
    expect(formatEta(7200)).toBe('2 h')
  })
})

describe('jobs store', () => {
  it('loads jobs.list, then follows job.progress events: the running count moves with them', async () => {
    const bridge = new FakeBridge().answerValue('jobs.list', [job('j1', 'running', '2026-01-01T00:01:00Z')])
    storesOver(bridge)
    const jobs = useJobsStore()
    jobs.start()
    await settle()
    expect(bridge.callsTo('jobs.list')).toEqual([{}])
    expect(jobs.loaded).toBe(true)
    expect(jobs.running).toBe(1)

    bridge.emit('job.progress', job('j2', 'queued', '2026-01-01T00:02:00Z'))
    expect(jobs.running).toBe(1)
    expect(jobs.queued).toBe(1)
    bridge.emit('job.progress', job('j2', 'running', '2026-01-01T00:03:00Z', { fraction: 0.2 }))
    expect(jobs.running).toBe(2)
    expect(jobs.queued).toBe(0)
    bridge.emit('job.progress', job('j1', 'done', '2026-01-01T00:04:00Z'))
    bridge.emit('job.progress', job('j2', 'cancelled', '2026-01-01T00:05:00Z'))
    expect(jobs.running).toBe(0)
    expect(jobs.jobs.map((j) => `${j.id}:${j.state}`)).toEqual(['j2:cancelled', 'j1:done'])

    jobs.stop()
    expect(bridge.listenerCount()).toBe(0)
    bridge.emit('job.progress', job('j3', 'running', '2026-01-01T00:06:00Z'))
    expect(jobs.running).toBe(0)
  })

  it('keeps an event that overtakes the list answer', async () => {
    const answer = deferred<{ ok: true; value: JobSummary[] }>()
    const bridge = new FakeBridge().answer('jobs.list', () => answer.promise)
    storesOver(bridge)
    const jobs = useJobsStore()
    jobs.start()
    bridge.emit('job.progress', job('j1', 'running', '2026-01-01T00:02:00Z', { fraction: 0.5 }))
    bridge.emit('job.progress', job('j2', 'running', '2026-01-01T00:02:00Z'))
    answer.resolve({ ok: true, value: [job('j1', 'queued', '2026-01-01T00:01:00Z')] })
    await settle()
    expect(jobs.jobs.map((j) => `${j.id}:${j.state}`)).toEqual(['j2:running', 'j1:running'])
    expect(jobs.running).toBe(2)
    jobs.stop()
  })

  it('refreshes when the socket comes back and when the workspace says jobs changed', async () => {
    let listed = [job('j1', 'running', '2026-01-01T00:01:00Z')]
    const bridge = new FakeBridge().answer('jobs.list', () => ({ ok: true, value: listed }))
    storesOver(bridge)
    const jobs = useJobsStore()
    jobs.start()
    await settle()
    bridge.setConnection('reconnecting')
    listed = [job('j1', 'done', '2026-01-01T00:09:00Z')] // finished while we were away
    bridge.setConnection('connected')
    await settle()
    expect(jobs.running).toBe(0)
    listed = [job('j2', 'running', '2026-01-01T00:10:00Z'), ...listed]
    bridge.emit('workspace.changed', { area: 'jobs' })
    bridge.emit('workspace.changed', { area: 'settings', key: 'theme' })
    await settle()
    expect(jobs.running).toBe(1)
    expect(bridge.callsTo('jobs.list')).toHaveLength(3)
    jobs.stop()
  })

  it('reports a failing jobs.list as the app error', async () => {
    const bridge = new FakeBridge().answer('jobs.list', () => ({
      ok: false,
      error: { code: 'WORKSPACE_LOCKED', message: 'Another Percept instance holds the workspace.' },
    }))
    storesOver(bridge)
    const jobs = useJobsStore()
    jobs.start()
    await settle()
    const app = useAppStore()
    expect(app.lastError).toMatchObject({ code: 'WORKSPACE_LOCKED', message: 'Another Percept instance holds the workspace.' })
    app.dismissError()
    expect(app.lastError).toBeNull()
    jobs.stop()
  })
})
