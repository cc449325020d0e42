import { parentPort, workerData } from 'node:worker_threads'
import { toPerceptError } from '../core/errors'
import { runMriTask, transferables, type MriTask } from '../mri/worker-tasks'

/**
 * A thread for one MRI task: read a volume for the viewer, or build label surfaces. Progress goes up as
 * messages; the result's arrays are handed back without copying. Built to out/main/mri-worker.js.
 */
const task = workerData as MriTask
runMriTask(task, (fraction, stage) => parentPort!.postMessage({ kind: 'progress', fraction, stage })).then(
  (result) => parentPort!.postMessage({ kind: 'done', result }, transferables(result)),
  (error: unknown) => parentPort!.postMessage({ kind: 'failed', error: toPerceptError(error, `MRI ${task.task}`).toWire() }),
)
