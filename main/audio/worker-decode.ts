import type { WireError } from '../api'
import { PerceptError } from '../core/errors'
import { spawnWorker, type JobWorkerEntry } from '../core/jobs/worker-entry'
import { fromMessage, type DecodedForEditor, type DecodedMessage } from './editor-decode'

type Reply = { ok: true; decoded: DecodedMessage } | { ok: false; error: WireError }

/** decodeForEditor in a worker thread of its own (see main/app/audio-worker.ts). */
export function workerDecoder(entry: JobWorkerEntry): (path: string) => Promise<DecodedForEditor> {
  return (path) =>
    new Promise((resolve, reject) => {
      const worker = spawnWorker(entry, { path })
      let settled = false
      worker.once('message', (reply: Reply) => {
        settled = true
        if (reply.ok) resolve(fromMessage(reply.decoded))
        else reject(PerceptError.fromWire(reply.error))
        void worker.terminate()
      })
      worker.once('error', (error) => {
        settled = true
        reject(new PerceptError('INTERNAL', `The thread opening ${path} failed: ${error.message}`))
      })
      worker.once('exit', (code) => {
        if (!settled) reject(new PerceptError('INTERNAL', `The thread opening ${path} stopped (exit code ${code}) before it answered; the file may be too large for memory.`))
      })
    })
}
