import type { Worker } from 'node:worker_threads'
import type { JobError } from '../../api/jobs'
import type { JobUpdate } from '../job-store'
import type { LogLevel } from '../logger'
import type { JobKindSpec, MetricInput } from './kind'
import { estimateSecondsLeft, ProgressPacer } from './progress-pacer'
import type { RunnerMessage, WorkerMessage } from './protocol'

export type JobEnding = Extract<WorkerMessage, { type: 'done' | 'failed' | 'cancelled' }>

/** What a RunningJob hands to the JobRunner that launched it. */
export interface RunningJobHooks {
  /**
   * Whether the runner still answers for this job: false once it has shut down or let the job go.
   * Messages and progress of a job that is no longer current are dropped.
   */
  isCurrent(job: RunningJob): boolean
  /** The paced progress report: write and announce job.fraction, job.stage and these seconds left. */
  progress(job: RunningJob, etaSeconds: number | null): void
  /** A line for the job's log. */
  log(job: RunningJob, level: LogLevel, message: string): void
  /** A metric point from the worker. */
  metric(job: RunningJob, point: MetricInput): void
  /** The worker thread has exited; the job's timers are stopped by then. */
  exit(job: RunningJob, code: number): void
}

/** How a job ended, once its thread has exited: the line for its log and the final state to store. */
export interface JobOutcome {
  level: LogLevel
  message: string
  change: JobUpdate
}

/**
 * One running job as the JobRunner sees it: its worker thread and the messages from it, its progress
 * (paced, with the seconds left from the kind's own estimate or from the pace of the fraction), the
 * cancel request and the grace timer that terminates a worker that does not stop, and how it ended.
 */
export class RunningJob {
  fraction: number
  stage = 'starting'
  /** Resolves once the worker thread has exited. */
  readonly exited: Promise<void>
  private startedAtMs = Date.now()
  /** The kind's own estimate while it gives one (undefined when it does not). */
  private kindSecondsLeft: number | null | undefined = undefined
  private readonly pacer: ProgressPacer
  private killTimer: NodeJS.Timeout | null = null
  private cancelRequested = false
  private ending: JobEnding | null = null
  private crash: string | null = null

  constructor(
    readonly id: string,
    readonly spec: JobKindSpec,
    readonly worker: Worker,
    private startFraction: number,
    progressIntervalMs: number,
    private readonly hooks: RunningJobHooks,
  ) {
    this.fraction = startFraction
    this.pacer = new ProgressPacer(progressIntervalMs, () => {
      if (!hooks.isCurrent(this)) return
      const etaSeconds =
        this.kindSecondsLeft !== undefined ? this.kindSecondsLeft : estimateSecondsLeft(this.startedAtMs, this.startFraction, this.fraction)
      hooks.progress(this, etaSeconds)
    })
    let exited!: () => void
    this.exited = new Promise<void>((resolve) => (exited = resolve))
    worker.on('message', (message: WorkerMessage) => this.onMessage(message))
    worker.on('error', (error: Error & { code?: string }) => {
      this.crash =
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? 'The job ran out of memory and was stopped.'
          : `The job's worker crashed: ${error.message}`
    })
    worker.on('exit', (code) => {
      exited()
      this.stopTimers()
      hooks.exit(this, code)
    })
  }

  send(message: RunnerMessage): void {
    try {
      this.worker.postMessage(message)
    } catch {
      // The worker is already gone; its exit handler settles the job.
    }
  }

  /** Asks the worker to stop (its signal aborts) and terminates it if it has not stopped within graceMs. */
  requestCancel(graceMs: number): void {
    if (this.cancelRequested) return
    this.cancelRequested = true
    this.hooks.log(this, 'info', 'cancel requested')
    this.send({ type: 'cancel' })
    this.killTimer = setTimeout(() => {
      this.hooks.log(this, 'warn', `the worker did not stop within ${graceMs} ms; terminating it`)
      void this.worker.terminate()
    }, graceMs)
    this.stage = 'cancelling'
    this.pacer.flushNow()
  }

  /** Drops a pending progress report and the cancel grace timer. */
  stopTimers(): void {
    this.pacer.stop()
    if (this.killTimer) clearTimeout(this.killTimer)
  }

  /** How the job ended, from its last message (if any), a cancel request, a crash or the exit code. */
  outcome(code: number, finishedAt: string): JobOutcome {
    const ending = this.ending
    if (ending?.type === 'done') {
      return {
        level: 'info',
        message: 'done',
        change: { state: 'done', fraction: 1, stage: 'done', etaSeconds: null, result: ending.result, finishedAt },
      }
    }
    if (this.cancelRequested || ending?.type === 'cancelled') {
      return {
        level: 'info',
        message: ending ? 'cancelled' : 'cancelled (worker terminated)',
        change: { state: 'cancelled', fraction: this.fraction, stage: 'cancelled', etaSeconds: null, finishedAt },
      }
    }
    const error: JobError =
      ending?.type === 'failed'
        ? ending.error
        : { code: 'INTERNAL', message: this.crash ?? `The job's worker stopped unexpectedly (exit code ${code}).` }
    return {
      level: 'error',
      message: `failed: ${error.message}`,
      change: { state: 'failed', fraction: this.fraction, stage: 'failed', etaSeconds: null, error, finishedAt },
    }
  }

  private onMessage(message: WorkerMessage): void {
    if (!this.hooks.isCurrent(this)) return
    switch (message.type) {
      case 'progress':
        if (message.secondsLeft === undefined && this.kindSecondsLeft !== undefined) {
          // The kind's estimated stage is over: the pace of the fraction counts from here.
          this.startedAtMs = Date.now()
          this.startFraction = this.fraction
        }
        this.kindSecondsLeft = message.secondsLeft
        this.fraction = message.fraction
        this.stage = this.cancelRequested ? 'cancelling' : message.stage
        this.pacer.report()
        break
      case 'log':
        this.hooks.log(this, message.level, message.message)
        break
      case 'metric':
        this.hooks.metric(this, message.point)
        break
      case 'checkpoint':
        // Every message sent before this one is stored by now (one port, in order): the worker may commit.
        this.send({ type: 'checkpoint-ack', seq: message.seq })
        break
      case 'done':
      case 'failed':
      case 'cancelled':
        this.ending ??= message
        // run() has returned: nothing is left to wait for, so end the thread now rather than trust it to.
        void this.worker.terminate()
        break
    }
  }
}
