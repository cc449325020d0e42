import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Worker } from 'node:worker_threads'
import fc from 'fast-check'
import { spawnWorker } from '../../main/core/jobs/worker-entry'
import { mutatedBytes } from './mutations'
import type { FuzzTarget } from './target'

const targetsDir = fileURLToPath(new URL('./targets/', import.meta.url))
/** Every input that once failed is kept here, one file per input, and replayed by every run. */
export const regressionsDir = fileURLToPath(new URL('../fixtures/fuzz/', import.meta.url))

/** Past this the worker's memory counts as runaway (heap plus array buffers, measured after each input). */
const memoryBoundBytes = 1.5 * 1024 ** 3

export interface FuzzTargetEntry {
  name: string
  url: URL
}

/** The targets: every `targets/<name>.fuzz.ts`, default-exporting a FuzzTarget. */
export function fuzzTargets(): FuzzTargetEntry[] {
  return readdirSync(targetsDir)
    .filter((file) => file.endsWith('.fuzz.ts'))
    .sort()
    .map((file) => ({ name: file.slice(0, -'.fuzz.ts'.length), url: new URL(`./targets/${file}`, import.meta.url) }))
}

export function regressionInputs(name: string): { file: string; bytes: Uint8Array }[] {
  const dir = join(regressionsDir, name)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((file) => file.endsWith('.bin'))
    .sort()
    .map((file) => ({ file: join(dir, file), bytes: new Uint8Array(readFileSync(join(dir, file))) }))
}

/** Keeps a failing input as a regression fixture; returns its path. */
export function saveRegression(name: string, bytes: Uint8Array): string {
  const dir = join(regressionsDir, name)
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}.bin`)
  writeFileSync(file, bytes)
  return file
}

/** One worker thread running a target's check, restarted after a hang, a crash or runaway memory. */
class CheckPool {
  private worker: Worker | null = null
  private ready: Promise<void> | null = null
  private nextId = 0
  private settle: ((failure: string | undefined) => void) | null = null
  count = 0

  constructor(
    private readonly target: FuzzTargetEntry,
    private readonly timeoutMs: number,
  ) {}

  private start(): Promise<void> {
    const worker = spawnWorker(
      { url: new URL('./check-worker.ts', import.meta.url), loader: 'tsx', resourceLimits: { maxOldGenerationSizeMb: 1024 } },
      { targetUrl: this.target.url.href },
    )
    this.worker = worker
    return new Promise((resolveReady, rejectReady) => {
      worker.on('message', (message: { ready?: true; failure?: string; memory?: number }) => {
        if (message.ready) return resolveReady()
        this.finish(message.failure ?? (message.memory! > memoryBoundBytes ? `memory: ${(message.memory! / 1024 ** 2).toFixed(0)} MiB after one input` : undefined))
      })
      const died = (why: string): void => {
        if (this.worker === worker) this.worker = null
        this.ready = null
        rejectReady(new Error(`fuzz target ${this.target.name} did not start: ${why}`))
        this.finish(`crash: ${why}`)
      }
      worker.on('error', (error) => died(`${error.name}: ${error.message}`))
      worker.on('exit', (code) => died(`worker exited with code ${code}`))
    })
  }

  private finish(failure: string | undefined): void {
    const settle = this.settle
    this.settle = null
    settle?.(failure)
  }

  /** The check the worker is running, if any (a time-limited run may stop waiting for it; see close). */
  private inFlight: Promise<unknown> | null = null

  /** Undefined when the input was accepted or refused cleanly, else why it failed. */
  check(bytes: Uint8Array): Promise<string | undefined> {
    const checked = this.checkNow(bytes)
    this.inFlight = checked
    return checked
  }

  private async checkNow(bytes: Uint8Array): Promise<string | undefined> {
    this.ready ??= this.start()
    await this.ready
    this.count++
    const worker = this.worker!
    return new Promise((resolveCheck) => {
      const timer = setTimeout(() => {
        this.finish(`hang: no answer within ${this.timeoutMs} ms`)
        void this.restart()
      }, this.timeoutMs)
      this.settle = (failure) => {
        clearTimeout(timer)
        if (failure?.startsWith('memory')) void this.restart()
        resolveCheck(failure)
      }
      worker.postMessage({ id: this.nextId++, bytes })
    })
  }

  private async restart(): Promise<void> {
    const worker = this.worker
    this.worker = null
    this.ready = null
    if (worker) {
      worker.removeAllListeners('exit')
      worker.removeAllListeners('error')
      await worker.terminate()
    }
  }

  /**
   * Lets the last check finish first (it is bounded by the hang timer): fast-check's time limit abandons the
   * check in flight, and ending a worker inside a native call (onnxruntime creating a session) aborts the
   * whole process.
   */
  async close(): Promise<void> {
    await this.inFlight
    return this.restart()
  }
}

export interface FuzzFailureReport {
  reason: string
  /** The shrunk input's regression fixture, when saved; else its first bytes in hex. */
  input: string
}

export interface FuzzReport {
  target: string
  /** Inputs fed to the target: regressions, generated inputs and shrinking steps. */
  inputs: number
  regressions: number
  failures: FuzzFailureReport[]
  seconds: number
}

export interface FuzzRunOptions {
  seed: number
  /** Generated inputs for a fixed-size run (the test suite's short run)... */
  numRuns?: number
  /** ...or a time budget: keeps generating, with the next seed after each failure, until it is spent. */
  seconds?: number
  /** Write each failing input into the regression fixtures (the long run does; tests only report). */
  saveFailures?: boolean
}

/** Replays the target's regression fixtures, then checks generated inputs; reports what failed. */
export async function runFuzzTarget(entry: FuzzTargetEntry, options: FuzzRunOptions): Promise<FuzzReport> {
  const started = performance.now()
  const target = ((await import(entry.url.href)) as { default: FuzzTarget }).default
  const pool = new CheckPool(entry, target.timeoutMs ?? 5000)
  const failures: FuzzFailureReport[] = []
  const record = (reason: string, bytes: Uint8Array, knownFile?: string): void => {
    const input = knownFile ?? (options.saveFailures ? saveRegression(entry.name, bytes) : `hex ${Buffer.from(bytes.subarray(0, 64)).toString('hex')} (${bytes.length} bytes)`)
    failures.push({ reason, input })
  }
  try {
    const regressions = regressionInputs(entry.name)
    for (const { file, bytes } of regressions) {
      const failure = await pool.check(bytes)
      if (failure) record(failure, bytes, file)
    }
    const seeds = await target.seeds()
    const inputs = target.arbitrary ? target.arbitrary(seeds) : mutatedBytes(seeds)
    const deadline = options.seconds === undefined ? undefined : started + options.seconds * 1000
    for (let round = 0; ; round++) {
      const remaining = deadline === undefined ? undefined : deadline - performance.now()
      if (remaining !== undefined && remaining <= 0) break
      let lastReason = ''
      const result = await fc.check(
        fc.asyncProperty(inputs, async (bytes) => {
          const failure = await pool.check(bytes)
          if (failure) lastReason = failure
          return failure === undefined
        }),
        {
          seed: options.seed + round,
          numRuns: options.numRuns ?? Number.MAX_SAFE_INTEGER,
          interruptAfterTimeLimit: remaining,
          markInterruptAsFailure: false,
        },
      )
      if (result.failed && result.counterexample) record(lastReason, result.counterexample[0])
      if (deadline === undefined) break
    }
    return { target: entry.name, inputs: pool.count, regressions: regressions.length, failures, seconds: (performance.now() - started) / 1000 }
  } finally {
    await pool.close()
  }
}
