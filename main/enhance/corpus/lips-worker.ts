import { parentPort, workerData } from 'node:worker_threads'
import { toPerceptError } from '../../core/errors'
import { cropLipFrames } from './lip-frames'
import type { LipThreadReply, LipThreadTask } from './lip-prepare'

/**
 * The thread that crops lips from full-face frames for lip-prepare.ts, so the face-landmark model (which
 * replaces TF.js kernels when it loads) never shares a thread with anything else. Built to
 * out/main/lips-worker.js; run from this source through tsx in tests.
 */
const task = workerData as LipThreadTask
cropLipFrames(task.framesDir, task.outDir).then(
  (summary) => parentPort!.postMessage({ ok: true, summary } satisfies LipThreadReply),
  (error: unknown) => parentPort!.postMessage({ ok: false, error: toPerceptError(error, `cropping the lips of ${task.framesDir}`).toWire() } satisfies LipThreadReply),
)
