import { PerceptError } from '../core/errors'
import { frameSpectra, powerSpectra, SPECTRUM_BINS } from './spectra'

/*
 * The ideal binary mask of the paper's eq. (9) (Hu and Wang 2004): IBM(t, f) = 1 where
 * 10 log10(|X(t, f)|^2 / |N(t, f)|^2) >= LC, else 0, X the clean speech's and N the (scaled) noise's
 * spectra on the same frames (spectra.ts, bins 1..622). LC defaults to 5 dB (the paper, after Healy et
 * al. 2015). Computed as |X|^2 >= 10^(LC/10) |N|^2 without the logarithm, with the limits of the ratio:
 * a unit with no speech (|X| = 0, including 0/0) is 0; speech over exactly no noise (x/0 = +inf) is 1.
 */

export const DEFAULT_LC_DB = 5

/** The IBM from power spectra of equal shape (frames, 622), row-major, as float32 0/1. */
export function idealBinaryMask(cleanPower: Float64Array, noisePower: Float64Array, lcDb = DEFAULT_LC_DB): Float32Array {
  if (!Number.isFinite(lcDb)) throw new PerceptError('VALIDATION', `The local criterion LC must be a finite number of dB, got ${lcDb}.`)
  if (cleanPower.length !== noisePower.length) {
    throw new PerceptError('VALIDATION', `Clean and noise spectra differ in size (${cleanPower.length} and ${noisePower.length} values); give both the same frames.`)
  }
  const threshold = 10 ** (lcDb / 10)
  const mask = new Float32Array(cleanPower.length)
  for (let i = 0; i < mask.length; i++) {
    const x = cleanPower[i]!
    mask[i] = x > 0 && x >= threshold * noisePower[i]! ? 1 : 0
  }
  return mask
}

/** The IBM of a clean signal and the noise as mixed in (same length, 16 kHz): shape (frames, 622). */
export function signalIdealBinaryMask(clean: ArrayLike<number>, noise: ArrayLike<number>, lcDb = DEFAULT_LC_DB): { frames: number; bins: number; mask: Float32Array } {
  if (clean.length !== noise.length) throw new PerceptError('VALIDATION', `Clean (${clean.length}) and noise (${noise.length}) must have the same number of samples; fit the noise first.`)
  const cleanSpectra = frameSpectra(clean)
  const mask = idealBinaryMask(powerSpectra(cleanSpectra), powerSpectra(frameSpectra(noise)), lcDb)
  return { frames: cleanSpectra.frames, bins: SPECTRUM_BINS, mask }
}
