import { parentPort, workerData } from 'node:worker_threads'
import { decodeForEditor, toMessage } from '../audio/editor-decode'
import { toPerceptError } from '../core/errors'

/**
 * A thread that opens one sound for the editor (decode, levels, loudness, peak pyramid: seconds for
 * an hour of audio) and hands the arrays back without copying, so the core keeps answering
 * meanwhile. Built to out/main/audio-worker.js; run from this source through tsx in tests.
 */
const { path } = workerData as { path: string }
decodeForEditor(path).then(
  (decoded) => {
    const { message, transfer } = toMessage(decoded)
    parentPort!.postMessage({ ok: true, decoded: message }, transfer)
  },
  (error: unknown) => parentPort!.postMessage({ ok: false, error: toPerceptError(error, `opening ${path}`).toWire() }),
)
