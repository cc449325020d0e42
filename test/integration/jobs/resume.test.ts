import Database from 'better-sqlite3'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MetricSeries } from '../../../main/api/jobs'
import { peekCheckpoint } from '../../../main/core/jobs/checkpoint'
import { repoRoot } from '../../helpers/built-app'
import { tempHome } from '../../helpers/temp-home'
import { openRunner, waitFor, type Harness } from './fixtures/harness'

let home: string
let cleanup: () => void
let child: ChildProcess | undefined
const open: Harness[] = []

beforeEach(() => ({ home, cleanup } = tempHome()))
afterEach(async () => {
  child?.kill('SIGKILL')
  for (const harness of open.splice(0)) await harness.close()
  cleanup()
})

const epochs = 6
const stepsPerEpoch = 8 // 256 samples in batches of 32
const input = { epochs, samples: 256, batchSize: 32, hidden: 12, learningRate: 0.05, seed: 7 }

/** Starts a runner in its own process with one demo.train job; resolves to the job id once it is queued. */
function startAppProcess(): Promise<string> {
  const host = fileURLToPath(new URL('./fixtures/runner-host.ts', import.meta.url))
  child = spawn(process.execPath, ['--import', 'tsx', host, home, 'demo.train', JSON.stringify({ ...input, epochDelayMs: 250 })], {
    cwd: repoRoot,
    env: { ...process.env, PERCEPT_QUIET: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stderr!.on('data', (d) => (output += d))
  return new Promise((resolve, reject) => {
    child!.stdout!.on('data', (d) => {
      output += d
      const match = /\{"started":"([^"]+)"\}/.exec(output)
      if (match) resolve(match[1]!)
    })
    child!.once('exit', (code) => reject(new Error(`the app process exited (${code}) before starting the job:\n${output}`)))
  })
}

function epochSeries(series: MetricSeries[], name: string): { epoch: number | null; value: number | null }[] {
  return series.find((s) => s.name === name && s.scope === 'epoch')!.points.map(({ epoch, value }) => ({ epoch, value }))
}

describe('resuming a training job after the app was killed', () => {
  it('continues demo.train from its last checkpoint: epochs 1..6 once each, same values as an unbroken run', async () => {
    const id = await startAppProcess()
    const runDir = join(home, 'runs', id)
    await waitFor('the checkpoint of epoch 3', () => (peekCheckpoint(runDir)?.epoch ?? 0) >= 3, 30_000)

    // What the killed app had stored, read beside it (SQLite readers do not block the writer).
    const peek = new Database(join(home, 'percept.db'), { readonly: true })
    const beforeKill = peek
      .prepare(`SELECT epoch, value FROM job_metrics WHERE job_id = ? AND name = 'loss' AND scope = 'epoch' ORDER BY epoch`)
      .all(id) as { epoch: number; value: number }[]
    peek.close()
    expect(beforeKill.slice(0, 3).map((p) => p.epoch)).toEqual([1, 2, 3])

    const exited = new Promise((resolve) => child!.once('exit', resolve))
    child!.kill('SIGKILL')
    await exited
    const checkpointEpoch = peekCheckpoint(runDir)!.epoch
    expect(checkpointEpoch).toBeGreaterThanOrEqual(3)
    expect(checkpointEpoch).toBeLessThan(epochs)

    // The next start finds the dead app's lock and its running job, and marks the job interrupted.
    const harness = openRunner(home)
    open.push(harness)
    const { runner } = harness
    expect(runner.get(id)).toMatchObject({ state: 'interrupted', resumable: true, attempts: 1, checkpointEpoch })

    expect(runner.resume(id).id).toBe(id)
    const final = await runner.whenSettled(id)
    expect(final.state).toBe('done')

    const detail = runner.get(id)
    expect(detail.attempts).toBe(2)
    expect(detail.result).toMatchObject({ epochs, resumedFromEpoch: checkpointEpoch, epochsRun: epochs - checkpointEpoch })
    const messages = runner.logs(id).map((line) => line.message)
    expect(messages).toContain(`loaded the checkpoint of epoch ${checkpointEpoch}; continuing at epoch ${checkpointEpoch + 1}`)
    expect(messages.filter((m) => m.startsWith('training from scratch'))).toHaveLength(1) // only the first attempt
    expect(messages.filter((m) => m.startsWith('loaded the checkpoint'))).toHaveLength(1)
    expect(messages.some((m) => m.startsWith(`resuming from the checkpoint of epoch ${checkpointEpoch} (dropped`))).toBe(true)

    // No gap and no duplicate: every epoch once, every step once.
    const series = runner.metrics(id)
    const loss = epochSeries(series, 'loss')
    expect(loss.map((p) => p.epoch)).toEqual([1, 2, 3, 4, 5, 6])
    expect(epochSeries(series, 'accuracy').map((p) => p.epoch)).toEqual([1, 2, 3, 4, 5, 6])
    const steps = series.find((s) => s.name === 'loss' && s.scope === 'step')!.points
    expect(steps.map((p) => p.step)).toEqual(Array.from({ length: epochs * stepsPerEpoch }, (_, i) => i + 1))
    expect(steps.map((p) => p.epoch)).toEqual(steps.map((p) => Math.ceil(p.step! / stepsPerEpoch)))
    // The epochs the checkpoint held were not trained again: their values are the ones stored before the kill.
    for (const stored of beforeKill.filter((p) => p.epoch <= checkpointEpoch)) {
      expect(loss[stored.epoch - 1]!.value).toBe(stored.value)
    }
    expect(final.fraction).toBe(1)

    // And the resumed run continued with the same weights and optimizer state: an unbroken run of the same
    // input gives the same losses (to float32 rounding of Adam's bias correction, restored as a power).
    const reference = runner.start('demo.train', input)
    expect((await runner.whenSettled(reference.id)).state).toBe('done')
    const unbroken = epochSeries(runner.metrics(reference.id), 'loss')
    for (let i = 0; i < epochs; i++) expect(loss[i]!.value!).toBeCloseTo(unbroken[i]!.value!, 5)
    expect(runner.get(reference.id).result).toMatchObject({ epochsRun: epochs, resumedFromEpoch: null })
    // and training did something: the loss fell
    expect(unbroken[epochs - 1]!.value!).toBeLessThan(unbroken[0]!.value!)
  })

  it('resumes a cancelled run in the same app, keeping only the last checkpoint', async () => {
    const harness = openRunner(home)
    open.push(harness)
    const { runner } = harness
    const job = runner.start('demo.train', { ...input, epochs: 4, epochDelayMs: 200 })
    const runDir = join(home, 'runs', job.id)
    await waitFor('the checkpoint of epoch 2', () => (peekCheckpoint(runDir)?.epoch ?? 0) >= 2)
    const cancelled = await runner.cancel(job.id)
    expect(cancelled.state).toBe('cancelled')
    const kept = peekCheckpoint(runDir)!.epoch
    expect(runner.get(job.id)).toMatchObject({ resumable: true, checkpointEpoch: kept })

    runner.resume(job.id)
    expect((await runner.whenSettled(job.id)).state).toBe('done')
    expect(runner.get(job.id).result).toMatchObject({ resumedFromEpoch: kept, epochsRun: 4 - kept })
    const epochsSeen = epochSeries(runner.metrics(job.id), 'loss').map((p) => p.epoch)
    expect(epochsSeen).toEqual([1, 2, 3, 4])
    // only the last checkpoint is kept, complete
    expect(peekCheckpoint(runDir)).toMatchObject({ epoch: 4, step: 4 * stepsPerEpoch })
  })
})
