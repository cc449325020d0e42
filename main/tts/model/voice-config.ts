import type { OnnxSessionOptions } from '../../compute/onnx/onnx-session'
import { z } from 'zod'
import { frameFeatureNames, linguisticFeatureSize } from '../frontend/linguistic-features'
import { codeAperiodicity } from '../vocoder/band-aperiodicity'
import { melCepstrumOrder, spectrumBins, vocoderSampleRate } from '../vocoder/defaults'

/*
 * The networks of the two systems and what the paper fixes of them (Takaki et al., Interspeech 2015, Sec. 5):
 *   DNN (baseline, after Zen et al. 2013): 5 hidden layers of 1024, predicting mel-cepstra, log F0 and band
 *     aperiodicity with deltas and delta-deltas (plus a voicing flag); MLPG and a cepstral post-filter.
 *   MDNN: deep auto-encoder 1025-500-60-500-1025 with tied weights; an acoustic DNN of 5 x 1024 from the
 *     linguistic features to the 60-dim bottleneck; stacked with the decoder and fine-tuned; a post-filter
 *     DNN of 2 x 2048 on 3 consecutive frames, overlap-added 0.25 / 0.5 / 0.25. MDNNs2 (ours): F0 and
 *     aperiodicity from the baseline DNN.
 *   "We have used a sigmoid function for all units in the hidden and output layers of all DNNs."
 * Chosen here, where the paper says nothing or we differ:
 *   - the baseline's and the duration DNN's output layers are linear: their targets are z-scored (unbounded),
 *     as in Zen et al. 2013, which the paper follows for its baseline; the spectral networks (targets 0..1)
 *     keep sigmoid outputs as the paper states;
 *   - the paper takes durations from an HMM system; here a duration DNN (3 x 256, sigmoid, linear output)
 *     maps phone features to the z-scored duration in frames;
 *   - Adam (learning rate 1e-3, batch 256 frames) instead of plain SGD, to reach a usable voice in few epochs;
 *   - spectra are not Bark-warped (the paper warps them): 1025 linear bins, as issue 15 fixes.
 * Every width is configurable: tests and trials on small machines use tiny networks.
 */

export const voiceSystems = ['dnn', 'mdnn'] as const
export type VoiceSystem = (typeof voiceSystems)[number]

export const voiceWidthsSchema = z
  .object({
    duration: z.array(z.number().int().min(1).max(8192)).min(1).max(8),
    acoustic: z.array(z.number().int().min(1).max(8192)).min(1).max(8),
    /** Encoder hidden sizes ending with the bottleneck. */
    autoencoder: z.array(z.number().int().min(1).max(8192)).min(1).max(4),
    bottleneck: z.array(z.number().int().min(1).max(8192)).min(1).max(8),
    postFilter: z.array(z.number().int().min(1).max(8192)).min(1).max(4),
  })
  .strict()
export type VoiceWidths = z.infer<typeof voiceWidthsSchema>

export const paperWidths: VoiceWidths = {
  duration: [256, 256, 256],
  acoustic: [1024, 1024, 1024, 1024, 1024],
  autoencoder: [500, 60],
  bottleneck: [1024, 1024, 1024, 1024, 1024],
  postFilter: [2048, 2048],
}

/** Consecutive frames the post-filter sees and writes, and the overlap-add weights of previous, current, next. */
export const postFilterContext = 3
export const overlapAddWeights = [0.25, 0.5, 0.25] as const

/** The acoustic feature layout of the baseline DNN's output: statics mc | lf0 | bap, then their deltas, delta-deltas, then vuv. */
export const mcDims = melCepstrumOrder + 1
export const bapDims = codeAperiodicity([new Float64Array(spectrumBins).fill(0.5)], vocoderSampleRate)[0]!.length
export const staticDims = mcDims + 1 + bapDims
export const acousticDims = 3 * staticDims + 1
export const frameInputSize = linguisticFeatureSize + frameFeatureNames.length
export const phoneInputSize = linguisticFeatureSize

/** Offsets of the static streams inside a `staticDims` row. */
export const streams = { mc: 0, lf0: mcDims, bap: mcDims + 1 } as const

/** Parameters of each network of a system, by the layer sizes alone (weights and biases; tied kernels once). */
export function parameterCounts(widths: VoiceWidths, system: VoiceSystem): Record<string, number> {
  const mlp = (sizes: number[]): number => sizes.slice(1).reduce((n, units, i) => n + sizes[i]! * units + units, 0)
  const counts: Record<string, number> = {
    duration: mlp([phoneInputSize, ...widths.duration, 1]),
    acoustic: mlp([frameInputSize, ...widths.acoustic, acousticDims]),
  }
  if (system === 'mdnn') {
    const ae = [spectrumBins, ...widths.autoencoder]
    const encoder = mlp(ae)
    const decoderBiases = ae.slice(0, -1).reduce((n, v) => n + v, 0)
    counts.autoencoder = encoder + decoderBiases
    counts.bottleneck = mlp([frameInputSize, ...widths.bottleneck, widths.autoencoder[widths.autoencoder.length - 1]!])
    counts.spectral = counts.bottleneck + mlp([...ae].reverse())
    counts.postFilter = mlp([postFilterContext * spectrumBins, ...widths.postFilter, postFilterContext * spectrumBins])
  }
  counts.total = Object.values(counts).reduce((n, v) => n + v, 0) - (system === 'mdnn' ? counts.bottleneck! : 0)
  return counts
}

/**
 * onnxruntime options of a voice's sessions: one thread each. Synthesis runs six small graphs per sentence
 * while the vocoder's thread makes the previous sentence; a pool thread per session spun for 4-6 ms of CPU
 * per second of speech and took the second core from the vocoder, and one thread per graph is as fast at
 * these sizes.
 */
export const voiceSessionOptions: OnnxSessionOptions = { intraOpThreads: 1 }
