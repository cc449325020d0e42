import type { JobWorkerEntry } from '../core/jobs/worker-entry'
import { inAudioThread } from './audio-thread'
import { fromMessage, type DecodedForEditor, type DecodedMessage } from './editor-decode'

/** What the audio worker is asked to open. */
export interface OpenTask {
  open: string
}

/** decodeForEditor in a thread of its own (see main/app/audio-worker.ts); the arrays come back without a copy. */
export function workerDecoder(entry: JobWorkerEntry): (path: string) => Promise<DecodedForEditor> {
  return async (path) =>
    fromMessage(await inAudioThread<DecodedMessage>(entry, { open: path } satisfies OpenTask, `opening ${path}`, 'the file may be too large for memory'))
}
