import * as tf from '@tensorflow/tfjs-core'
import { createRequire } from 'node:module'
import { benchMachine, median, timeAsync, type BenchMachine } from '../../core/bench-timing'
import { backendPreference, forcedBackend, probeBackends, type TfBackendName, useBackend, wasmThreading } from '../backend'
import { buildReferenceCnn, referenceCnnBatch, referenceCnnClasses, referenceCnnInputShape } from '../reference-cnn'
import { defaultIntraOpThreads, openOnnxSession, type OnnxModelSession } from '../onnx/onnx-session'
import { forwardFlops } from './forward-flops'
import { compareWithPyTorch, formatPyTorchComparison, type PyTorchComparison } from './pytorch-comparison'
import { torchSpecOf } from './pytorch-reference'
import { formatStepProfile, profileTrainingStep, type ProfiledNetwork, type StepProfile } from './step-profile'

/** What one "item" is: the figures are milliseconds per item, medians over the repetitions after warm-up. */
export const benchItem =
  'one call of the op at the given shape (backward: the input and filter gradients as training computes them, ' +
  'i.e. the registered gradient, forward excluded; train step: one model.trainOnBatch of the reference CNN at batch 32; ' +
  'onnxruntime: one session.run of the exported reference CNN at batch 32)'

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
  /**
   * The exported reference CNN in onnxruntime-node. `forward_gflop`: the arithmetic of one pass (forward-flops.ts);
   * `gflop_per_s`: that over the time, to hold against the cores' multiply-add peak (see benchOnnx).
   */
  onnxruntime: {
    cnn_batch32_ms: number | null
    reason?: string
    intra_op_threads?: number
    forward_gflop?: number
    gflop_per_s?: number
    /** The same graph with its convolutions in int8 (quantise-conv.ts), calibrated on another batch. */
    int8?: { cnn_batch32_ms: number; max_probability_difference: number; top1_agreement: number } | { reason: string }
  }
  item: string
  unit: 'ms'
  date: string
  machine: BenchMachine & { tfjs: string; onnxruntime: string | null }
  /** Backends that did not load here, and why. */
  skipped: Partial<Record<TfBackendName, string>>
  wasm: { threads: number | null; binary: string | null; note: string | null } | null
  repetitions: Record<string, { warmup: number; measured: number; train_step_measured: number }>
  shapes: Record<string, string>
  /** With `profile`: per backend, a kernel-by-kernel profile of one training step of each network. */
  profile?: Partial<Record<TfBackendName, StepProfile[]>>
  /** The reference CNN's training step (on the training backend) and ONNX inference beside PyTorch's, or why not. */
  pytorch?: PyTorchComparison
  total_s: number
}

export interface ComputeBenchOptions {
  /** Backends to measure (default: PERCEPT_BACKEND's when set, else every one that loads here). */
  backends?: TfBackendName[]
  /** One repetition of everything, no warm-up beyond the first call: for smoke tests, not figures. */
  quick?: boolean
  /** Progress lines (default: none). */
  log?: (line: string) => void
  /** Also profile a training step kernel by kernel on each backend: the reference CNN, then these networks. */
  profile?: boolean
  profileNetworks?: ProfiledNetwork[]
  /** Time the reference CNN beside PyTorch too, where a Python with torch is found (default true). */
  pytorch?: boolean
}

/** The reference CNN as the step profile takes it. */
export const referenceCnnNetwork: ProfiledNetwork = {
  name: 'reference CNN',
  build: () => buildReferenceCnn({ seed: 1 }),
  batch: referenceCnnBatch,
  inputShape: referenceCnnInputShape,
  classes: referenceCnnClasses,
}

export const benchShapes = {
  matmul: '[1024, 1024] x [1024, 1024]',
  conv2d: 'x [32, 64, 41, 32] NHWC, filter [3, 3, 32, 32], stride 1, same',
  conv2d_dil2: 'conv2d shapes, dilation 2',
  conv3d: 'x [1, 32, 32, 32, 8] NDHWC, filter [3, 3, 3, 8, 8], stride 1, same',
  train_step: `reference CNN (main/compute/reference-cnn.ts), input [${referenceCnnBatch}, ${referenceCnnInputShape.join(', ')}]`,
}

interface Plan {
  warmup: number
  measured: number
  trainMeasured: number
}

/** The cpu backend is plain JavaScript (a training step of the reference CNN takes ~20 s), so it gets fewer repetitions. */
function planFor(backend: TfBackendName, quick: boolean): Plan {
  if (quick) return { warmup: 0, measured: 1, trainMeasured: 1 }
  if (backend === 'cpu') return { warmup: 1, measured: 3, trainMeasured: 3 }
  return { warmup: 2, measured: 10, trainMeasured: 5 }
}

/**
 * Times `run` (which must return every tensor it made, so none leak): `warmup` untimed calls, then
 * the median of `measured` timed ones. cpu, wasm and tensorflow all execute synchronously, so the
 * call returning means the work is done.
 */
function time(label: string, warmup: number, measured: number, run: () => tf.Tensor | tf.Tensor[]): number {
  const before = tf.memory().numTensors
  const once = (): number => {
    const start = performance.now()
    const out = run()
    const ms = performance.now() - start
    tf.dispose(out)
    return ms
  }
  for (let i = 0; i < warmup; i++) once()
  const times = Array.from({ length: measured }, once)
  const leaked = tf.memory().numTensors - before
  if (leaked > 0) throw new Error(`benchmark ${label} leaked ${leaked} tensors`)
  return median(times)
}

function seeded(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed)
}

/** Backward pass of one op as training runs it: the gradient registered for its kernel, applied to dy. */
function backward(kernel: string, dy: tf.Tensor, saved: tf.Tensor[], attrs: object): tf.Tensor[] {
  const gradient = tf.getGradient(kernel)
  if (!gradient) throw new Error(`no gradient registered for ${kernel}`)
  const grads = gradient.gradFunc(dy, saved, attrs as tf.NamedAttrMap)
  return Object.values(grads).map((f) => f())
}

async function benchBackend(backend: TfBackendName, plan: Plan, log: (line: string) => void): Promise<BackendFigures> {
  await useBackend(backend)
  const { warmup, measured } = plan
  const step = (label: string, run: () => tf.Tensor | tf.Tensor[]): number => {
    const ms = time(`${backend} ${label}`, warmup, measured, run)
    log(`  ${backend} ${label}: ${ms} ms`)
    return ms
  }

  const a = seeded([1024, 1024], 1)
  const b = seeded([1024, 1024], 2)
  const matmul = step('matmul 1024', () => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D))
  tf.dispose([a, b])

  const x2 = seeded([32, 64, 41, 32], 3) as tf.Tensor4D
  const w2 = seeded([3, 3, 32, 32], 4) as tf.Tensor4D
  const dy2 = seeded([32, 64, 41, 32], 5) as tf.Tensor4D
  const conv2dAttrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] }
  const conv2dFwd = step('conv2d forward', () => tf.conv2d(x2, w2, 1, 'same'))
  const conv2dBwd = step('conv2d backward', () => backward(tf.Conv2D, dy2, [x2, w2], conv2dAttrs))
  const conv2dDil = step('conv2d dilation 2 forward', () => tf.conv2d(x2, w2, 1, 'same', 'NHWC', 2))
  tf.dispose([x2, w2, dy2])

  const x3 = seeded([1, 32, 32, 32, 8], 6) as tf.Tensor5D
  const w3 = seeded([3, 3, 3, 8, 8], 7) as tf.Tensor5D
  const dy3 = seeded([1, 32, 32, 32, 8], 8) as tf.Tensor5D
  const conv3dFwd = step('conv3d forward', () => tf.conv3d(x3, w3, 1, 'same'))
  const conv3dBwd = step('conv3d backward', () => backward(tf.Conv3D, dy3, [x3, w3], { strides: [1, 1, 1], pad: 'same', dataFormat: 'NDHWC', dilations: [1, 1, 1] }))
  tf.dispose([x3, w3, dy3])

  const model = buildReferenceCnn({ seed: 1 })
  const inputs = seeded([referenceCnnBatch, ...referenceCnnInputShape], 9)
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: referenceCnnBatch }, (_, i) => i % referenceCnnClasses), 'int32'), referenceCnnClasses)
  const trainStep = await timeAsync(warmup, plan.trainMeasured, async () => {
    await model.trainOnBatch(inputs, labels)
  })
  log(`  ${backend} train step: ${trainStep} ms`)
  model.optimizer.dispose()
  model.dispose()
  tf.dispose([inputs, labels])

  return {
    matmul1024_ms: matmul,
    conv2d_fwd_ms: conv2dFwd,
    conv2d_bwd_ms: conv2dBwd,
    conv2d_dil2_fwd_ms: conv2dDil,
    conv3d_fwd_ms: conv3dFwd,
    conv3d_bwd_ms: conv3dBwd,
    train_step_ms: trainStep,
  }
}

/**
 * The reference CNN exported by main/compute/onnx and opened as the app opens models (onnx-session.ts);
 * 'int8': its convolutions quantised, calibrated on a batch other than the one timed.
 */
async function referenceCnnSession(precision: 'float32' | 'int8' = 'float32'): Promise<OnnxModelSession> {
  const { decodeModel, exportToOnnx, quantiseConvsCalibrated } = await import('../onnx')
  const model = buildReferenceCnn({ seed: 1, compile: false })
  try {
    const bytes = exportToOnnx(model)
    if (precision === 'float32') return await openOnnxSession(bytes)
    const input = decodeModel(bytes).graph!.input![0]!.name!
    const quantised = await quantiseConvsCalibrated(bytes, [referenceCnnFeeds(input, Math.cos)])
    if (quantised.convs === 0) throw new Error('no convolution was quantised')
    return await openOnnxSession(quantised.bytes)
  } finally {
    model.dispose()
  }
}

/** A deterministic batch of the reference CNN's input, as the session takes it. */
function referenceCnnFeeds(input: string, wave: (x: number) => number = Math.sin): Record<string, { data: Float32Array; shape: number[] }> {
  const data = new Float32Array(referenceCnnBatch * referenceCnnInputShape.reduce((a, b) => a * b, 1)).map((_, i) => wave(i))
  return { [input]: { data, shape: [referenceCnnBatch, ...referenceCnnInputShape] } }
}

/** How far the int8 graph's class probabilities are from the float32 graph's: the largest difference, and the share of rows whose top class agrees. */
function agreement(a: Float32Array, b: Float32Array, classes: number): { max: number; top1: number } {
  let max = 0
  let same = 0
  const top = (x: Float32Array, row: number): number => {
    let best = 0
    for (let c = 1; c < classes; c++) if (x[row * classes + c]! > x[row * classes + best]!) best = c
    return best
  }
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!))
  const rows = a.length / classes
  for (let r = 0; r < rows; r++) if (top(a, r) === top(b, r)) same++
  return { max, top1: same / rows }
}

/** GFLOP of one forward pass of the reference CNN at the benchmark's batch (forward-flops.ts). */
function referenceCnnGflop(): number {
  const model = buildReferenceCnn({ seed: 1, compile: false })
  try {
    return forwardFlops(model, referenceCnnBatch) / 1e9
  } finally {
    model.dispose()
  }
}

/**
 * onnxruntime-node inference of the reference CNN at batch 32; null with a reason when that cannot happen here.
 *
 * What bounds this figure (measured December 2026 on the 2-core AMD EPYC (Zen 4) VM the issue measures on):
 * - The work: 4.74 GFLOP a pass (4.49 without the taps on 'same' padding, which the kernels skip); the three
 *   32 -> 32 convolutions are 98% of it and, in onnxruntime's profile, 97% of the time.
 * - The cores: an AVX-512 FMA loop reaches 117 GFLOP/s on one core (32 FLOP a cycle at 3.66 GHz), so two
 *   cores need at least 19 ms for any fp32 direct convolution of this network: 0.64x PyTorch's 29.9 ms
 *   (measured idle) with every multiply-add unit busy all the time. "0.6x PyTorch" is out of fp32's reach
 *   here; only fewer multiplies (Winograd, which onnxruntime's CPU kernels do not have and which written as
 *   ONNX ops costs more in memory passes than it saves: an elementwise op over a 10.7 MB activation takes
 *   1.5 ms at best, and the transforms need several a layer against ~4 ms saved) or int8 get under it.
 *   So the benchmark also times the graph with int8 convolutions (quantise-conv.ts: QLinearConv with VNNI),
 *   beside PyTorch's own int8 convolutions of the same network (same arithmetic on both sides).
 * - Where we are, on the 4.49 GFLOP computed: one thread 42.7 ms at best (105 GFLOP/s, 90% of a core's peak;
 *   PyTorch's one thread: 64-80 ms under the same load), two threads 24.0 ms idle (187 GFLOP/s, 80% of two
 *   cores' peak; gflop_per_s below counts all 4.74, so it reads 5% higher). The graph onnxruntime runs is
 *   already the one to want: the exporter writes it channels-first (transpose-folding.ts), and after its
 *   layout pass every convolution runs in the blocked NCHWc layout with its Relu fused, the pooling too, and
 *   one reorder of the pooled [N, 32] values back.
 * - Settings tried, interleaved with the default (load 4-6 from other work, so medians are noisy; best times
 *   compared): 1 or 2 intra-op threads, no spinning ('session.intra_op.allow_spinning' 0), dynamic block
 *   base 4, no memory arena or pattern, the batch split into 2 or 4 branches run by 2 inter-op threads:
 *   none beat the default by more than the noise; 'basic' optimisation (no NCHWc) is 1.3-1.6x slower.
 * - On an AVX2-only host (AMD EPYC without AVX-512, December 2026) PyTorch's eager forward pass took 31 to
 *   100 ms depending on what its process had run before, while its TorchScript graph optimised for inference
 *   stayed at 28-40 ms, near the multiply peak like ours (fp32 ~30 ms; int8 16-19 ms, QLinearConv at
 *   ~310 GOP/s). So the comparison also times PyTorch's optimised graph: eager alone flatters us.
 *   Keeping the 2-channel first convolution in float32 was tried: slower (the int8 convolution is 2.2 ms of
 *   it, but the quantise and layout changes around a float one cost more).
 */
async function benchOnnx(quick: boolean, log: (line: string) => void): Promise<ComputeBenchResult['onnxruntime']> {
  let session: OnnxModelSession
  try {
    session = await referenceCnnSession()
  } catch (error) {
    return { cnn_batch32_ms: null, reason: `exporting the reference CNN to ONNX or opening it failed: ${(error as Error).message}` }
  }
  try {
    const feeds = referenceCnnFeeds(session.inputNames[0]!)
    const ms = await timeAsync(quick ? 0 : 3, quick ? 1 : 20, () => session.run(feeds))
    const gflop = referenceCnnGflop()
    const rate = Math.round(gflop / (ms / 1000))
    log(`  onnxruntime reference CNN batch ${referenceCnnBatch}: ${ms} ms (${rate} GFLOP/s)`)
    const int8 = await benchOnnxInt8(session, feeds, quick, log)
    return { cnn_batch32_ms: ms, intra_op_threads: defaultIntraOpThreads(), forward_gflop: Math.round(gflop * 1000) / 1000, gflop_per_s: rate, int8 }
  } finally {
    await session.release()
  }
}

/** The int8 graph's time, and how close its outputs stay to the float32 graph's on the timed batch. */
async function benchOnnxInt8(
  float: OnnxModelSession,
  feeds: ReturnType<typeof referenceCnnFeeds>,
  quick: boolean,
  log: (line: string) => void,
): Promise<NonNullable<ComputeBenchResult['onnxruntime']['int8']>> {
  let session: OnnxModelSession
  try {
    session = await referenceCnnSession('int8')
  } catch (error) {
    return { reason: `quantising the reference CNN failed: ${(error as Error).message}` }
  }
  try {
    const ms = await timeAsync(quick ? 0 : 3, quick ? 1 : 20, () => session.run(feeds))
    const output = float.outputNames[0]!
    const a = (await float.run(feeds))[output]!.data as Float32Array
    const b = (await session.run(feeds))[output]!.data as Float32Array
    const { max, top1 } = agreement(a, b, referenceCnnClasses)
    log(`  onnxruntime reference CNN batch ${referenceCnnBatch}, convolutions int8: ${ms} ms (probabilities within ${max.toExponential(2)} of float32; top class the same for ${(100 * top1).toFixed(0)}%)`)
    return { cnn_batch32_ms: ms, max_probability_difference: max, top1_agreement: top1 }
  } finally {
    await session.release()
  }
}

/** The reference CNN's training step on `backend` and its ONNX inference, interleaved with PyTorch's. */
async function compareReferenceCnn(backend: TfBackendName, quick: boolean, log: (line: string) => void): Promise<PyTorchComparison> {
  await useBackend(backend)
  const model = buildReferenceCnn({ seed: 1 })
  const inputs = seeded([referenceCnnBatch, ...referenceCnnInputShape], 9)
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: referenceCnnBatch }, (_, i) => i % referenceCnnClasses), 'int32'), referenceCnnClasses)
  let session: OnnxModelSession | null = null
  let int8: OnnxModelSession | null = null
  try {
    const spec = torchSpecOf(model)
    session = await referenceCnnSession().catch(() => null)
    int8 = await referenceCnnSession('int8').catch(() => null)
    const feeds = session ? referenceCnnFeeds(session.inputNames[0]!) : null
    return await compareWithPyTorch(
      [
        {
          name: 'reference_cnn_train_step',
          label: `reference CNN train step, batch ${referenceCnnBatch} (${backend})`,
          torch: { op: 'train', spec, batch: referenceCnnBatch },
          ours: () => model.trainOnBatch(inputs, labels),
        },
        ...(session && feeds
          ? [
              {
                name: 'reference_cnn_onnx_inference',
                label: `reference CNN inference, batch ${referenceCnnBatch} (onnxruntime)`,
                torch: { op: 'infer' as const, spec, batch: referenceCnnBatch },
                ours: () => session!.run(feeds),
              },
            ]
          : []),
        ...(int8 && feeds
          ? [
              {
                name: 'reference_cnn_onnx_int8_inference',
                label: `reference CNN inference, batch ${referenceCnnBatch}, convolutions int8 (onnxruntime; PyTorch's int8 too)`,
                torch: { op: 'infer_int8' as const, spec, batch: referenceCnnBatch },
                ours: () => int8!.run(feeds),
              },
            ]
          : []),
        // Last: building PyTorch's optimised graph changes how fast its eager pass runs afterwards.
        ...(session && feeds
          ? [
              {
                name: 'reference_cnn_onnx_inference_vs_optimised',
                label: `reference CNN inference, batch ${referenceCnnBatch} (onnxruntime; PyTorch's TorchScript optimised for inference)`,
                torch: { op: 'infer_optimised' as const, spec, batch: referenceCnnBatch },
                ours: () => session!.run(feeds),
              },
            ]
          : []),
      ],
      { quick, threads: defaultIntraOpThreads(), log },
    )
  } finally {
    await session?.release()
    await int8?.release()
    model.optimizer.dispose()
    model.dispose()
    tf.dispose([inputs, labels])
  }
}

function versionOf(name: string): string | null {
  try {
    return (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version
  } catch {
    return null
  }
}

/**
 * The compute benchmark: for every TF.js backend that loads (fastest first), ms per item of matmul,
 * conv2d/conv3d forward and backward and a reference-CNN training step, plus onnxruntime-node
 * inference of the same CNN exported to ONNX. About 4 minutes on a 2-core machine, most of it the
 * cpu backend. Leaves the active backend as it found it.
 */
export async function runComputeBench(options: ComputeBenchOptions = {}): Promise<ComputeBenchResult> {
  const log = options.log ?? (() => {})
  const started = performance.now()
  const previous = tf.getBackend() as TfBackendName | undefined
  const probe = await probeBackends()
  // PERCEPT_BACKEND narrows the benchmark to the backend it forces, as it does training.
  const forced = forcedBackend()
  const wanted = options.backends ?? (forced ? [forced] : [...backendPreference])
  const result: ComputeBenchResult = {
    backends: {},
    onnxruntime: { cnn_batch32_ms: null },
    item: benchItem,
    unit: 'ms',
    date: new Date().toISOString(),
    machine: {
      ...benchMachine(),
      tfjs: tf.version_core,
      onnxruntime: versionOf('onnxruntime-node'),
    },
    skipped: {},
    wasm: null,
    repetitions: {},
    shapes: benchShapes,
    total_s: 0,
  }
  for (const backend of wanted) {
    if (!probe.available.includes(backend)) {
      result.skipped[backend] = probe.missing[backend] ?? 'not available'
      continue
    }
    const plan = planFor(backend, options.quick ?? false)
    log(`${backend}: ${plan.warmup} warm-up, ${plan.measured} measured (train step ${plan.trainMeasured})`)
    result.backends[backend] = await benchBackend(backend, plan, log)
    result.repetitions[backend] = { warmup: plan.warmup, measured: plan.measured, train_step_measured: plan.trainMeasured }
    if (backend === 'wasm') {
      const { threads, binary, note } = wasmThreading()
      result.wasm = { threads, binary, note }
    }
    if (options.profile) {
      // The cpu backend's step takes ~20 s: one warm-up, one profiled.
      const steps = options.quick ? { warmup: 0, steps: 1 } : backend === 'cpu' ? { warmup: 1, steps: 1 } : { warmup: 2, steps: 3 }
      const profiles: StepProfile[] = []
      for (const network of [referenceCnnNetwork, ...(options.profileNetworks ?? [])]) {
        log(`  ${backend} profile of a training step: ${network.name}`)
        profiles.push(await profileTrainingStep(network, steps))
      }
      ;(result.profile ??= {})[backend] = profiles
    }
  }
  log('onnxruntime')
  result.onnxruntime = await benchOnnx(options.quick ?? false, log)
  const training = probe.selected && result.backends[probe.selected] ? probe.selected : (Object.keys(result.backends)[0] as TfBackendName | undefined)
  if ((options.pytorch ?? true) && training) {
    log(`PyTorch beside ${training} and onnxruntime`)
    result.pytorch = await compareReferenceCnn(training, options.quick ?? false, log)
  }
  if (previous && probe.available.includes(previous)) await useBackend(previous)
  result.total_s = Math.round((performance.now() - started) / 100) / 10
  return result
}

/** The figures as a fixed-width table for a terminal. */
export function formatComputeBench(result: ComputeBenchResult): string {
  const rows: [string, keyof BackendFigures][] = [
    ['matmul 1024x1024x1024', 'matmul1024_ms'],
    ['conv2d forward', 'conv2d_fwd_ms'],
    ['conv2d backward (dx + dW)', 'conv2d_bwd_ms'],
    ['conv2d dilation 2 forward', 'conv2d_dil2_fwd_ms'],
    ['conv3d forward', 'conv3d_fwd_ms'],
    ['conv3d backward (dx + dW)', 'conv3d_bwd_ms'],
    ['reference CNN train step', 'train_step_ms'],
  ]
  const names = Object.keys(result.backends) as TfBackendName[]
  const head = ['ms per item'.padEnd(28), ...names.map((n) => n.padStart(12))].join('')
  const lines = rows.map(([label, key]) => [label.padEnd(28), ...names.map((n) => String(result.backends[n]![key]).padStart(12))].join(''))
  const ort = result.onnxruntime
  const onnx =
    ort.cnn_batch32_ms === null
      ? `n/a (${ort.reason})`
      : `${ort.cnn_batch32_ms} ms${ort.gflop_per_s ? ` (${ort.forward_gflop} GFLOP a pass: ${ort.gflop_per_s} GFLOP/s on ${ort.intra_op_threads} threads)` : ''}` +
        (ort.int8 === undefined
          ? ''
          : 'reason' in ort.int8
            ? `; int8: n/a (${ort.int8.reason})`
            : `; convolutions int8: ${ort.int8.cnn_batch32_ms} ms (probabilities within ${ort.int8.max_probability_difference.toExponential(2)} of float32, top class the same for ${(100 * ort.int8.top1_agreement).toFixed(0)}%)`)
  const wasm = result.wasm ? `wasm: ${result.wasm.binary}, ${result.wasm.threads} thread(s)${result.wasm.note ? ` (${result.wasm.note})` : ''}` : null
  return [
    `Compute benchmark, ${result.date} (${result.machine.cpu}, ${result.machine.cores} cores, Node ${result.machine.node}, TF.js ${result.machine.tfjs})`,
    `One item = ${result.item}. Medians after warm-up.`,
    '',
    head,
    ...lines,
    '',
    `onnxruntime-node ${result.machine.onnxruntime ?? ''}, reference CNN inference, batch ${referenceCnnBatch}: ${onnx}`,
    ...(wasm ? [wasm] : []),
    ...(result.pytorch ? [formatPyTorchComparison(result.pytorch).trimEnd()] : []),
    ...Object.entries(result.skipped).map(([name, why]) => `${name}: skipped (${why})`),
    `Shapes: ${Object.entries(result.shapes).map(([k, v]) => `${k} ${v}`).join('; ')}`,
    ...Object.values(result.profile ?? {}).flatMap((profiles) => profiles.flatMap((p) => ['', formatStepProfile(p)])),
    `Took ${result.total_s} s.`,
  ].join('\n')
}
