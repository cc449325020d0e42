import type { WireError } from '../api'
import { PerceptError } from '../core/errors'
import { spawnWorker, type JobWorkerEntry } from '../core/jobs/worker-entry'
import { runMriTask, type MriTask, type MriTaskResult, type Progress } from './worker-tasks'

type Reply = { kind: 'progress'; fraction: number; stage: string } | { kind: 'done'; result: MriTaskResult } | { kind: 'failed'; error: WireError }

export type MriTaskRunner = (task: MriTask, progress: Progress) => Promise<MriTaskResult>

/** Runs each task in this thread (tests, the CLI). */
export const inProcessRunner: MriTaskRunner = runMriTask

/** Runs each task in a worker thread of its own (see main/app/mri-worker.ts). */
export function workerRunner(entry: JobWorkerEntry): MriTaskRunner {
  return (task, progress) =>
    new Promise((resolve, reject) => {
      // workerData is copied: the service keeps its own arrays.
      const worker = spawnWorker(entry, task)
      let settled = false
      worker.on('message', (reply: Reply) => {
        if (reply.kind === 'progress') return progress(reply.fraction, reply.stage)
        settled = true
        if (reply.kind === 'done') resolve(reply.result)
        else reject(PerceptError.fromWire(reply.error))
        void worker.terminate()
      })
      worker.once('error', (error) => {
        settled = true
        reject(new PerceptError('INTERNAL', `The MRI thread (${task.task}) failed: ${error.message}`))
      })
      worker.once('exit', (code) => {
        if (!settled) reject(new PerceptError('INTERNAL', `The MRI thread (${task.task}) stopped (exit code ${code}) before it answered; the volume may be too large for memory.`))
      })
    })
}
