import type { z } from 'zod'
import type { LogLevel } from '../logger'

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

/** Jobs of one group share a concurrency limit: by default one training job and two others at a time. */
export type ConcurrencyGroup = 'training' | 'default'

/** What the main thread needs to know of a kind: how to check its input and when it may run. */
export interface JobKindSpec<I = unknown> {
  kind: string
  inputSchema: z.ZodType<I>
  concurrencyGroup: ConcurrencyGroup
  /** Whether an interrupted, failed or cancelled run may continue from its last checkpoint. */
  resumable: boolean
  /** The run's name from its input, shown wherever the run is (default: the kind). */
  title?(input: I): string
  /** What a checkpoint holds, in words (default: "epoch N"). */
  describeCheckpoint?(state: CheckpointState, input: I): string
}

/** A metric point: per step (`step` set, `epoch` optional), else per epoch (`epoch` set). */
export interface MetricInput {
  epoch?: number
  step?: number
  name: string
  value: number
}

/** A checkpoint's JSON part; `epoch` is the last epoch whose work the checkpoint holds. */
export type CheckpointState = { epoch: number } & JsonObject

export interface Checkpoint {
  state: CheckpointState
  files: Record<string, Uint8Array>
}

/** What a kind's run() gets inside its worker thread. */
export interface JobContext {
  jobId: string
  /** runs/<jobId>/ in the workspace: the job's own folder, kept across resumes. */
  runDir: string
  /** models/ in the workspace: a training kind installs its exported package here. */
  modelsDir: string
  /** cache/ in the workspace: what can be recomputed (features); may be deleted at any time. */
  cacheDir: string
  /** 1 for the first run, 2 after the first resume, ... */
  attempt: number
  /** Aborts when the job is cancelled; a kind checks it between steps (signal.throwIfAborted()). */
  signal: AbortSignal
  /**
   * fraction 0..1 of the whole job; stage says what it is doing ("epoch 3/10"). secondsLeft: the kind's
   * own estimate for the stage it names, for a stage whose pace says nothing of the rest (features before
   * training); while it gives one, that is the job's estimate, and once it stops, the runner's estimate
   * from the fraction measures the pace from there.
   */
  progress(fraction: number, stage?: string, secondsLeft?: number | null): void
  log(level: LogLevel, message: string): void
  metric(point: MetricInput): void
  checkpoint: {
    /**
     * Writes a complete checkpoint atomically: the files go to a temporary folder, which replaces the
     * previous checkpoint only once everything is on disk (metrics reported before it are stored first).
     */
    save(state: CheckpointState, files?: Record<string, Uint8Array>): Promise<void>
    /** The last complete checkpoint, or null when none was written. */
    load(): Promise<Checkpoint | null>
  }
}

/** A kind as the worker runs it: the spec plus the work itself. */
export interface JobKind<I = unknown> extends JobKindSpec<I> {
  run(input: I, ctx: JobContext): Promise<JsonValue>
}

/** Declares a kind with its input type inferred from the schema. */
export function defineJobKind<S extends z.ZodType>(
  kind: Omit<JobKind<z.output<S>>, 'inputSchema'> & { inputSchema: S },
): JobKind<z.output<S>> {
  return kind as unknown as JobKind<z.output<S>>
}
