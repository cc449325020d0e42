import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CallResult } from '../../../main/api'
import { createPercept, type PerceptApp } from '../../../main/app/compose'
import { tempHome } from '../../helpers/temp-home'

let home: string
let cleanup: () => void
let app: PerceptApp | undefined

beforeEach(() => ({ home, cleanup } = tempHome()))
afterEach(() => {
  app?.close()
  app = undefined
  cleanup()
})

function value<T>(result: CallResult<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`)
  return result.value as T
}

describe('jobs.* through the router, with the app\'s own worker entry (main/app/job-worker.ts)', () => {
  it('starts, follows and reads back a job; errors are typed', async () => {
    app = createPercept({ door: 'test', proposedHome: home })
    const call = (method: string, input: unknown) => app!.router.call(method, input, { door: 'test' })

    const started = value<{ id: string; state: string }>(await call('jobs.start', { kind: 'demo.train', input: { epochs: 2, samples: 64, batchSize: 16 } }))
    expect(started.state).toBe('running')
    expect((await app.jobs.whenSettled(started.id)).state).toBe('done')

    const detail = value<Record<string, unknown>>(await call('jobs.get', { id: started.id }))
    expect(detail).toMatchObject({
      id: started.id,
      kind: 'demo.train',
      title: 'Demo training',
      state: 'done',
      fraction: 1,
      resumable: true,
      attempts: 1,
      checkpointEpoch: 2,
      checkpoint: 'epoch 2 of 2',
      error: null,
      input: { epochs: 2, samples: 64, batchSize: 16, hidden: 16, learningRate: 0.02, seed: 42, epochDelayMs: 0 },
      result: { epochs: 2, epochsRun: 2, resumedFromEpoch: null },
    })
    const series = value<{ series: { name: string; scope: string; points: { epoch: number; step: number | null }[] }[] }>(
      await call('jobs.metrics', { id: started.id }),
    ).series
    expect(series.map((s) => `${s.name}/${s.scope}:${s.points.length}`)).toEqual([
      'accuracy/epoch:2',
      'accuracy/step:8',
      'loss/epoch:2',
      'loss/step:8',
    ])
    const result = detail.result as { finalLoss: number; finalAccuracy: number }
    expect(series.find((s) => s.name === 'loss' && s.scope === 'epoch')!.points[1]).toMatchObject({ epoch: 2, step: null, value: result.finalLoss })

    const { lines } = value<{ lines: { seq: number; message: string }[] }>(await call('jobs.logs', { id: started.id }))
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1))
    expect(lines[0]!.message).toBe('queued (training group)')
    expect(lines.at(-1)!.message).toBe('done')
    const tail = value<{ lines: { seq: number }[] }>(await call('jobs.logs', { id: started.id, after: lines.length - 2 })).lines
    expect(tail.map((l) => l.seq)).toEqual([lines.length - 1, lines.length])

    const listed = value<{ id: string }[]>(await call('jobs.list', { states: ['done'] }))
    expect(listed.map((j) => j.id)).toEqual([started.id])

    expect(await call('jobs.get', { id: 'job-missing' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'There is no job job-missing. `percept jobs list` shows the jobs of this workspace.' },
    })
    const resumeDone = await call('jobs.resume', { id: started.id })
    expect(resumeDone).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    if (!resumeDone.ok) expect(resumeDone.error.message).toMatch(/is done; only an interrupted, failed or cancelled job can be resumed/)
    const badInput = await call('jobs.start', { kind: 'demo.count', input: { n: 'ten' } })
    expect(badInput).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    if (!badInput.ok) expect(badInput.error.message).toMatch(/^Invalid input for a demo\.count job: n: /)
    expect(await call('jobs.start', { kind: 'demo.count' , input: {}, extra: 1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
  })
})
