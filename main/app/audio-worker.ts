import { parentPort, workerData } from 'node:worker_threads'
import type { AudioThreadReply } from '../audio/audio-thread'
import { decodeForEditor, toMessage } from '../audio/editor-decode'
import type { OpenTask } from '../audio/worker-decode'
import { scanAsPublished, type ScanTask } from '../audio/scan-thread'
import { toPerceptError } from '../core/errors'
import { locateJobWorker } from '../core/jobs/worker-entry'
import { classifyHere, type ClassifyThreadTask } from '../sound/infer/classify-thread'

/**
 * A thread for one task on a sound, so the core keeps answering meanwhile: open it for the editor
 * (decode, levels, loudness, peak pyramid: seconds for an hour of audio; the arrays go back without
 * copying), measure a long WAV that another such thread is decoding (main/audio/scan-thread.ts), or
 * classify it (features and onnxruntime: seconds for 10 minutes). Built to out/main/audio-worker.js;
 * run from this source through tsx in tests.
 */
const task = workerData as OpenTask | ClassifyThreadTask | ScanTask

/** Sends the task's answer once: its value, its big arrays handed over without a copy; or its error. */
function answer<T>(work: Promise<{ message: T; transfer: ArrayBuffer[] }>, context: string): void {
  work.then(
    ({ message, transfer }) => parentPort!.postMessage({ ok: true, value: message } satisfies AudioThreadReply<T>, transfer),
    (error: unknown) => parentPort!.postMessage({ ok: false, error: toPerceptError(error, context).toWire() } satisfies AudioThreadReply<T>),
  )
}

if ('open' in task) {
  // A long WAV is measured in a second thread of this same worker while this one decodes it.
  const scanThread = locateJobWorker(import.meta.url, 'audio-worker')
  answer(decodeForEditor(task.open, { scanThread }).then(toMessage), `opening ${task.open}`)
} else if ('scan' in task) answer(scanAsPublished(task), 'measuring the sound')
else answer(classifyHere(task.classify).then((message) => ({ message, transfer: [] })), 'classifying the sound')
