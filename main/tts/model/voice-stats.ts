import { z } from 'zod'
import { spectrumBins } from '../vocoder/defaults'
import { acousticDims, frameInputSize, phoneInputSize } from './voice-config'
import type { UtteranceData } from '../train/acoustic-data'

/*
 * A voice's normalisation, fitted on its training utterances only and saved with it (stats.json):
 *   - inputs (frame and phone features): zero mean, unit variance per dimension, as the paper; a dimension
 *     that never varies is only centred;
 *   - the baseline's outputs and the phone durations (frames): z-scored the same way; the outputs' variances
 *     (std^2, in raw units) are MLPG's per-dimension variances;
 *   - spectra, per the paper "normalized to be within 0.0-1.0": the log amplitude 0.5 ln P of each bin is
 *     min-max scaled over the training frames, (v - min) / (max - min), so the auto-encoder's sigmoid units
 *     can reach every value; synthesis inverts it, clamping nothing (a sigmoid's output stays inside 0..1).
 */

const vector = (size: number) => z.array(z.number()).length(size)

export const voiceStatsSchema = z
  .object({
    frameInput: z.object({ mean: vector(frameInputSize), std: vector(frameInputSize) }),
    phoneInput: z.object({ mean: vector(phoneInputSize), std: vector(phoneInputSize) }),
    acoustic: z.object({ mean: vector(acousticDims), std: vector(acousticDims) }),
    duration: z.object({ mean: z.number(), std: z.number().positive() }),
    spectrum: z.object({ min: vector(spectrumBins), max: vector(spectrumBins) }),
  })
  .strict()
export type VoiceStats = z.infer<typeof voiceStatsSchema>

function meanStd(rows: Float32Array, size: number): { mean: number[]; std: number[] } {
  const n = rows.length / size
  const sum = new Float64Array(size)
  const square = new Float64Array(size)
  for (let r = 0; r < n; r++) {
    for (let d = 0; d < size; d++) {
      const v = rows[r * size + d]!
      sum[d]! += v
      square[d]! += v * v
    }
  }
  const mean = Array.from(sum, (s) => s / Math.max(1, n))
  const std = Array.from(square, (s, d) => {
    const variance = s / Math.max(1, n) - mean[d]! ** 2
    return variance > 1e-12 ? Math.sqrt(variance) : 1
  })
  return { mean, std }
}

const concat = (parts: Float32Array[]): Float32Array => {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) out.set(p, offset), (offset += p.length)
  return out
}

export function fitVoiceStats(train: readonly UtteranceData[]): VoiceStats {
  const durations = concat(train.map((u) => Float32Array.from(u.phoneFrames)))
  const d = meanStd(durations, 1)
  const min = new Array<number>(spectrumBins).fill(Infinity)
  const max = new Array<number>(spectrumBins).fill(-Infinity)
  for (const u of train) {
    for (let t = 0; t < u.frames; t++) {
      for (let k = 0; k < spectrumBins; k++) {
        const v = u.logSpectrum[t * spectrumBins + k]!
        if (v < min[k]!) min[k] = v
        if (v > max[k]!) max[k] = v
      }
    }
  }
  for (let k = 0; k < spectrumBins; k++) if (!(max[k]! - min[k]! > 1e-6)) max[k] = min[k]! + 1
  return {
    frameInput: meanStd(concat(train.map((u) => u.frameInputs)), frameInputSize),
    phoneInput: meanStd(concat(train.map((u) => u.phoneInputs)), phoneInputSize),
    acoustic: meanStd(concat(train.map((u) => u.acoustic)), acousticDims),
    duration: { mean: d.mean[0]!, std: d.std[0]! },
    spectrum: { min, max },
  }
}

/** (x - mean) / std per dimension of frame-major rows. */
export function zScore(rows: Float32Array, { mean, std }: { mean: readonly number[]; std: readonly number[] }): Float32Array {
  const size = mean.length
  return rows.map((v, i) => (v - mean[i % size]!) / std[i % size]!)
}

export function unZScore(rows: ArrayLike<number>, { mean, std }: { mean: readonly number[]; std: readonly number[] }): Float32Array {
  const size = mean.length
  return Float32Array.from(rows, (v, i) => v * std[i % size]! + mean[i % size]!)
}

/** Log amplitudes to 0..1 per bin (the voice inverts it: Voice.features). */
export function scaleSpectrum(logAmplitude: Float32Array, { min, max }: VoiceStats['spectrum']): Float32Array {
  return logAmplitude.map((v, i) => (v - min[i % spectrumBins]!) / (max[i % spectrumBins]! - min[i % spectrumBins]!))
}

