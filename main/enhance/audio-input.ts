import { PerceptError } from '../core/errors'
import { SPECTRUM_BINS } from './spectra'

/*
 * The audio channel's input (paper Sec. III-B): the current frame plus the 7 before it, 500 features
 * each, an 8 x 500 matrix, row 0 the oldest frame (t - 7) and row 7 the current frame t.
 *
 * Which 500 of the 622 bins: the lowest, spectrum bins 1..500 (rfft bins 1..500, 12.9 Hz to 6.43 kHz);
 * the paper does not say. Why the lowest:
 *  - the speech energy and the cues that carry intelligibility (F1-F3, voicing, most fricative energy)
 *    lie below about 6 kHz, and so do most of the IBM's ones that the network must predict;
 *  - 6.4-8 kHz is where a clip resampled to 16 kHz is bent by the resampler's anti-alias roll-off
 *    (the project's converter: -0.28 dB at 7 kHz, more above), so those bins would differ between
 *    clips recorded at 16 kHz and clips resampled to it: features that say more about the file than the voice.
 * The mask the model outputs still covers all 622 bins (the target of eq. 9).
 */

export const CONTEXT_FRAMES = 8
export const INPUT_BINS = 500
/** Index into the 622 spectrum bins (spectrum bin 0 = rfft bin 1) of the first bin kept. */
export const INPUT_FIRST_BIN = 0

/**
 * The 8 x 500 input of frame t from row-major (frames, 622) spectra (or any per-bin feature of them,
 * e.g. log power), row-major into `out`. Frame t needs frames t - 7..t, so t runs from 7 to frames - 1.
 */
export function contextInput(spectra: ArrayLike<number>, frames: number, t: number, out = new Float32Array(CONTEXT_FRAMES * INPUT_BINS)): Float32Array {
  if (spectra.length !== frames * SPECTRUM_BINS) {
    throw new PerceptError('VALIDATION', `Spectra of ${frames} frames hold ${frames * SPECTRUM_BINS} values (622 per frame), got ${spectra.length}.`)
  }
  if (!Number.isInteger(t) || t < CONTEXT_FRAMES - 1 || t >= frames) {
    throw new PerceptError('VALIDATION', `Frame ${t} has no full context: the input needs frames t - 7 to t, so t runs from 7 to ${frames - 1}.`)
  }
  for (let row = 0; row < CONTEXT_FRAMES; row++) {
    const base = (t - (CONTEXT_FRAMES - 1) + row) * SPECTRUM_BINS + INPUT_FIRST_BIN
    for (let k = 0; k < INPUT_BINS; k++) out[row * INPUT_BINS + k] = spectra[base + k]!
  }
  return out
}
