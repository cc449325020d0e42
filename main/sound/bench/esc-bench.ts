import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../../compute/backend'
import { exportToOnnxWithSignature } from '../../compute/onnx'
import { openOnnxSession } from '../../compute/onnx/onnx-session'
import { benchMachine, timeAsync, type BenchMachine } from '../../core/bench-timing'
import { clipSegments, paperSegments } from '../features/segments'
import { buildEscModel, presetConfig, PAPER_TRAINING } from '../model'
import type { FeatureThreads } from '../features/feature-pool'
import { runFeaturesBench } from './features-bench'

export interface EscBenchResult {
  date: string
  machine: BenchMachine
  backend: string
  /** One trainOnBatch of the `dilated` preset (32/32/64/64 filters, 10 classes) at batch 32, ms. */
  train_step_batch32_ms: number
  /** Features + ONNX inference of a 4 s clip (7 segments) at 22.05 kHz: ms, and seconds of audio per second. */
  infer_4s_clip_ms: number
  infer_realtime_x: number
  /**
   * Training's data pipeline: 4 s clips at 44.1 kHz stereo pcm16 (UrbanSound8K's commonest format) read,
   * decoded, mixed down, resampled to 22.05 kHz, log-mel + delta, cut into segments and written to a cold
   * feature cache, clips per second.
   */
  features_clips_per_s: number
  /** CPU time per clip of all threads together, ms: changes less than clips/s when other work shares the machine. */
  features_cpu_ms_per_clip: number
  features_clips: number
  /** The feature threads they ran in: one per core, as a training job starts them. */
  features_threads: number
  repetitions: { warmup: number; measured: number }
}

/** A deterministic 4 s test clip: two tones and a little noise. */
function clip(): Float32Array {
  const sr = paperSegments.sr
  const out = new Float32Array(4 * sr)
  let state = 17
  for (let i = 0; i < out.length; i++) {
    state = (state * 16807) % 2147483647
    out[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / sr) + 0.2 * Math.sin((2 * Math.PI * 1250 * i) / sr) + 0.05 * ((state / 2147483647) * 2 - 1)
  }
  return out
}

export async function runEscBench(
  options: { quick?: boolean; log?: (line: string) => void; featureThreads?: FeatureThreads } = {},
): Promise<EscBenchResult> {
  const log = options.log ?? (() => {})
  const reps = options.quick ? { warmup: 0, measured: 1 } : { warmup: 2, measured: 8 }
  const backend = await initBackend()
  log(`training step of 'dilated' at batch 32 on ${backend}`)
  const model = buildEscModel(presetConfig('dilated', 10))
  const x = tf.randomUniform([PAPER_TRAINING.batchSize, 64, 41, 2], -1, 1, 'float32', 3)
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: PAPER_TRAINING.batchSize }, (_, i) => i % 10), 'int32'), 10)
  const trainStep = await timeAsync(reps.warmup, reps.measured, () => model.trainOnBatch(x, y))
  tf.dispose([x, y])

  log('features + ONNX inference of a 4 s clip')
  const { bytes } = exportToOnnxWithSignature(model)
  model.dispose()
  const session = await openOnnxSession(bytes)
  const audio = { sampleRate: paperSegments.sr, channels: [clip()] }
  let infer: number
  try {
    infer = await timeAsync(reps.warmup, reps.measured, async () => {
      const segments = await clipSegments(audio)
      await session.run({ [session.inputs[0]!.name]: { data: segments.data, shape: [segments.count, 64, 41, 2] } })
    })
  } finally {
    await session.release()
  }
  const features = await runFeaturesBench({ quick: options.quick, log, threads: options.featureThreads })
  return {
    date: new Date().toISOString(),
    machine: benchMachine(),
    backend,
    train_step_batch32_ms: trainStep,
    infer_4s_clip_ms: infer,
    infer_realtime_x: Math.round(4000 / infer),
    features_clips_per_s: features.clipsPerSecond,
    features_cpu_ms_per_clip: features.cpuMsPerClip,
    features_clips: features.clips,
    features_threads: features.threads,
    repetitions: reps,
  }
}

export function formatEscBench(r: EscBenchResult): string {
  return (
    `Sound classification benchmark (${r.machine.cpu}, ${r.machine.cores} cores, TF.js ${r.backend})\n` +
    `  training step, 'dilated', batch 32   ${r.train_step_batch32_ms} ms\n` +
    `  4 s clip: features + ONNX inference   ${r.infer_4s_clip_ms} ms (${r.infer_realtime_x}x real time)\n` +
    `  training features, 4 s 44.1 kHz clips ${r.features_clips_per_s} clips/s, ${r.features_cpu_ms_per_clip} ms CPU a clip (${r.features_clips} clips, ${r.features_threads} threads, cold cache)\n`
  )
}
