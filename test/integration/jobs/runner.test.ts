import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PerceptError } from '../../../main/core/errors'
import { repoRoot } from '../../helpers/built-app'
import { tempHome } from '../../helpers/temp-home'
import { openRunner, waitFor, type Harness } from './fixtures/harness'

let home: string
let cleanup: () => void
const open: Harness[] = []
function runnerFor(options: Parameters<typeof openRunner>[1] = {}): Harness {
  const harness = openRunner(home, options)
  open.push(harness)
  return harness
}

beforeEach(() => ({ home, cleanup } = tempHome()))
afterEach(async () => {
  for (const harness of open.splice(0)) await harness.close()
  cleanup()
})

async function codeOf(work: () => unknown): Promise<string> {
  try {
    await work()
  } catch (error) {
    return error instanceof PerceptError ? `${error.code}: ${error.message}` : `untyped: ${(error as Error).message}`
  }
  return 'no error'
}

describe('JobRunner', () => {
  it('runs demo.count in a worker, announcing progress up to done with the result', async () => {
    const { runner, of } = runnerFor()
    const started = runner.start('demo.count', { n: 5, delayMs: 30 })
    expect(started.kind).toBe('demo.count')
    const final = await runner.whenSettled(started.id)
    expect(final.state).toBe('done')
    expect(final.fraction).toBe(1)
    const detail = runner.get(started.id)
    expect(detail.result).toEqual({ count: 5, sum: 15 })
    expect(detail.input).toEqual({ n: 5, delayMs: 30 })
    expect(detail.error).toBeNull()
    expect(detail.attempts).toBe(1)
    const events = of(started.id)
    expect(events[0]!.state).toBe('queued')
    expect(events.some((e) => e.state === 'running' && e.fraction > 0 && e.fraction < 1)).toBe(true)
    expect(events.at(-1)).toMatchObject({ state: 'done', fraction: 1, stage: 'done' })
    // fractions never go backwards
    const fractions = events.map((e) => e.fraction)
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b))
    expect(runner.logs(started.id).map((l) => l.message)).toEqual(
      expect.arrayContaining(['counting to 5, 30 ms apart', 'counted to 5', 'done']),
    )
    expect(runner.runningIds()).toEqual([])
  })

  it('refuses an unknown kind, a bad input and an unknown id with typed errors', async () => {
    const { runner } = runnerFor()
    expect(await codeOf(() => runner.start('no.such', {}))).toMatch(/^VALIDATION: There is no job kind "no.such". Known kinds: .*demo.count, demo.train/)
    expect(await codeOf(() => runner.start('demo.count', { n: 0 }))).toMatch(/^VALIDATION: Invalid input for a demo.count job: n: /)
    expect(await codeOf(() => runner.start('demo.count', { n: 3, colour: 'red' }))).toMatch(/^VALIDATION: /)
    for (const call of [
      () => runner.get('job-nope'),
      () => runner.cancel('job-nope'),
      () => runner.resume('job-nope'),
      () => runner.logs('job-nope'),
      () => runner.metrics('job-nope'),
    ]) {
      expect(await codeOf(call)).toMatch(/^NOT_FOUND: There is no job job-nope\./)
    }
    expect(runner.list()).toEqual([])
  })

  it('cancels a running job within 2 s; its worker is gone and it never reports done', async () => {
    const { runner, of } = runnerFor()
    const job = runner.start('demo.count', { n: 1000, delayMs: 20 })
    await waitFor('some progress', () => of(job.id).some((e) => e.fraction > 0))
    const asked = Date.now()
    const final = await runner.cancel(job.id)
    expect(Date.now() - asked).toBeLessThan(2000)
    expect(final.state).toBe('cancelled')
    expect(final.fraction).toBeGreaterThan(0)
    expect(final.fraction).toBeLessThan(1)
    expect(runner.runningIds()).toEqual([])
    expect(runner.get(job.id)).toMatchObject({ state: 'cancelled', result: null, error: null })
    expect(of(job.id).some((e) => e.state === 'done')).toBe(false)
    expect(runner.logs(job.id).map((l) => l.message).slice(-2)).toEqual(['cancel requested', 'cancelled'])
    // cancelling again explains that it has ended
    expect(await codeOf(() => runner.cancel(job.id))).toBe(`VALIDATION: Job ${job.id} has already ended (cancelled); there is nothing to cancel.`)
  })

  it('terminates a worker that ignores the cancel signal once the grace period is over', async () => {
    const { runner, of } = runnerFor({ cancelGraceMs: 300 })
    const job = runner.start('test.stubborn', {})
    await waitFor('the job to run', () => of(job.id).some((e) => e.stage === 'not listening'))
    const asked = Date.now()
    expect((await runner.cancel(job.id)).state).toBe('cancelled')
    const took = Date.now() - asked
    expect(took).toBeGreaterThanOrEqual(290)
    expect(took).toBeLessThan(2000)
    expect(runner.runningIds()).toEqual([])
    expect(runner.logs(job.id).map((l) => l.message)).toEqual(
      expect.arrayContaining(['the worker did not stop within 300 ms; terminating it', 'cancelled (worker terminated)']),
    )
  })

  it('marks a job failed with the message of what its worker threw, exited with or crashed on', async () => {
    const { runner } = runnerFor()
    const thrown = runner.start('test.throw', { at: 3 })
    const typed = runner.start('test.typed-failure', {})
    const exited = runner.start('test.exit', { code: 3 })
    const crashed = runner.start('test.uncaught', {})
    for (const job of [thrown, typed, exited, crashed]) expect((await runner.whenSettled(job.id)).state).toBe('failed')
    expect(runner.get(thrown.id)).toMatchObject({ error: { code: 'INTERNAL', message: 'boom at step 3' }, result: null })
    expect(runner.get(thrown.id).fraction).toBeCloseTo(0.3, 5)
    expect(runner.get(typed.id).error).toEqual({ code: 'UNAVAILABLE', message: 'No GPU here; this kind needs one.' })
    expect(runner.get(exited.id).error).toEqual({
      code: 'INTERNAL',
      message: "The job's worker stopped unexpectedly (exit code 3).",
    })
    expect(runner.get(crashed.id).error).toEqual({
      code: 'INTERNAL',
      message: "The job's worker crashed: thrown in a timer, outside run()",
    })
    expect(runner.logs(thrown.id).map((l) => `${l.level} ${l.message}`).slice(-3)).toEqual([
      'info step 2',
      'info step 3',
      'error failed: boom at step 3',
    ])
    expect(runner.runningIds()).toEqual([])
  })

  it('runs one training job at a time: the second waits, then runs after the first is done (FIFO)', async () => {
    const { runner, progress } = runnerFor()
    const first = runner.start('test.hold', { ms: 400 })
    const second = runner.start('test.hold', { ms: 100 })
    const third = runner.start('test.hold', { ms: 100 })
    expect(first.state).toBe('running')
    expect(second.state).toBe('queued')
    // a default-group job does not wait behind the training queue
    const count = runner.start('demo.count', { n: 2, delayMs: 10 })
    expect(count.state).toBe('running')
    for (const job of [first, second, third, count]) expect((await runner.whenSettled(job.id)).state).toBe('done')
    const held = [first, second, third].map((job) => runner.get(job.id).result as { startedAt: number; endedAt: number })
    expect(held[1]!.startedAt).toBeGreaterThanOrEqual(held[0]!.endedAt)
    expect(held[2]!.startedAt).toBeGreaterThanOrEqual(held[1]!.endedAt)
    const order = progress.filter((e) => e.state === 'running' && e.stage === 'starting' || e.state === 'done').map((e) => `${e.id === first.id ? 1 : e.id === second.id ? 2 : e.id === third.id ? 3 : 'c'}:${e.state}`)
    expect(order.filter((o) => !o.startsWith('c'))).toEqual(['1:running', '1:done', '2:running', '2:done', '3:running', '3:done'])
  })

  it('runs two default jobs at once and a third when one ends; PERCEPT_MAX_TRAINING_JOBS lifts the training limit', async () => {
    const { runner } = runnerFor({ env: { PERCEPT_MAX_TRAINING_JOBS: '2' } })
    const counts = [1, 2, 3].map(() => runner.start('demo.count', { n: 3, delayMs: 50 }))
    expect(counts.map((c) => c.state)).toEqual(['running', 'running', 'queued'])
    const holds = [1, 2].map(() => runner.start('test.hold', { ms: 300 }))
    expect(holds.map((h) => h.state)).toEqual(['running', 'running'])
    for (const job of [...counts, ...holds]) expect((await runner.whenSettled(job.id)).state).toBe('done')
  })

  it('cancels a queued job at once: it never starts', async () => {
    const { runner } = runnerFor()
    const first = runner.start('test.hold', { ms: 300 })
    const queued = runner.start('test.hold', { ms: 300 })
    expect((await runner.cancel(queued.id)).state).toBe('cancelled')
    expect((await runner.whenSettled(first.id)).state).toBe('done')
    expect(runner.get(queued.id)).toMatchObject({ state: 'cancelled', attempts: 0, startedAt: null })
  })

  it('announces progress at most about 5 times a second, but every change of state', async () => {
    const { runner, of } = runnerFor()
    const job = runner.start('test.chatty', { reports: 2000, ms: 1000 })
    expect((await runner.whenSettled(job.id)).state).toBe('done')
    const events = of(job.id)
    const running = events.filter((e) => e.state === 'running')
    const started = Date.parse(running[0]!.updatedAt)
    const ended = Date.parse(events.at(-1)!.updatedAt)
    // 2000 reports over about a second: at most one event per 200 ms, plus the first
    expect(running.length).toBeLessThanOrEqual(Math.ceil((ended - started) / 200) + 2)
    expect(running.length).toBeGreaterThanOrEqual(3)
    expect(events.map((e) => e.state).filter((s, i, all) => s !== all[i - 1])).toEqual(['queued', 'running', 'done'])
    expect(runner.get(job.id).result).toEqual({ reports: 2000 })
  })

  it("shows the kind's own estimate while it gives one; after it, the estimate from the pace starts afresh", async () => {
    const { runner, of } = runnerFor({ progressIntervalMs: 0 })
    const job = runner.start('test.estimated', { ms: 300 })
    expect((await runner.whenSettled(job.id)).state).toBe('done')
    const eta = (stage: string) => of(job.id).find((e) => e.stage === stage)?.etaSeconds
    expect([eta('features 1/3'), eta('features 2/3'), eta('features 3/3')]).toEqual([42, null, 7])
    // 0.9 s after the start: from the start's pace it would be a guess; from where the estimate ended, too soon for one
    expect(eta('training')).toBeNull()
  })

  it('refuses to resume a job of a kind without checkpoints, or one still running, and says why', async () => {
    const { runner, of } = runnerFor()
    const count = runner.start('demo.count', { n: 1, delayMs: 0 })
    await runner.whenSettled(count.id)
    expect(await codeOf(() => runner.resume(count.id))).toBe(
      `VALIDATION: Job ${count.id} cannot be resumed: demo.count jobs keep no checkpoints. Start a new demo.count job instead.`,
    )
    const training = runner.start('demo.train', { epochs: 50, epochDelayMs: 100 })
    await waitFor('training to run', () => of(training.id).some((e) => e.state === 'running'))
    expect(await codeOf(() => runner.resume(training.id))).toBe(
      `VALIDATION: Job ${training.id} is running; only an interrupted, failed or cancelled job can be resumed.`,
    )
  })
})

describe('persistence', () => {
  it('a new runner on the same workspace sees finished jobs with their results, logs and state', async () => {
    const first = runnerFor()
    const job = first.runner.start('demo.count', { n: 4, delayMs: 0 })
    await first.runner.whenSettled(job.id)
    const logs = first.runner.logs(job.id)
    await first.close()
    open.splice(0)

    const second = runnerFor()
    expect(second.runner.list()).toEqual([expect.objectContaining({ id: job.id, state: 'done', fraction: 1 })])
    expect(second.runner.get(job.id)).toMatchObject({ result: { count: 4, sum: 10 }, input: { n: 4, delayMs: 0 }, attempts: 1 })
    expect(second.runner.logs(job.id)).toEqual(logs)
    expect(second.runner.logs(job.id, logs.at(-2)!.seq)).toEqual([logs.at(-1)])
  })

  it('closing the app interrupts running jobs and keeps queued ones, which the next session runs', async () => {
    const first = runnerFor()
    const running = first.runner.start('test.hold', { ms: 10_000 })
    const queued = first.runner.start('test.hold', { ms: 50 })
    await waitFor('the first to run', () => first.runner.runningIds().includes(running.id))
    await first.close()
    open.splice(0)

    const second = runnerFor()
    expect(second.runner.get(running.id).state).toBe('interrupted')
    expect(second.runner.get(queued.id).state).toBe('queued')
    expect(second.runner.restoreQueue()).toBe(1)
    expect((await second.runner.whenSettled(queued.id)).state).toBe('done')
    expect(second.runner.get(running.id).state).toBe('interrupted')
    expect(second.runner.list().map((j) => j.id)).toEqual([queued.id, running.id])
    expect(existsSync(join(home, 'runs', queued.id))).toBe(true)
  })
})

// `npm test` builds before it tests; a bare vitest run on a tree built before the worker entry existed skips this.
const builtWorker = join(repoRoot, 'out/main/job-worker.js')
describe.skipIf(!existsSync(builtWorker))('the production build', () => {
  it('out/main/job-worker.js (the worker the built app starts) trains demo.train', async () => {
    const { runner } = runnerFor({ worker: { url: pathToFileURL(builtWorker) } })
    const job = runner.start('demo.train', { epochs: 2, samples: 64, batchSize: 16 })
    expect((await runner.whenSettled(job.id)).state).toBe('done')
    expect(runner.get(job.id)).toMatchObject({ checkpointEpoch: 2, result: { epochs: 2, epochsRun: 2 } })
    expect(runner.metrics(job.id).find((s) => s.name === 'loss' && s.scope === 'epoch')!.points.map((p) => p.epoch)).toEqual([1, 2])
  })
})
