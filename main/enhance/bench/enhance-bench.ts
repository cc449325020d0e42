import * as tf from '@tensorflow/tfjs-core'
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { benchMachine, median, type BenchMachine } from '../../core/bench-timing'
import { openOnnxSession } from '../../compute/onnx'
import { exportToOnnxWithSignature } from '../../compute/onnx'
import { readModelPackage } from '../../compute/model-package'
import { CONTEXT_FRAMES } from '../audio-input'
import { LIP_HEIGHT, LIP_WIDTH } from '../corpus/mouth-image'
import type { LipInput } from '../corpus/lips'
import { streamClip } from '../enhance-file'
import { ENHANCE_SESSION_OPTIONS, enhanceClip, enhanceModelOf, openEnhanceModel, type EnhanceModel } from '../enhancer'
import { ENHANCE_SAMPLE_RATE, frameCount, HOP_LENGTH } from '../frames'
import { BUNDLED_ENHANCE_DOMAIN } from '../model-choice'
import { buildEnhanceModel, disposeNetWeights, ENHANCE_MODELS, enhanceNetConfig, forwardPass, initNetWeights, PAPER_CONV_CHANNELS, PAPER_EMBEDDING, type EnhanceModelKind, type NetWeights } from '../model/enhance-net'
import { STREAM_LATENCY_SAMPLES, STREAM_LATENCY_SECONDS } from '../streaming'
import type { ExampleBatch } from '../train/examples'
import { torchTrainingStep } from './torch-step'

/*
 * `percept bench enhance`: per model (Unimodal, Multimodal, MBURST)
 *  - the real-time factor of enhancing a 3 s clip (features, ONNX masks, resynthesis; whole clip) with
 *    the bundled model where it is installed, and with a network of the paper's size (conv 32, embedding
 *    256: untrained weights, the same arithmetic) exported to ONNX here; and the bundled model's through
 *    the streaming enhancer, hop by hop (enhance-file.ts' streamClip, one model call per frame). Each
 *    after a first, untimed run (enhancer.ts' warm-up: onnxruntime's first run, V8's compilation);
 *  - streaming: the algorithmic latency (streaming.ts: one frame, 1244 samples) and the model's time per
 *    frame at batch 1, against the 19.4 ms a hop lasts;
 *  - a training step at the paper's size, batch 16 (TF.js on the backend training uses), beside
 *    PyTorch's step of the same network (scripts/reference/enhance_torch_step.py, torch.set_num_threads
 *    as our threads), and their ratio (ours over PyTorch's: below 1, we are faster). The two run one after
 *    the other, so a busy machine slows both.
 * --quick: a trial-sized network (conv 2, embedding 4), one repetition: a smoke run, not figures.
 */

export interface EnhanceBenchOptions {
  quick: boolean
  log: (line: string) => void
  /** models/ of this installation (bundled models), or null. */
  bundledDir: string | null
}

export interface ModelBenchFigures {
  /** Enhancing a 3 s clip: seconds over the clip's duration, whole and streaming; null where the bundled model is not installed. */
  real_time_factor: { bundled: number | null; bundled_streaming: number | null; paper_size: number }
  /** What ran the paper-size network: onnxruntime, or TF.js where the ONNX export failed (see notes). */
  paper_size_runtime: 'onnxruntime' | 'tfjs'
  bundled_sizes: { conv_channels: number; embedding: number } | null
  /** Model time per frame at batch 1 (paper-size network), and that over the hop's 19.44 ms. */
  streaming: { per_frame_ms: number; real_time_factor: number }
  train_step_ms: { ours: number; pytorch: number | null; ratio: number | null }
}

export interface EnhanceBenchResult {
  date: string
  machine: BenchMachine
  quick: boolean
  backend: string
  sizes: { conv_channels: number; embedding: number; batch: number }
  clip_seconds: number
  streaming_latency: { samples: number; ms: number; hop_samples: number; hop_ms: number }
  models: Record<EnhanceModelKind, ModelBenchFigures>
  pytorch: { torch: string; python: string; threads: number } | { note: string }
  notes: string[]
}

const CLIP_SECONDS = 3

/** A 3 s noisy clip (a voiced glide under noise) and 25 fps lips of 92 x 50, seeded. */
function benchClip(): { noisy: Float32Array; lips: LipInput } {
  const n = CLIP_SECONDS * ENHANCE_SAMPLE_RATE
  let seed = 7
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const noisy = Float32Array.from({ length: n }, (_, i) => 0.2 * Math.sin((2 * Math.PI * (120 + 20 * Math.sin(i / 5000)) * i) / ENHANCE_SAMPLE_RATE) + 0.05 * (2 * random() - 1))
  const videoFrames = CLIP_SECONDS * 25
  const frames = Float32Array.from({ length: videoFrames * LIP_WIDTH * LIP_HEIGHT }, () => random())
  const stftFrames = frameCount(n)
  const stftToVideo = Int32Array.from({ length: stftFrames }, (_, t) => Math.min(videoFrames - 1, Math.floor((t * HOP_LENGTH + 622) / 640)))
  return { noisy, lips: { width: LIP_WIDTH, height: LIP_HEIGHT, videoFrames, frames, stftFrames, stftToVideo, replacedFrames: [], pastVideoEnd: 0, notes: [] } }
}

/** The network on TF.js (its forward pass), as an EnhanceModel: the fallback where ONNX export fails. */
function tfjsEnhanceModel(kind: EnhanceModelKind, weights: NetWeights): EnhanceModel {
  const layers = weights.geometry.layers.map((l) => l.name)
  return {
    id: `${kind}-paper-size-tfjs`,
    kind,
    withLips: kind !== 'unimodal',
    layers,
    async masks(audio, lips, n) {
      const [mask, rates] = tf.tidy(() => {
        const pass = forwardPass(weights, {
          audio: tf.tensor4d(audio.subarray(0, n * CONTEXT_FRAMES * 500), [n, CONTEXT_FRAMES, 500, 1]),
          ...(lips ? { lips: tf.tensor4d(lips.subarray(0, n * LIP_WIDTH * LIP_HEIGHT), [n, LIP_HEIGHT, LIP_WIDTH, 1]) } : {}),
        })
        const perExample = pass.e.map((e) => tf.mean(tf.reshape(e, [n, -1]), 1))
        return [pass.e[pass.e.length - 1]!, tf.stack(perExample, 1)]
      })
      const out = { mask: (await mask.data()) as Float32Array, rates: (await rates.data()) as Float32Array }
      tf.dispose([mask, rates])
      return out
    },
    release: async () => {},
  }
}

async function timeMs(reps: number, f: () => Promise<unknown>): Promise<number> {
  await f()
  const times: number[] = []
  for (let i = 0; i < reps; i++) {
    const start = performance.now()
    await f()
    times.push(performance.now() - start)
  }
  return median(times)
}

function randomBatch(size: number): ExampleBatch {
  let seed = 11
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  return {
    size,
    audio: Float32Array.from({ length: size * CONTEXT_FRAMES * 500 }, () => random() - 0.2),
    lips: Float32Array.from({ length: size * LIP_WIDTH * LIP_HEIGHT }, random),
    target: Float32Array.from({ length: size * 622 }, () => (random() < 0.3 ? 1 : 0)),
  }
}

export async function runEnhanceBench(options: EnhanceBenchOptions): Promise<EnhanceBenchResult> {
  const { initBackend } = await import('../../compute/backend')
  const { backpropStep, burstTrainStep, paperAdam } = await import('../train/train-step')
  const backend = await initBackend()
  const sizes = options.quick ? { convChannels: 2, embedding: 4 } : { convChannels: PAPER_CONV_CHANNELS, embedding: PAPER_EMBEDDING }
  const batch = 16
  const reps = options.quick ? 1 : 3
  const threads = availableParallelism()
  const clip = benchClip()
  const notes: string[] = []
  const models = {} as Record<EnhanceModelKind, ModelBenchFigures>
  let pytorch: EnhanceBenchResult['pytorch'] = { note: 'not run' }
  for (const kind of ENHANCE_MODELS) {
    options.log(`${kind}: real-time factor`)
    const lips = kind === 'unimodal' ? null : clip.lips
    const rtf = async (model: EnhanceModel): Promise<number> => (await timeMs(reps, () => enhanceClip(model, clip.noisy, lips))) / 1000 / CLIP_SECONDS
    let bundled: number | null = null
    let bundledStreaming: number | null = null
    let bundledSizes: ModelBenchFigures['bundled_sizes'] = null
    const bundledDir = options.bundledDir ? join(options.bundledDir, BUNDLED_ENHANCE_DOMAIN, kind) : null
    if (bundledDir && existsSync(join(bundledDir, 'model.onnx'))) {
      const pkg = await readModelPackage(bundledDir)
      const arch = (pkg.meta.preprocessing as { architecture?: { convChannels: number; embedding: number } }).architecture
      if (arch) bundledSizes = { conv_channels: arch.convChannels, embedding: arch.embedding }
      const model = await openEnhanceModel(pkg)
      try {
        bundled = await rtf(model)
        bundledStreaming = (await timeMs(reps, () => streamClip(model, clip.noisy, lips, 'binary'))) / 1000 / CLIP_SECONDS
      } finally {
        await model.release()
      }
    } else notes.push(`no bundled ${kind} model installed: its real-time factor is not measured`)
    // The paper-size network, untrained: the arithmetic of inference does not depend on the weights' values.
    const weights = initNetWeights(enhanceNetConfig(kind, sizes), 1)
    let model: EnhanceModel
    let runtime: ModelBenchFigures['paper_size_runtime'] = 'onnxruntime'
    try {
      const layersModel = buildEnhanceModel(weights)
      try {
        const { bytes } = exportToOnnxWithSignature(layersModel)
        model = enhanceModelOf(`${kind}-paper-size`, kind, weights.geometry.layers.map((l) => l.name), await openOnnxSession(bytes, ENHANCE_SESSION_OPTIONS))
      } finally {
        layersModel.dispose()
      }
    } catch (error) {
      notes.push(`${kind}: the ${sizes.convChannels}/${sizes.embedding} network could not be exported to ONNX (${(error as Error).message}); its real-time factor is TF.js's (${backend})`)
      model = tfjsEnhanceModel(kind, weights)
      runtime = 'tfjs'
    }
    let paperRtf: number
    let perFrame: number
    try {
      paperRtf = await rtf(model)
      const one = { audio: new Float32Array(CONTEXT_FRAMES * 500).fill(0.3), lips: lips ? lips.frames.subarray(0, LIP_WIDTH * LIP_HEIGHT) : null }
      perFrame = await timeMs(options.quick ? 2 : 20, () => model.masks(one.audio, one.lips, 1))
    } finally {
      await model.release()
    }
    options.log(`${kind}: training step, batch ${batch}`)
    const optimizer = paperAdam()
    const data = randomBatch(batch)
    const ours = await timeMs(reps, () => (kind === 'mburst' ? burstTrainStep(weights, optimizer, data, 2) : backpropStep(weights, optimizer, data, 2, kind !== 'unimodal')))
    optimizer.dispose()
    disposeNetWeights(weights)
    options.log(`${kind}: PyTorch's training step`)
    const torch = await torchTrainingStep(kind, { ...sizes, batch, reps, threads })
    let torchMs: number | null = null
    if (torch.available) {
      torchMs = median(torch.ms)
      pytorch = { torch: torch.torch, python: torch.python, threads: torch.threads }
    } else pytorch = { note: torch.note }
    models[kind] = {
      real_time_factor: { bundled, bundled_streaming: bundledStreaming === null ? null : round4(bundledStreaming), paper_size: round4(paperRtf) },
      paper_size_runtime: runtime,
      bundled_sizes: bundledSizes,
      streaming: { per_frame_ms: perFrame, real_time_factor: round4(perFrame / ((1000 * HOP_LENGTH) / ENHANCE_SAMPLE_RATE)) },
      train_step_ms: { ours, pytorch: torchMs, ratio: torchMs ? Math.round((ours / torchMs) * 100) / 100 : null },
    }
    if (bundled !== null) models[kind].real_time_factor.bundled = round4(bundled)
  }
  if (tf.memory().numTensors > 0) notes.push(`${tf.memory().numTensors} tensors left after the run`)
  return {
    date: new Date().toISOString(),
    machine: benchMachine(),
    quick: options.quick,
    backend,
    sizes: { conv_channels: sizes.convChannels, embedding: sizes.embedding, batch },
    clip_seconds: CLIP_SECONDS,
    streaming_latency: { samples: STREAM_LATENCY_SAMPLES, ms: 1000 * STREAM_LATENCY_SECONDS, hop_samples: HOP_LENGTH, hop_ms: (1000 * HOP_LENGTH) / ENHANCE_SAMPLE_RATE },
    models,
    pytorch,
    notes,
  }
}

const round4 = (v: number): number => Math.round(v * 10_000) / 10_000

export function formatEnhanceBench(result: EnhanceBenchResult): string {
  const rows = [['MODEL', 'RTF BUNDLED', 'RTF BUNDLED STREAMING', `RTF ${result.quick ? 'TRIAL' : 'PAPER'} SIZE`, 'STREAM MS/FRAME', 'STREAM RTF', 'STEP MS (TF.JS)', 'STEP MS (PYTORCH)', 'RATIO']]
  for (const [kind, m] of Object.entries(result.models)) {
    rows.push([
      kind,
      m.real_time_factor.bundled === null ? '-' : m.real_time_factor.bundled.toFixed(4),
      m.real_time_factor.bundled_streaming === null ? '-' : m.real_time_factor.bundled_streaming.toFixed(4),
      m.real_time_factor.paper_size.toFixed(4),
      m.streaming.per_frame_ms.toFixed(2),
      m.streaming.real_time_factor.toFixed(3),
      m.train_step_ms.ours.toFixed(0),
      m.train_step_ms.pytorch === null ? '-' : m.train_step_ms.pytorch.toFixed(0),
      m.train_step_ms.ratio === null ? '-' : m.train_step_ms.ratio.toFixed(2),
    ])
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  const table = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()).join('\n')
  const torch = 'note' in result.pytorch ? result.pytorch.note : `PyTorch ${result.pytorch.torch}, ${result.pytorch.threads} threads`
  return (
    `Speech enhancement (${result.quick ? 'quick: trial-sized network, not figures' : `conv ${result.sizes.conv_channels}, embedding ${result.sizes.embedding}`}; batch ${result.sizes.batch}; backend ${result.backend}; ${result.clip_seconds} s clip)\n` +
    `${table}\n` +
    `streaming latency ${result.streaming_latency.samples} samples = ${result.streaming_latency.ms.toFixed(2)} ms (one frame; hop ${result.streaming_latency.hop_ms.toFixed(2)} ms)\n` +
    `${torch}\n` +
    result.notes.map((n) => `note: ${n}\n`).join('')
  )
}
