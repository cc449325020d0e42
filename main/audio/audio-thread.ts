import type { WireError } from '../api'
import { PerceptError } from '../core/errors'
import { spawnWorker, type JobWorkerEntry } from '../core/jobs/worker-entry'

/** What a thread of the audio worker (main/app/audio-worker.ts) answers, once. */
export type AudioThreadReply<T> = { ok: true; value: T } | { ok: false; error: WireError }

/**
 * Runs one task in a new thread started from `entry` and gives its answer; the thread ends after it.
 * `what` names the work in failures ("opening x.wav"); `hint` says what a thread that dies may mean.
 */
export function inAudioThread<T>(entry: JobWorkerEntry, task: unknown, what: string, hint = ''): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = spawnWorker(entry, task)
    let settled = false
    worker.once('message', (reply: AudioThreadReply<T>) => {
      settled = true
      if (reply.ok) resolve(reply.value)
      else reject(PerceptError.fromWire(reply.error))
      void worker.terminate()
    })
    worker.once('error', (error) => {
      settled = true
      reject(new PerceptError('INTERNAL', `The thread ${what} failed: ${error.message}`))
    })
    worker.once('exit', (code) => {
      if (!settled) reject(new PerceptError('INTERNAL', `The thread ${what} stopped (exit code ${code}) before it answered${hint ? `; ${hint}` : ''}.`))
    })
  })
}
