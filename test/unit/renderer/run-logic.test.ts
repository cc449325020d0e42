import { describe, expect, it } from 'vitest'
import type { JobDetail, JobLogLine, JobState, JobSummary } from '../../../main/api'
import { demoTrainDefaults, demoTrainProblems } from '../../../renderer/src/workspaces/runs/lib/demo-train'
import { applySummary, mergeDetail } from '../../../renderer/src/workspaces/runs/lib/job-detail'
import { lastLogSeq, mergeLogLines } from '../../../renderer/src/workspaces/runs/lib/job-log'
import { isJobActive, isJobEnded, runActions } from '../../../renderer/src/lib/run-actions'

function line(seq: number, message = `line ${seq}`): JobLogLine {
  return { seq, time: '2026-01-01T00:00:00Z', level: 'info', message }
}

function detail(extra: Partial<JobDetail> = {}): JobDetail {
  return {
    id: 'job-1',
    kind: 'demo.train',
    title: 'Demo training',
    state: 'running',
    fraction: 0.2,
    stage: 'epoch 1/5',
    etaSeconds: 8,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:10Z',
    input: { epochs: 5 },
    result: null,
    error: null,
    resumable: true,
    attempts: 1,
    checkpointEpoch: null,
    checkpoint: null,
    startedAt: '2026-01-01T00:00:01Z',
    finishedAt: null,
    ...extra,
  }
}

function summary(extra: Partial<JobSummary> = {}): JobSummary {
  const { id, kind, title, state, fraction, stage, etaSeconds, createdAt, updatedAt, startedAt, finishedAt } = detail()
  return { id, kind, title, state, fraction, stage, etaSeconds, createdAt, updatedAt, startedAt, finishedAt, ...extra }
}

describe('run actions per state', () => {
  const states: JobState[] = ['queued', 'running', 'done', 'failed', 'cancelled', 'interrupted']

  it('offers cancel while queued or running, and resume for interrupted, failed or cancelled runs of a resumable kind', () => {
    expect(states.map((state) => [state, runActions(state, true)])).toEqual([
      ['queued', { cancel: true, resume: false }],
      ['running', { cancel: true, resume: false }],
      ['done', { cancel: false, resume: false }],
      ['failed', { cancel: false, resume: true }],
      ['cancelled', { cancel: false, resume: true }],
      ['interrupted', { cancel: false, resume: true }],
    ])
    expect(states.filter((state) => runActions(state, false).resume)).toEqual([])
    expect(states.filter(isJobActive)).toEqual(['queued', 'running'])
    expect(states.filter(isJobEnded)).toEqual(['done', 'failed', 'cancelled', 'interrupted'])
  })
})

describe('incremental log', () => {
  it('appends newer lines and asks for lines after the last seq', () => {
    let lines = mergeLogLines([], [line(1), line(2)])
    expect(lastLogSeq(lines)).toBe(2)
    lines = mergeLogLines(lines, [line(3), line(4)])
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4])
    expect(lastLogSeq([])).toBeUndefined()
  })

  it('ignores repeated and overlapping answers and orders out-of-order lines', () => {
    const lines = [line(1), line(2), line(3)]
    expect(mergeLogLines(lines, [line(2), line(3)]).map((l) => l.seq)).toEqual([1, 2, 3])
    expect(mergeLogLines(lines, [line(5), line(4), line(3)]).map((l) => l.seq)).toEqual([1, 2, 3, 4, 5])
    expect(mergeLogLines(lines, [])).toEqual(lines)
  })

  it('keeps at most `max` lines, the newest', () => {
    const lines = mergeLogLines([line(1), line(2), line(3)], [line(4), line(5)], 3)
    expect(lines.map((l) => l.seq)).toEqual([3, 4, 5])
  })
})

describe('run detail and progress events', () => {
  it('applies a newer event to the detail and ignores an older one', () => {
    const current = detail()
    const next = applySummary(current, summary({ fraction: 0.6, stage: 'epoch 3/5', updatedAt: '2026-01-01T00:00:20Z' }))
    expect(next).toMatchObject({ fraction: 0.6, stage: 'epoch 3/5', input: { epochs: 5 }, resumable: true })
    expect(applySummary(next, summary({ fraction: 0.4, updatedAt: '2026-01-01T00:00:15Z' }))).toBe(next)
    expect(applySummary(next, summary({ id: 'job-2', updatedAt: '2026-01-01T00:01:00Z' }))).toBe(next)
  })

  it('keeps an event-newer state when a slower jobs.get answer arrives', () => {
    const shown = detail({ state: 'done', fraction: 1, stage: 'done', updatedAt: '2026-01-01T00:00:30Z' })
    const stale = detail({ state: 'running', fraction: 0.8, updatedAt: '2026-01-01T00:00:25Z', checkpointEpoch: 4 })
    expect(mergeDetail(shown, stale)).toMatchObject({ state: 'done', fraction: 1, checkpointEpoch: 4 })
    const fresh = detail({ state: 'done', fraction: 1, updatedAt: '2026-01-01T00:00:31Z', result: { finalLoss: 0.1 } })
    expect(mergeDetail(shown, fresh)).toBe(fresh)
    expect(mergeDetail(null, stale)).toBe(stale)
  })
})

describe('demo training form', () => {
  it('accepts the defaults and names each field outside the job schema limits', () => {
    expect(demoTrainProblems(demoTrainDefaults)).toEqual([])
    expect(demoTrainProblems({ ...demoTrainDefaults, epochs: 0, batchSize: 2.5, learningRate: 3 })).toEqual([
      'Epochs must be between 1 and 1000.',
      'Batch size must be a whole number.',
      'Learning rate must be between 0.000001 and 1.',
    ])
    expect(demoTrainProblems({ ...demoTrainDefaults, samples: Number.NaN })).toEqual(['Samples must be a number.'])
  })
})
