import { isMainThread, parentPort, workerData } from 'node:worker_threads'
import type { JobError } from '../../api/jobs'
import { PerceptError } from '../errors'
import type { LogLevel } from '../logger'
import { loadCheckpoint, saveCheckpoint } from './checkpoint'
import type { JobContext, JobKind, JsonValue, MetricInput } from './kind'
import type { RunnerMessage, WorkerMessage, WorkerStart } from './protocol'

function toJobError(error: unknown): JobError {
  if (error instanceof PerceptError) return { code: error.code, message: error.message }
  if (error instanceof Error) return { code: 'INTERNAL', message: error.message || error.name }
  return { code: 'INTERNAL', message: String(error) }
}

/** Results and checkpoint states cross as JSON: whatever JSON cannot hold is dropped here, not later. */
function asJson(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue)
}

/**
 * The worker side of a job: finds the kind named in workerData, gives its run() a JobContext whose
 * calls become messages to the JobRunner, and reports how it ended. A worker entry file calls this
 * with its registry of kinds (main/app/job-worker.ts in the app).
 */
export function runJobWorker(kinds: readonly JobKind[]): void {
  if (isMainThread || !parentPort) throw new Error('runJobWorker() runs inside a job worker thread, started by JobRunner.')
  const port = parentPort
  const start = workerData as WorkerStart
  const controller = new AbortController()
  const pendingAcks = new Map<number, () => void>()
  let checkpointSeq = 0
  const post = (message: WorkerMessage): void => port.postMessage(message)

  port.on('message', (message: RunnerMessage) => {
    if (message.type === 'cancel') {
      controller.abort(new PerceptError('CANCELLED', 'The job was cancelled.'))
    } else if (message.type === 'checkpoint-ack') {
      pendingAcks.get(message.seq)?.()
      pendingAcks.delete(message.seq)
    }
  })

  const ctx: JobContext = {
    jobId: start.jobId,
    runDir: start.runDir,
    modelsDir: start.modelsDir,
    cacheDir: start.cacheDir,
    attempt: start.attempt,
    signal: controller.signal,
    progress(fraction, stage = '', secondsLeft) {
      const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0
      const estimate = secondsLeft === undefined ? {} : { secondsLeft: secondsLeft !== null && Number.isFinite(secondsLeft) && secondsLeft >= 0 ? secondsLeft : null }
      post({ type: 'progress', fraction: clamped, stage: String(stage), ...estimate })
    },
    log(level: LogLevel, message: string) {
      post({ type: 'log', level, message: String(message) })
    },
    metric(point: MetricInput) {
      post({ type: 'metric', point: { ...point, name: String(point.name), value: Number(point.value) } })
    },
    checkpoint: {
      save: async (state, files = {}) => {
        await saveCheckpoint(start.runDir, asJson(state) as typeof state, files, () => {
          const seq = ++checkpointSeq
          return new Promise<void>((resolve) => {
            pendingAcks.set(seq, resolve)
            post({ type: 'checkpoint', seq, epoch: state.epoch })
          })
        })
      },
      load: () => loadCheckpoint(start.runDir),
    },
  }

  const finish = (message: WorkerMessage): void => {
    post(message)
    // Nothing more to say; let the thread end even if the kind left a handle open (the runner also ends it).
    port.unref()
  }

  void (async () => {
    const kind = kinds.find((k) => k.kind === start.kind)
    if (!kind) {
      return finish({
        type: 'failed',
        error: { code: 'UNAVAILABLE', message: `This worker does not know the job kind "${start.kind}".` },
      })
    }
    try {
      const input = kind.inputSchema.parse(start.input)
      const result = await kind.run(input, ctx)
      finish({ type: 'done', result: asJson(result) })
    } catch (error) {
      if (controller.signal.aborted) finish({ type: 'cancelled' })
      else finish({ type: 'failed', error: toJobError(error) })
    }
  })()
}
