import type { ModelPackage } from '../compute/model-package'
import { openOnnxSession, type OnnxModelSession, type OnnxSessionOptions } from '../compute/onnx'
import { PerceptError } from '../core/errors'
import { CONTEXT_FRAMES, INPUT_BINS } from './audio-input'
import { contextBatch, inputFeatures, type FeatureMapping } from './context-features'
import { lipFrameAt, type LipInput } from './corpus/lips'
import { LIP_HEIGHT, LIP_WIDTH } from './corpus/mouth-image'
import { ENHANCE_SAMPLE_RATE, frameCount, requireFrames } from './frames'
import { MASK_OUTPUT, RATES_OUTPUT } from './model/enhance-net'
import { maskedOverlapAdd } from './resynthesis'
import { frameSpectra, SPECTRUM_BINS } from './spectra'
import { readPreprocessing } from './train/evaluate'
import { maskGain } from './train/mask-gain'

/*
 * Enhancing a noisy clip with a trained mask model (an ONNX package of `percept enhance train`):
 * the noisy spectra's features (train/examples.ts), the 8 x 500 context of every frame t >= 7 and, for the
 * multimodal models, the lip crop at t; the model's mask of frame t; the mask applied to the noisy STFT
 * and resynthesised by weighted overlap-add (resynthesis.ts). Frames 0..6 have no full context and pass
 * unchanged (gain 1), as in `percept enhance eval`. The mask is binary (the model estimates the IBM: a
 * unit is kept where its output is >= 0.5) or soft (the sigmoid output as gains; `enhance run`'s default,
 * as it scored better than the binary one on held-out fixture mixtures: models/enhance-results.md), both
 * never below the package's gain floor (train/mask-gain.ts, as `percept enhance eval` applies them), and
 * the features use the input mapping the package was trained with.
 */

export type MaskKind = 'binary' | 'soft'
export const AUDIO_INPUT_SIZE = CONTEXT_FRAMES * INPUT_BINS
export const LIP_INPUT_SIZE = LIP_WIDTH * LIP_HEIGHT

export interface EnhanceModel {
  id: string
  kind: 'unimodal' | 'multimodal' | 'mburst'
  withLips: boolean
  layers: string[]
  /** The input mapping the model was trained with (its package's `feature`); examples.ts' FEATURE when absent. */
  feature?: FeatureMapping
  /** The least gain its mask applies (its package's `gainFloor`, mask-gain.ts); 0 when absent (older packages). */
  gainFloor?: number
  /** Masks of n frames: audio [n, 8, 500, 1] and lips [n, 50, 92, 1] (multimodal), row-major; the mask [n, 622] and the per-layer event rates [n, layers]. */
  masks(audio: Float32Array, lips: Float32Array | null, n: number): Promise<{ mask: Float32Array; rates: Float32Array }>
  release(): Promise<void>
}

/**
 * Session options for mask models: one intra-op thread. The operators of a batch of 32 frames (or of one,
 * streaming) are too small to split with profit, and a second thread's spin-waiting takes the core the
 * FFT and overlap-add run on: on the 2-core reference machine under load, one thread ran the bundled
 * models' masks in about half the CPU time of two, and a conv 16 / embedding 128 network in 0.6-0.75 of it.
 */
export const ENHANCE_SESSION_OPTIONS: OnnxSessionOptions = { intraOpThreads: 1 }

/** Opens a package's ONNX model (ENHANCE_SESSION_OPTIONS unless others are given); VALIDATION when it is no mask model of `percept enhance train`. */
export async function openEnhanceModel(pkg: ModelPackage, options: OnnxSessionOptions = {}): Promise<EnhanceModel> {
  const pre = readPreprocessing(pkg)
  const feature = pre.feature as FeatureMapping | undefined
  if (feature && ![feature.floor, feature.scale, feature.offset].every(Number.isFinite)) {
    throw new PerceptError('VALIDATION', `${pkg.id}'s model.json has an input mapping without a finite floor, scale and offset (preprocessing.feature); export the package again with \`percept enhance train\`.`)
  }
  const gainFloor = pre.gainFloor ?? 0
  if (!(gainFloor >= 0 && gainFloor <= 1)) throw new PerceptError('VALIDATION', `${pkg.id}'s model.json gives a gain floor of ${gainFloor}; it must lie in [0, 1] (preprocessing.gainFloor).`)
  const model = enhanceModelOf(pkg.id, pre.model, pre.layers, await openOnnxSession(pkg.onnxPath, { ...ENHANCE_SESSION_OPTIONS, ...options }))
  return { ...model, ...(feature ? { feature: { floor: feature.floor, scale: feature.scale, offset: feature.offset } } : {}), gainFloor }
}

/** An EnhanceModel over an open session of a mask model (inputs 'audio' and, with lips, 'lips'). */
export function enhanceModelOf(id: string, kind: EnhanceModel['kind'], layers: string[], session: OnnxModelSession): EnhanceModel {
  const withLips = kind !== 'unimodal'
  return {
    id,
    kind,
    withLips,
    layers,
    async masks(audio, lips, n) {
      if (withLips && !lips) throw new PerceptError('VALIDATION', `${id} is a multimodal model: it needs the lip frames as well as the audio.`)
      const feeds = {
        audio: { data: audio.subarray(0, n * AUDIO_INPUT_SIZE), shape: [n, CONTEXT_FRAMES, INPUT_BINS, 1] },
        ...(withLips ? { lips: { data: lips!.subarray(0, n * LIP_INPUT_SIZE), shape: [n, LIP_HEIGHT, LIP_WIDTH, 1] } } : {}),
      }
      const out = await session.run(feeds, [MASK_OUTPUT, RATES_OUTPUT])
      return { mask: out[MASK_OUTPUT]!.data as Float32Array, rates: out[RATES_OUTPUT]!.data as Float32Array }
    },
    release: () => session.release(),
  }
}

export interface EnhancedClip {
  /** The enhanced 16 kHz signal, the noisy one's length. */
  enhanced: Float64Array
  /** The mask applied, (frames, 622), rows 0..6 ones. */
  mask: Float32Array
  frames: number
  /** Mean event rate of each layer over the clip's estimated frames, and the network's (their mean). */
  firingRates: Record<string, number>
}

/**
 * Frames a batch of the model takes at once. 32: the bundled networks' masks of a 3 s clip took less CPU
 * in batches of 16-32 than of 64 or all 144 at once (the activations of a smaller batch stay in cache),
 * and memory stays bounded at the paper's size (32 x 128000 floats a layer).
 */
export const ENHANCE_BATCH = 32

/** Enhances a 16 kHz clip whole (not streaming). VALIDATION for a clip under 8 frames or a multimodal model without lips. */
export async function enhanceClip(model: EnhanceModel, noisy: Float32Array, lips: LipInput | null, maskKind: MaskKind = 'binary', what = 'the clip'): Promise<EnhancedClip> {
  const frames = requireFrames(noisy.length, CONTEXT_FRAMES, what)
  if (model.withLips && !lips) throw new PerceptError('VALIDATION', `${model.id} is a multimodal model: give the speaker's lip frames (--lips <frames folder>), or choose a unimodal model.`)
  if (lips && lips.stftFrames !== frames) throw new Error(`Internal error: lips mapped to ${lips.stftFrames} STFT frames, the audio has ${frames}.`)
  // One analysis serves the features and the resynthesis.
  const spectra = frameSpectra(noisy)
  const features = inputFeatures(spectra, model.feature)
  const floor = model.gainFloor ?? 0
  const mask = new Float32Array(frames * SPECTRUM_BINS).fill(1)
  const rateSums = new Float64Array(model.layers.length)
  const batch = Math.min(ENHANCE_BATCH, frames - (CONTEXT_FRAMES - 1))
  const audio = new Float32Array(batch * AUDIO_INPUT_SIZE)
  const lipBatch = model.withLips ? new Float32Array(batch * LIP_INPUT_SIZE) : null
  for (let t0 = CONTEXT_FRAMES - 1; t0 < frames; t0 += ENHANCE_BATCH) {
    const n = Math.min(ENHANCE_BATCH, frames - t0)
    contextBatch(features, t0, n, audio)
    if (lipBatch) for (let i = 0; i < n; i++) lipBatch.set(lipFrameAt(lips!, t0 + i), i * LIP_INPUT_SIZE)
    const out = await model.masks(audio, lipBatch, n)
    const at = t0 * SPECTRUM_BINS
    if (floor === 0 && maskKind === 'soft') mask.set(out.mask.subarray(0, n * SPECTRUM_BINS), at)
    else for (let i = 0; i < n * SPECTRUM_BINS; i++) mask[at + i] = maskGain(out.mask[i]!, maskKind, floor)
    for (let i = 0; i < n; i++) for (let l = 0; l < model.layers.length; l++) rateSums[l]! += out.rates[i * model.layers.length + l]!
  }
  const estimated = frames - (CONTEXT_FRAMES - 1)
  const firingRates: Record<string, number> = {}
  model.layers.forEach((name, l) => (firingRates[name] = rateSums[l]! / estimated))
  firingRates.network = model.layers.reduce((s, name) => s + firingRates[name]!, 0) / Math.max(1, model.layers.length)
  return { enhanced: maskedOverlapAdd(spectra, mask, noisy.length), mask, frames, firingRates }
}

/** Samples of the warm-up clip: 1 s, 48 frames, 41 masked (a batch of 32 and one of 9). */
const WARM_UP_SAMPLES = ENHANCE_SAMPLE_RATE

/** A second of quiet seeded noise and, for a multimodal model, mid-grey lips mapped to its frames: a clip to warm up on. */
export function warmUpClip(withLips: boolean): { noisy: Float32Array; lips: LipInput | null } {
  let seed = 1
  const noisy = Float32Array.from({ length: WARM_UP_SAMPLES }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.01)
  if (!withLips) return { noisy, lips: null }
  const stftFrames = frameCount(WARM_UP_SAMPLES)
  const lips: LipInput = {
    width: LIP_WIDTH,
    height: LIP_HEIGHT,
    videoFrames: 1,
    frames: new Float32Array(LIP_INPUT_SIZE).fill(0.5),
    stftFrames,
    stftToVideo: new Int32Array(stftFrames),
    replacedFrames: [],
    pastVideoEnd: 0,
    notes: [],
  }
  return { noisy, lips }
}

/**
 * Enhances the warm-up clip once and throws the result away; returns the seconds it took. The first run
 * of a session makes onnxruntime allocate and plan, and V8 compiles the FFT and overlap-add loops only
 * after they have run a while: together more than the steady cost of a 3 s clip, paid once per process.
 * Warming up after opening the model keeps them off the first clip the real-time factor is measured on.
 */
export async function warmUpEnhancer(model: EnhanceModel): Promise<number> {
  const began = performance.now()
  const clip = warmUpClip(model.withLips)
  await enhanceClip(model, clip.noisy, clip.lips, 'soft', 'the warm-up clip')
  return (performance.now() - began) / 1000
}
