import { CONTEXT_FRAMES, INPUT_BINS, INPUT_FIRST_BIN } from './audio-input'
import { RFFT_BINS, type FrameSpectra } from './spectra'
import { FEATURE } from './train/examples'

/*
 * The audio channel's input cut straight from the spectra, for enhancing: the log-power features
 * (train/examples.ts' FEATURE mapping) of the 500 input bins alone (audio-input.ts), row-major
 * (frames, 500). The 8 x 500 context of frame t, rows t - 7..t, is then one contiguous run of 4000
 * values, so a batch is built by slice copies, and the 122 bins the network never sees get no logarithm.
 * The values are those of contextInput(audioFeatures(powerSpectra(spectra)), ...) to the last bit: the
 * same double-precision expression, rounded once to float32.
 */

/** Values of one frame's context: 8 x 500. */
export const CONTEXT_SIZE = CONTEXT_FRAMES * INPUT_BINS

/** log10(power + floor) * scale + offset: a package's `feature` (the mapping it was trained with), FEATURE by default. */
export interface FeatureMapping {
  floor: number
  scale: number
  offset: number
}

/** The features of one frame's 500 input bins from its interleaved rfft (bins 0..622), into out[at..at + 500). */
export function frameInputFeatures(spectrum: Float64Array, out: Float32Array, at: number, feature: FeatureMapping = FEATURE): void {
  const { floor, scale, offset } = feature
  for (let k = 0; k < INPUT_BINS; k++) {
    const bin = 2 * (1 + INPUT_FIRST_BIN + k)
    const re = spectrum[bin]!
    const im = spectrum[bin + 1]!
    out[at + k] = Math.log10(re * re + im * im + floor) * scale + offset
  }
}

/** The features of every frame's 500 input bins, row-major (frames, 500). */
export function inputFeatures(spectra: FrameSpectra, feature: FeatureMapping = FEATURE): Float32Array {
  const { frames, re, im } = spectra
  const { floor, scale, offset } = feature
  const out = new Float32Array(frames * INPUT_BINS)
  for (let t = 0; t < frames; t++) {
    const from = t * RFFT_BINS + 1 + INPUT_FIRST_BIN
    const to = t * INPUT_BINS
    for (let k = 0; k < INPUT_BINS; k++) {
      const r = re[from + k]!
      const i = im[from + k]!
      out[to + k] = Math.log10(r * r + i * i + floor) * scale + offset
    }
  }
  return out
}

/** The 8 x 500 contexts of frames t0..t0 + n - 1 (each t >= 7) from inputFeatures' rows, one after another into `out`. */
export function contextBatch(features: Float32Array, t0: number, n: number, out: Float32Array): Float32Array {
  if (t0 < CONTEXT_FRAMES - 1 || (t0 + n) * INPUT_BINS > features.length || n * CONTEXT_SIZE > out.length) {
    throw new Error(`Internal error: no full contexts for frames ${t0}..${t0 + n - 1} of ${features.length / INPUT_BINS}.`)
  }
  for (let i = 0; i < n; i++) {
    const from = (t0 + i - (CONTEXT_FRAMES - 1)) * INPUT_BINS
    out.set(features.subarray(from, from + CONTEXT_SIZE), i * CONTEXT_SIZE)
  }
  return out
}
