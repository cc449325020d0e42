/** A JobContext for running a job kind in-process in a test: real checkpoints under runDir, events recorded. */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { loadCheckpoint, saveCheckpoint } from '../../../../../main/core/jobs/checkpoint'
import type { CheckpointState, JobContext, MetricInput } from '../../../../../main/core/jobs/kind'

export interface RecordingContext extends JobContext {
  metrics: MetricInput[]
  saved: CheckpointState[]
  logs: string[]
  controller: AbortController
}

export function testJobContext(home: string, jobId: string, onSave?: (state: CheckpointState, ctx: RecordingContext) => void): RecordingContext {
  const runDir = join(home, 'runs', jobId)
  mkdirSync(runDir, { recursive: true })
  const controller = new AbortController()
  const ctx: RecordingContext = {
    jobId,
    runDir,
    modelsDir: join(home, 'models'),
    cacheDir: join(home, 'cache'),
    attempt: 1,
    signal: controller.signal,
    controller,
    metrics: [],
    saved: [],
    logs: [],
    progress: () => {},
    log: (level, message) => void ctx.logs.push(`${level}: ${message}`),
    metric: (point) => void ctx.metrics.push(point),
    checkpoint: {
      save: async (state, files) => {
        await saveCheckpoint(runDir, state, files)
        ctx.saved.push(state)
        onSave?.(state, ctx)
      },
      load: () => loadCheckpoint(runDir),
    },
  }
  return ctx
}
