import type { ModelPackage } from '../compute/model-package'
import { openOnnxSession, type OnnxModelSession, type OnnxSessionOptions } from '../compute/onnx'
import { PerceptError } from '../core/errors'
import { CONTEXT_FRAMES, contextInput, INPUT_BINS } from './audio-input'
import { lipFrameAt, type LipInput } from './corpus/lips'
import { LIP_HEIGHT, LIP_WIDTH } from './corpus/mouth-image'
import { requireFrames } from './frames'
import { MASK_OUTPUT, RATES_OUTPUT } from './model/enhance-net'
import { applyMask, overlapAdd } from './resynthesis'
import { frameSpectra, powerSpectra, SPECTRUM_BINS } from './spectra'
import { audioFeatures } from './train/examples'
import { readPreprocessing } from './train/evaluate'
import { MASK_THRESHOLD } from './train/measures'

/*
 * Enhancing a noisy clip with a trained mask model (an ONNX package of `percept enhance train`):
 * the noisy spectra's features (train/examples.ts), the 8 x 500 context of every frame t >= 7 and, for the
 * multimodal models, the lip crop at t; the model's mask of frame t; the mask applied to the noisy STFT
 * and resynthesised by weighted overlap-add (resynthesis.ts). Frames 0..6 have no full context and pass
 * unchanged (gain 1), as in `percept enhance eval`. The mask is binary (the model estimates the IBM: a
 * unit is kept where its output is >= 0.5) or soft (the sigmoid output as gains; `enhance run`'s default,
 * as it scored better than the binary one on held-out fixture mixtures: models/enhance-results.md).
 */

export type MaskKind = 'binary' | 'soft'
export const AUDIO_INPUT_SIZE = CONTEXT_FRAMES * INPUT_BINS
export const LIP_INPUT_SIZE = LIP_WIDTH * LIP_HEIGHT

export interface EnhanceModel {
  id: string
  kind: 'unimodal' | 'multimodal' | 'mburst'
  withLips: boolean
  layers: string[]
  /** Masks of n frames: audio [n, 8, 500, 1] and lips [n, 50, 92, 1] (multimodal), row-major; the mask [n, 622] and the per-layer event rates [n, layers]. */
  masks(audio: Float32Array, lips: Float32Array | null, n: number): Promise<{ mask: Float32Array; rates: Float32Array }>
  release(): Promise<void>
}

/** Opens a package's ONNX model; VALIDATION when it is no mask model of `percept enhance train`. */
export async function openEnhanceModel(pkg: ModelPackage, options: OnnxSessionOptions = {}): Promise<EnhanceModel> {
  const pre = readPreprocessing(pkg)
  return enhanceModelOf(pkg.id, pre.model, pre.layers, await openOnnxSession(pkg.onnxPath, options))
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

/** Frames a batch of the model takes at once (bounded memory at the paper's size: 64 x 128000 floats). */
const CHUNK = 64

/** Enhances a 16 kHz clip whole (not streaming). VALIDATION for a clip under 8 frames or a multimodal model without lips. */
export async function enhanceClip(model: EnhanceModel, noisy: Float32Array, lips: LipInput | null, maskKind: MaskKind = 'binary', what = 'the clip'): Promise<EnhancedClip> {
  const frames = requireFrames(noisy.length, CONTEXT_FRAMES, what)
  if (model.withLips && !lips) throw new PerceptError('VALIDATION', `${model.id} is a multimodal model: give the speaker's lip frames (--lips <frames folder>), or choose a unimodal model.`)
  if (lips && lips.stftFrames !== frames) throw new Error(`Internal error: lips mapped to ${lips.stftFrames} STFT frames, the audio has ${frames}.`)
  // One analysis serves the features and the resynthesis.
  const spectra = frameSpectra(noisy)
  const features = audioFeatures(powerSpectra(spectra))
  const mask = new Float32Array(frames * SPECTRUM_BINS).fill(1)
  const rateSums = new Float64Array(model.layers.length)
  const audio = new Float32Array(CHUNK * AUDIO_INPUT_SIZE)
  const lipBatch = model.withLips ? new Float32Array(CHUNK * LIP_INPUT_SIZE) : null
  for (let t0 = CONTEXT_FRAMES - 1; t0 < frames; t0 += CHUNK) {
    const n = Math.min(CHUNK, frames - t0)
    for (let i = 0; i < n; i++) {
      contextInput(features, frames, t0 + i, audio.subarray(i * AUDIO_INPUT_SIZE, (i + 1) * AUDIO_INPUT_SIZE))
      if (lipBatch) lipBatch.set(lipFrameAt(lips!, t0 + i), i * LIP_INPUT_SIZE)
    }
    const out = await model.masks(audio, lipBatch, n)
    for (let i = 0; i < n * SPECTRUM_BINS; i++) {
      const v = out.mask[i]!
      mask[t0 * SPECTRUM_BINS + i] = maskKind === 'binary' ? (v >= MASK_THRESHOLD ? 1 : 0) : v
    }
    for (let i = 0; i < n; i++) for (let l = 0; l < model.layers.length; l++) rateSums[l]! += out.rates[i * model.layers.length + l]!
  }
  const estimated = frames - (CONTEXT_FRAMES - 1)
  const firingRates: Record<string, number> = {}
  model.layers.forEach((name, l) => (firingRates[name] = rateSums[l]! / estimated))
  firingRates.network = model.layers.reduce((s, name) => s + firingRates[name]!, 0) / Math.max(1, model.layers.length)
  return { enhanced: overlapAdd(applyMask(spectra, mask), noisy.length), mask, frames, firingRates }
}
