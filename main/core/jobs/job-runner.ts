import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import type { JobState, JobSummary } from '../../api'
import type { JobDetail, JobError, JobLogLine, MetricSeries } from '../../api/jobs'
import type { EventBus } from '../event-bus'
import { PerceptError } from '../errors'
import { JobStore, type JobUpdate } from '../job-store'
import type { Logger } from '../logger'
import type { Workspace } from '../workspace'
import { peekCheckpoint } from './checkpoint'
import type { ConcurrencyGroup, JobKindSpec } from './kind'
import { MetricStore } from './metric-store'
import { estimateSecondsLeft, ProgressPacer } from './progress-pacer'
import type { RunnerMessage, WorkerMessage } from './protocol'
import { spawnJobWorker, type JobWorkerEntry } from './worker-entry'

export interface JobRunnerOptions {
  workspace: Workspace
  events: EventBus
  log: Logger
  /** The kinds this app knows; the worker entry must register the same ones. */
  kinds: readonly JobKindSpec[]
  worker: JobWorkerEntry
  /** Jobs of a group that may run at once; training defaults to PERCEPT_MAX_TRAINING_JOBS, else 1; default to 2. */
  limits?: Partial<Record<ConcurrencyGroup, number>>
  /** How long a cancelled worker may take to stop before it is terminated. */
  cancelGraceMs?: number
  /** Progress of one job is written and announced at most once per this many milliseconds. */
  progressIntervalMs?: number
  env?: NodeJS.ProcessEnv
}

type Ending = Extract<WorkerMessage, { type: 'done' | 'failed' | 'cancelled' }>

interface ActiveJob {
  id: string
  spec: JobKindSpec
  worker: Worker
  startedAtMs: number
  startFraction: number
  fraction: number
  stage: string
  /** The kind's own estimate while it gives one (undefined when it does not). */
  kindSecondsLeft: number | null | undefined
  pacer: ProgressPacer
  killTimer: NodeJS.Timeout | null
  cancelRequested: boolean
  ending: Ending | null
  crash: string | null
  exited: Promise<void>
}

const settledStates: readonly JobState[] = ['done', 'failed', 'cancelled', 'interrupted']

function newJobId(): string {
  return `job-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
}

function positiveInt(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null
  const value = Number(text)
  return Number.isInteger(value) && value >= 1 ? value : null
}

function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ')
}

/**
 * Runs jobs in worker threads, one worker per running job, and keeps the workspace database and the
 * event bus told of every change: state changes at once, progress at most every progressIntervalMs.
 * Queued jobs start first-in first-out within their concurrency group.
 */
export class JobRunner {
  private readonly store: JobStore
  private readonly metricStore: MetricStore
  private readonly kinds = new Map<string, JobKindSpec>()
  private readonly limits: Record<ConcurrencyGroup, number>
  private readonly cancelGraceMs: number
  private readonly progressIntervalMs: number
  private readonly queue: string[] = []
  private readonly active = new Map<string, ActiveJob>()
  private readonly waiters = new Map<string, ((summary: JobSummary) => void)[]>()
  private closed = false

  constructor(private readonly options: JobRunnerOptions) {
    this.store = new JobStore(options.workspace)
    this.metricStore = new MetricStore(options.workspace)
    for (const spec of options.kinds) {
      if (this.kinds.has(spec.kind)) throw new Error(`The job kind ${spec.kind} is registered twice.`)
      this.kinds.set(spec.kind, spec)
    }
    const env = options.env ?? process.env
    const fromEnv = positiveInt(env.PERCEPT_MAX_TRAINING_JOBS)
    if (env.PERCEPT_MAX_TRAINING_JOBS !== undefined && fromEnv === null) {
      options.log.warn(`PERCEPT_MAX_TRAINING_JOBS=${env.PERCEPT_MAX_TRAINING_JOBS} is not a whole number >= 1; using 1.`)
    }
    this.limits = {
      training: options.limits?.training ?? fromEnv ?? 1,
      default: options.limits?.default ?? 2,
    }
    this.cancelGraceMs = options.cancelGraceMs ?? 2000
    this.progressIntervalMs = options.progressIntervalMs ?? 200
  }

  /** Validates the input against the kind's schema, stores the job as queued, and starts it when its turn comes. */
  start(kind: string, input: unknown): JobSummary {
    this.assertOpen()
    const spec = this.kinds.get(kind)
    if (!spec) {
      throw new PerceptError(
        'VALIDATION',
        `There is no job kind "${kind}". Known kinds: ${[...this.kinds.keys()].sort().join(', ') || 'none'}.`,
      )
    }
    const parsed = spec.inputSchema.safeParse(input ?? {})
    if (!parsed.success) {
      throw new PerceptError('VALIDATION', `Invalid input for a ${kind} job: ${describeIssues(parsed.error.issues)}.`, {
        issues: parsed.error.issues,
      })
    }
    const id = newJobId()
    const title = spec.title?.(parsed.data) ?? kind
    const summary = this.store.insert({ id, kind, title, input: parsed.data, stage: 'queued', time: new Date().toISOString() })
    this.store.appendLog(id, 'info', `queued (${spec.concurrencyGroup} group)`)
    this.emit(summary)
    this.queue.push(id)
    this.schedule()
    return this.store.summary(id)!
  }

  /**
   * Stops a job. A queued or interrupted one is cancelled at once; a running one is asked to stop
   * (its signal aborts) and terminated if it has not stopped within cancelGraceMs. Resolves to the final state.
   */
  async cancel(id: string): Promise<JobSummary> {
    this.assertOpen()
    const record = this.require(id)
    const running = this.active.get(id)
    if (running) {
      if (!running.cancelRequested) {
        running.cancelRequested = true
        this.store.appendLog(id, 'info', 'cancel requested')
        this.send(running, { type: 'cancel' })
        running.killTimer = setTimeout(() => {
          this.store.appendLog(id, 'warn', `the worker did not stop within ${this.cancelGraceMs} ms; terminating it`)
          void running.worker.terminate()
        }, this.cancelGraceMs)
        running.stage = 'cancelling'
        running.pacer.flushNow()
      }
      return this.whenSettled(id)
    }
    if (record.state === 'queued' || record.state === 'interrupted' || record.state === 'running') {
      const index = this.queue.indexOf(id)
      if (index >= 0) this.queue.splice(index, 1)
      this.store.appendLog(id, 'info', `cancelled while ${record.state}`)
      return this.settle(id, { state: 'cancelled', stage: 'cancelled', etaSeconds: null, finishedAt: new Date().toISOString() })
    }
    throw new PerceptError('VALIDATION', `Job ${id} has already ended (${record.state}); there is nothing to cancel.`)
  }

  /** Queues an interrupted, failed or cancelled job of a resumable kind again, under the same id. */
  resume(id: string): JobSummary {
    this.assertOpen()
    const record = this.require(id)
    const spec = this.kinds.get(record.kind)
    if (!spec) throw new PerceptError('VALIDATION', `Job ${id} is of the kind "${record.kind}", which this app no longer knows.`)
    if (!spec.resumable) {
      throw new PerceptError(
        'VALIDATION',
        `Job ${id} cannot be resumed: ${record.kind} jobs keep no checkpoints. Start a new ${record.kind} job instead.`,
      )
    }
    if (!['interrupted', 'failed', 'cancelled'].includes(record.state)) {
      throw new PerceptError(
        'VALIDATION',
        `Job ${id} is ${record.state}; only an interrupted, failed or cancelled job can be resumed.`,
      )
    }
    const now = new Date().toISOString()
    this.store.appendLog(id, 'info', `resume requested (was ${record.state})`)
    const summary = this.store.update(id, {
      state: 'queued',
      stage: 'queued to resume',
      etaSeconds: null,
      error: null,
      queuedAt: now,
      finishedAt: null,
    }, now)
    this.emit(summary)
    this.queue.push(id)
    this.schedule()
    return this.store.summary(id)!
  }

  get(id: string): JobDetail {
    const record = this.require(id)
    const spec = this.kinds.get(record.kind)
    const checkpoint = spec?.resumable ? peekCheckpoint(this.runDir(id)) : null
    return {
      id: record.id,
      kind: record.kind,
      title: record.title,
      state: record.state,
      fraction: record.fraction,
      stage: record.stage,
      etaSeconds: record.etaSeconds,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      input: record.input,
      result: record.result,
      error: record.error,
      resumable: spec?.resumable ?? false,
      attempts: record.attempts,
      checkpointEpoch: checkpoint?.epoch ?? null,
      checkpoint: checkpoint ? (spec?.describeCheckpoint?.(checkpoint, record.input) ?? `epoch ${checkpoint.epoch}`) : null,
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
    }
  }

  list(states?: readonly JobState[]): JobSummary[] {
    return this.store.list(states)
  }

  logs(id: string, after?: number, limit?: number): JobLogLine[] {
    this.require(id)
    return this.store.logs(id, after, limit)
  }

  metrics(id: string): MetricSeries[] {
    this.require(id)
    return this.metricStore.series(id)
  }

  /** Resolves once the job is done, failed, cancelled or interrupted. */
  whenSettled(id: string): Promise<JobSummary> {
    const summary = this.store.summary(id)
    if (!summary) return Promise.reject(new PerceptError('NOT_FOUND', `There is no job ${id}.`))
    if (settledStates.includes(summary.state) && !this.active.has(id)) return Promise.resolve(summary)
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]))
  }

  /** Ids of jobs whose worker thread is alive now. */
  runningIds(): string[] {
    return [...this.active.keys()]
  }

  /**
   * Takes up jobs left queued by an earlier session, in their order. The app calls this at start;
   * a CLI that opens the workspace only to look does not.
   */
  restoreQueue(): number {
    let restored = 0
    for (const id of this.store.queuedIds()) {
      if (this.queue.includes(id) || this.active.has(id)) continue
      this.queue.push(id)
      restored++
    }
    this.schedule()
    return restored
  }

  /**
   * Stops every worker. Running jobs are marked interrupted (resumable later) before this returns its
   * promise, so a caller may close the workspace right after calling it; queued jobs stay queued.
   */
  shutdown(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.closed = true
    this.queue.length = 0
    const exits: Promise<void>[] = []
    for (const job of this.active.values()) {
      job.pacer.stop()
      if (job.killTimer) clearTimeout(job.killTimer)
      this.store.appendLog(job.id, 'warn', 'interrupted: the app is closing')
      const summary = this.store.update(job.id, { state: 'interrupted', stage: 'interrupted', etaSeconds: null })
      this.emit(summary)
      this.resolveWaiters(summary)
      void job.worker.terminate()
      exits.push(job.exited)
    }
    this.active.clear()
    return Promise.all(exits).then(() => undefined)
  }

  private assertOpen(): void {
    if (this.closed) throw new PerceptError('UNAVAILABLE', 'The job runner has shut down; the app is closing.')
  }

  private require(id: string) {
    const record = this.store.get(id)
    if (!record) throw new PerceptError('NOT_FOUND', `There is no job ${id}. \`percept jobs list\` shows the jobs of this workspace.`)
    return record
  }

  private runDir(id: string): string {
    return join(this.options.workspace.folder('runs'), id)
  }

  private emit(summary: JobSummary): void {
    this.options.events.emit('job.progress', summary)
  }

  private send(job: ActiveJob, message: RunnerMessage): void {
    try {
      job.worker.postMessage(message)
    } catch {
      // The worker is already gone; its exit handler settles the job.
    }
  }

  private running(group: ConcurrencyGroup): number {
    let count = 0
    for (const job of this.active.values()) if (job.spec.concurrencyGroup === group) count++
    return count
  }

  private schedule(): void {
    if (this.closed) return
    for (let i = 0; i < this.queue.length; ) {
      const id = this.queue[i]!
      const record = this.store.get(id)
      const spec = record ? this.kinds.get(record.kind) : undefined
      if (!record || record.state !== 'queued') {
        this.queue.splice(i, 1)
        continue
      }
      if (!spec) {
        this.queue.splice(i, 1)
        this.store.appendLog(id, 'error', `the job kind ${record.kind} is not known to this app`)
        this.settle(id, {
          state: 'failed',
          stage: 'failed',
          error: { code: 'UNAVAILABLE', message: `This app does not know the job kind "${record.kind}".` },
          finishedAt: new Date().toISOString(),
        })
        continue
      }
      if (this.running(spec.concurrencyGroup) >= this.limits[spec.concurrencyGroup]) {
        i++
        continue
      }
      this.queue.splice(i, 1)
      this.launch(id, spec, record.input, record.attempts + 1, record.fraction)
    }
  }

  private launch(id: string, spec: JobKindSpec, input: unknown, attempt: number, fraction: number): void {
    const runDir = this.runDir(id)
    mkdirSync(runDir, { recursive: true })
    let startFraction = 0
    if (spec.resumable && attempt > 1) {
      const checkpoint = peekCheckpoint(runDir)
      const epoch = checkpoint?.epoch ?? 0
      // The history keeps what the checkpoint holds and nothing after it: the run repeats that work.
      const dropped = this.metricStore.deleteAfterEpoch(id, epoch)
      this.store.appendLog(
        id,
        'info',
        checkpoint
          ? `resuming from the checkpoint of epoch ${epoch} (dropped ${dropped} metric points after it)`
          : `no checkpoint was written; starting over (dropped ${dropped} metric points)`,
      )
      startFraction = checkpoint ? fraction : 0
    }
    const now = new Date().toISOString()
    this.store.appendLog(id, 'info', `worker started (attempt ${attempt})`, now)
    const summary = this.store.update(
      id,
      {
        state: 'running',
        attempts: attempt,
        stage: 'starting',
        fraction: startFraction,
        etaSeconds: null,
        error: null,
        result: null,
        startedAt: now,
        finishedAt: null,
      },
      now,
    )
    let worker: Worker
    try {
      worker = spawnJobWorker(this.options.worker, {
        jobId: id,
        kind: spec.kind,
        input,
        runDir,
        modelsDir: this.options.workspace.folder('models'),
        cacheDir: this.options.workspace.folder('cache'),
        attempt,
      })
    } catch (error) {
      this.emit(summary)
      this.store.appendLog(id, 'error', `the worker could not start: ${(error as Error).message}`)
      this.settle(id, {
        state: 'failed',
        stage: 'failed',
        error: { code: 'UNAVAILABLE', message: `The job's worker could not start: ${(error as Error).message}` },
        finishedAt: new Date().toISOString(),
      })
      return
    }
    let exited!: () => void
    const job: ActiveJob = {
      id,
      spec,
      worker,
      startedAtMs: Date.now(),
      startFraction,
      fraction: startFraction,
      stage: 'starting',
      kindSecondsLeft: undefined,
      pacer: new ProgressPacer(this.progressIntervalMs, () => {
        if (this.closed || this.active.get(id) !== job) return
        const etaSeconds = job.kindSecondsLeft !== undefined ? job.kindSecondsLeft : estimateSecondsLeft(job.startedAtMs, job.startFraction, job.fraction)
        this.emit(this.store.update(id, { fraction: job.fraction, stage: job.stage, etaSeconds }))
      }),
      killTimer: null,
      cancelRequested: false,
      ending: null,
      crash: null,
      exited: new Promise<void>((resolve) => (exited = resolve)),
    }
    this.active.set(id, job)
    worker.on('message', (message: WorkerMessage) => this.onMessage(job, message))
    worker.on('error', (error: Error & { code?: string }) => {
      job.crash =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? 'The job ran out of memory and was stopped.'
          : `The job's worker crashed: ${error.message}`
    })
    worker.on('exit', (code) => {
      exited()
      this.onExit(job, code)
    })
    this.emit(summary)
    this.options.log.info(`job ${id} (${spec.kind}) started, attempt ${attempt}`)
  }

  private onMessage(job: ActiveJob, message: WorkerMessage): void {
    if (this.closed || this.active.get(job.id) !== job) return
    switch (message.type) {
      case 'progress':
        if (message.secondsLeft === undefined && job.kindSecondsLeft !== undefined) {
          // The kind's estimated stage is over: the pace of the fraction counts from here.
          job.startedAtMs = Date.now()
          job.startFraction = job.fraction
        }
        job.kindSecondsLeft = message.secondsLeft
        job.fraction = message.fraction
        job.stage = job.cancelRequested ? 'cancelling' : message.stage
        job.pacer.report()
        break
      case 'log':
        this.store.appendLog(job.id, message.level, message.message)
        break
      case 'metric':
        try {
          this.metricStore.record(job.id, message.point)
        } catch (error) {
          this.store.appendLog(job.id, 'warn', `metric refused: ${(error as Error).message}`)
        }
        break
      case 'checkpoint':
        // Every message sent before this one is stored by now (one port, in order): the worker may commit.
        this.send(job, { type: 'checkpoint-ack', seq: message.seq })
        break
      case 'done':
      case 'failed':
      case 'cancelled':
        job.ending ??= message
        // run() has returned: nothing is left to wait for, so end the thread now rather than trust it to.
        void job.worker.terminate()
        break
    }
  }

  private onExit(job: ActiveJob, code: number): void {
    job.pacer.stop()
    if (job.killTimer) clearTimeout(job.killTimer)
    if (this.closed || this.active.get(job.id) !== job) return
    this.active.delete(job.id)
    const finishedAt = new Date().toISOString()
    const ending = job.ending
    let summary: JobSummary
    if (ending?.type === 'done') {
      this.store.appendLog(job.id, 'info', 'done')
      summary = this.settle(job.id, { state: 'done', fraction: 1, stage: 'done', etaSeconds: null, result: ending.result, finishedAt })
    } else if (job.cancelRequested || ending?.type === 'cancelled') {
      this.store.appendLog(job.id, 'info', ending ? 'cancelled' : 'cancelled (worker terminated)')
      summary = this.settle(job.id, { state: 'cancelled', fraction: job.fraction, stage: 'cancelled', etaSeconds: null, finishedAt })
    } else {
      const error: JobError =
        ending?.type === 'failed'
          ? ending.error
          : { code: 'INTERNAL', message: job.crash ?? `The job's worker stopped unexpectedly (exit code ${code}).` }
      this.store.appendLog(job.id, 'error', `failed: ${error.message}`)
      summary = this.settle(job.id, { state: 'failed', fraction: job.fraction, stage: 'failed', etaSeconds: null, error, finishedAt })
    }
    this.options.log.info(`job ${job.id} (${job.spec.kind}) ${summary.state}`)
    this.schedule()
  }

  /** Writes a final state, announces it and wakes whoever waits for the job. */
  private settle(id: string, change: JobUpdate): JobSummary {
    const summary = this.store.update(id, change)
    this.emit(summary)
    this.resolveWaiters(summary)
    return summary
  }

  private resolveWaiters(summary: JobSummary): void {
    const waiting = this.waiters.get(summary.id)
    if (!waiting) return
    this.waiters.delete(summary.id)
    for (const resolve of waiting) resolve(summary)
  }
}
