import * as tf from '@tensorflow/tfjs-core'
import { availableParallelism, cpus } from 'node:os'
import { probeBackends, useBackend, wasmThreading, type TfBackendName } from '../backend'
import { exportToOnnx } from '../onnx'
import { openOnnxSession } from '../onnx/onnx-session'
import { buildReferenceCnn, referenceCnnBatch, referenceCnnClasses, referenceCnnInputShape } from '../reference-cnn'
import { medianMs, round } from './timing'

/** Milliseconds per item (one call of the op at the shape named), median after warm-up. */
export interface BackendFigures {
  matmul1024_ms: number
  conv2d_fwd_ms: number
  conv2d_bwd_ms: number
  conv2d_dil2_fwd_ms: number
  conv3d_fwd_ms: number
  conv3d_bwd_ms: number
  train_step_ms: number
}

export interface ComputeBenchResult {
  backends: Partial<Record<TfBackendName, BackendFigures>>
  onnxruntime: { cnn_batch32_ms: number }
  meta: { date: string; node: string; cpus: number; cpuModel: string; repeats: Record<string, number>; wasmThreads: number | null }
}

export interface ComputeBenchOptions {
  /** Backends to measure (default: every one that loads). */
  backends?: TfBackendName[]
  /** Timed runs per figure; the plain-JS backend gets fewer because it is slow. */
  repeats?: (backend: TfBackendName) => number
  log?: (line: string) => void
}

const defaultRepeats = (backend: TfBackendName): number => (backend === 'cpu' ? 3 : 9)

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed)
}

/** Runs fn, waits for its result on the device, and frees everything it made. */
async function settle(fn: () => tf.Tensor | tf.Tensor[]): Promise<void> {
  const out = tf.tidy(fn)
  const list = Array.isArray(out) ? out : [out]
  await Promise.all(list.map((t) => t.data()))
  tf.dispose(list)
}

async function measureBackend(backend: TfBackendName, repeats: number): Promise<BackendFigures> {
  await useBackend(backend)
  const a = seeded([1024, 1024], 1)
  const b = seeded([1024, 1024], 2)
  const x2 = seeded([32, 64, 41, 32], 3)
  const w2 = seeded([3, 3, 32, 32], 4)
  const x3 = seeded([1, 32, 32, 32, 8], 5)
  const w3 = seeded([3, 3, 3, 8, 8], 6)
  const conv2dGrads = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')))
  const conv3dGrads = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, 1, 'same')))
  const figures: BackendFigures = {
    matmul1024_ms: await medianMs(() => settle(() => tf.matMul(a, b)), repeats),
    conv2d_fwd_ms: await medianMs(() => settle(() => tf.conv2d(x2 as tf.Tensor4D, w2 as tf.Tensor4D, 1, 'same')), repeats),
    conv2d_bwd_ms: await medianMs(() => settle(() => conv2dGrads([x2, w2])), repeats),
    conv2d_dil2_fwd_ms: await medianMs(
      () => settle(() => tf.conv2d(x2 as tf.Tensor4D, w2 as tf.Tensor4D, 1, 'same', 'NHWC', 2)),
      repeats,
    ),
    conv3d_fwd_ms: await medianMs(() => settle(() => tf.conv3d(x3 as tf.Tensor5D, w3 as tf.Tensor5D, 1, 'same')), repeats),
    conv3d_bwd_ms: await medianMs(() => settle(() => conv3dGrads([x3, w3])), repeats),
    train_step_ms: await measureTrainStep(repeats),
  }
  tf.dispose([a, b, x2, w2, x3, w3])
  return Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, round(v)])) as unknown as BackendFigures
}

/** One SGD-Nesterov step of the reference CNN on a batch of 32. */
async function measureTrainStep(repeats: number): Promise<number> {
  const model = buildReferenceCnn()
  const x = seeded([referenceCnnBatch, ...referenceCnnInputShape], 7)
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: referenceCnnBatch }, (_, i) => i % referenceCnnClasses), 'int32'), referenceCnnClasses)
  const ms = await medianMs(async () => {
    await model.trainOnBatch(x, y)
  }, repeats)
  tf.dispose([x, y])
  model.dispose()
  return ms
}

/** onnxruntime-node inference of the reference CNN exported to ONNX, batch 32. */
async function measureOnnx(repeats: number): Promise<number> {
  await useBackend('cpu')
  const model = buildReferenceCnn()
  const session = await openOnnxSession(exportToOnnx(model))
  model.dispose()
  const input = session.inputs[0]!
  const data = new Float32Array(referenceCnnBatch * referenceCnnInputShape.reduce((p, d) => p * d, 1)).map((_, i) => Math.sin(i))
  const feeds = { [input.name]: { data, shape: [referenceCnnBatch, ...referenceCnnInputShape] } }
  try {
    return round(await medianMs(async () => void (await session.run(feeds)), repeats * 2, 2))
  } finally {
    await session.release()
  }
}

/** The compute benchmark: per loadable TF.js backend and for onnxruntime-node. */
export async function runComputeBench(options: ComputeBenchOptions = {}): Promise<ComputeBenchResult> {
  const log = options.log ?? (() => {})
  const repeatsFor = options.repeats ?? defaultRepeats
  const available = (await probeBackends()).available
  const wanted = options.backends ?? available
  const result: ComputeBenchResult = {
    backends: {},
    onnxruntime: { cnn_batch32_ms: 0 },
    meta: {
      date: new Date().toISOString(),
      node: process.versions.node,
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? 'unknown',
      repeats: {},
      wasmThreads: null,
    },
  }
  for (const backend of wanted) {
    if (!available.includes(backend)) throw new Error(`The ${backend} backend does not load here (available: ${available.join(', ')}).`)
    const repeats = repeatsFor(backend)
    log(`${backend}: measuring (${repeats} timed runs per figure)…`)
    result.backends[backend] = await measureBackend(backend, repeats)
    result.meta.repeats[backend] = repeats
    if (backend === 'wasm') result.meta.wasmThreads = wasmThreading().threads
  }
  log('onnxruntime: measuring…')
  result.onnxruntime.cnn_batch32_ms = await measureOnnx(repeatsFor('wasm'))
  return result
}

/** The figures as an aligned text table. */
export function formatComputeBench(result: ComputeBenchResult): string {
  const names = Object.keys(result.backends) as TfBackendName[]
  const keys: (keyof BackendFigures)[] = [
    'matmul1024_ms', 'conv2d_fwd_ms', 'conv2d_bwd_ms', 'conv2d_dil2_fwd_ms', 'conv3d_fwd_ms', 'conv3d_bwd_ms', 'train_step_ms',
  ]
  const rows = [['ms per item (median)', ...names], ...keys.map((k) => [k, ...names.map((n) => String(result.backends[n]![k]))])]
  rows.push(['onnxruntime cnn_batch32_ms', String(result.onnxruntime.cnn_batch32_ms)])
  const width = Math.max(...rows.map((r) => r[0]!.length))
  return rows.map((r) => [r[0]!.padEnd(width), ...r.slice(1).map((c) => c.padStart(10))].join('  ')).join('\n') +
    `\n(${result.meta.cpus} CPUs, ${result.meta.cpuModel}; wasm threads ${result.meta.wasmThreads ?? '-'})\n`
}
