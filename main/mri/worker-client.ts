import type { WireError } from '../api'
import { PerceptError } from '../core/errors'
import { spawnWorker, type JobWorkerEntry } from '../core/jobs/worker-entry'
import { runMriTask, type MriTask, type MriTaskResult, type Progress } from './worker-tasks'

type Reply = { kind: 'progress'; fraction: number; stage: string } | { kind: 'done'; result: MriTaskResult } | { kind: 'failed'; error: WireError }

/** Runs one task; an aborted `signal` ends it with the signal's reason (a CANCELLED PerceptError). */
export type MriTaskRunner = (task: MriTask, progress: Progress, signal?: AbortSignal) => Promise<MriTaskResult>

/** Runs each task in this thread (tests, the CLI); an abort is noticed between labels. */
export const inProcessRunner: MriTaskRunner = runMriTask

/** Runs each task in a worker thread of its own (see main/app/mri-worker.ts); an abort terminates the thread at once. */
export function workerRunner(entry: JobWorkerEntry): MriTaskRunner {
  return (task, progress, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason)
      // workerData is copied: the service keeps its own arrays.
      const worker = spawnWorker(entry, task)
      let settled = false
      const onAbort = (): void => {
        if (settled) return
        settled = true
        reject(signal!.reason)
        void worker.terminate()
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      const settle = (): void => {
        settled = true
        signal?.removeEventListener('abort', onAbort)
      }
      worker.on('message', (reply: Reply) => {
        if (settled) return
        if (reply.kind === 'progress') return progress(reply.fraction, reply.stage)
        settle()
        if (reply.kind === 'done') resolve(reply.result)
        else reject(PerceptError.fromWire(reply.error))
        void worker.terminate()
      })
      worker.once('error', (error) => {
        if (settled) return
        settle()
        reject(new PerceptError('INTERNAL', `The MRI thread (${task.task}) failed: ${error.message}`))
      })
      worker.once('exit', (code) => {
        if (settled) return
        settle()
        reject(new PerceptError('INTERNAL', `The MRI thread (${task.task}) stopped (exit code ${code}) before it answered; the volume may be too large for memory.`))
      })
    })
}
