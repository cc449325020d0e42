import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import type { JobState, JobSummary } from '../../api'
import type { JobDetail, JobLogLine, MetricSeries } from '../../api/jobs'
import type { EventBus } from '../event-bus'
import { PerceptError } from '../errors'
import { JobStore, type JobUpdate } from '../job-store'
import type { Logger } from '../logger'
import type { Workspace } from '../workspace'
import { peekCheckpoint } from './checkpoint'
import { concurrencyLimits } from './concurrency'
import { jobDetail } from './job-detail'
import type { ConcurrencyGroup, JobKindSpec } from './kind'
import { MetricStore } from './metric-store'
import { RunningJob, type RunningJobHooks } from './running-job'
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

const settledStates: readonly JobState[] = ['done', 'failed', 'cancelled', 'interrupted']

function newJobId(): string {
  return `job-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`
}

function describeIssues(issues: { path: PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ')
}

/**
 * Runs jobs in worker threads, one worker per running job (a RunningJob), and keeps the workspace
 * database and the event bus told of every change: state changes at once, progress at most every
 * progressIntervalMs. Queued jobs start first-in first-out within their concurrency group.
 */
export class JobRunner {
  private readonly store: JobStore
  private readonly metricStore: MetricStore
  private readonly kinds = new Map<string, JobKindSpec>()
  private readonly limits: Record<ConcurrencyGroup, number>
  private readonly cancelGraceMs: number
  private readonly progressIntervalMs: number
  private readonly queue: string[] = []
  private readonly active = new Map<string, RunningJob>()
  private readonly waiters = new Map<string, ((summary: JobSummary) => void)[]>()
  private closed = false

  constructor(private readonly options: JobRunnerOptions) {
    this.store = new JobStore(options.workspace)
    this.metricStore = new MetricStore(options.workspace)
    for (const spec of options.kinds) {
      if (this.kinds.has(spec.kind)) throw new Error(`The job kind ${spec.kind} is registered twice.`)
      this.kinds.set(spec.kind, spec)
    }
    this.limits = concurrencyLimits(options.limits, options.env ?? process.env, options.log)
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
      running.requestCancel(this.cancelGraceMs)
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
    return jobDetail(record, this.kinds.get(record.kind), this.runDir(id))
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
      job.stopTimers()
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
    this.active.set(id, new RunningJob(id, spec, worker, startFraction, this.progressIntervalMs, this.jobHooks))
    this.emit(summary)
    this.options.log.info(`job ${id} (${spec.kind}) started, attempt ${attempt}`)
  }

  /** How the running jobs reach the store, the event bus and the queue. */
  private readonly jobHooks: RunningJobHooks = {
    isCurrent: (job) => !this.closed && this.active.get(job.id) === job,
    progress: (job, etaSeconds) => {
      this.emit(this.store.update(job.id, { fraction: job.fraction, stage: job.stage, etaSeconds }))
    },
    log: (job, level, message) => {
      this.store.appendLog(job.id, level, message)
    },
    metric: (job, point) => {
      try {
        this.metricStore.record(job.id, point)
      } catch (error) {
        this.store.appendLog(job.id, 'warn', `metric refused: ${(error as Error).message}`)
      }
    },
    exit: (job, code) => this.onExit(job, code),
  }

  private onExit(job: RunningJob, code: number): void {
    if (this.closed || this.active.get(job.id) !== job) return
    this.active.delete(job.id)
    const { level, message, change } = job.outcome(code, new Date().toISOString())
    this.store.appendLog(job.id, level, message)
    const summary = this.settle(job.id, change)
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
