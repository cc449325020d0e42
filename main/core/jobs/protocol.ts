import type { JobError } from '../../api/jobs'
import type { LogLevel } from '../logger'
import type { JsonValue, MetricInput } from './kind'

/**
 * The messages between the JobRunner (main thread) and a job's worker thread.
 * Messages on one port arrive in order, which the checkpoint handshake relies on.
 */

/** Passed as workerData when the worker starts. */
export interface WorkerStart {
  jobId: string
  kind: string
  input: unknown
  runDir: string
  /** The workspace's models folder, where a kind installs the model package it produces. */
  modelsDir: string
  /** The workspace's cache folder, for results that can be recomputed (e.g. features). */
  cacheDir: string
  attempt: number
}

export type WorkerMessage =
  | { type: 'progress'; fraction: number; stage: string; secondsLeft?: number | null }
  | { type: 'log'; level: LogLevel; message: string }
  | { type: 'metric'; point: MetricInput }
  /**
   * The checkpoint for `epoch` is complete in a temporary folder; the worker waits for the matching
   * checkpoint-ack before it renames it into place. The runner answers only after it has stored every
   * message sent before this one, so a checkpoint on disk never holds an epoch whose metrics are missing.
   */
  | { type: 'checkpoint'; seq: number; epoch: number }
  | { type: 'done'; result: JsonValue }
  | { type: 'failed'; error: JobError }
  | { type: 'cancelled' }

export type RunnerMessage = { type: 'cancel' } | { type: 'checkpoint-ack'; seq: number }
