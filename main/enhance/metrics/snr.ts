import { requirePair } from './si-sdr'

/*
 * The plain SNR of an estimate against its reference, 10 log10(||s||^2 / ||s_hat - s||^2), and the SNR
 * improvement: SNR(clean, enhanced) - SNR(clean, noisy). Unlike SI-SDR it counts a change of gain as error.
 */

/** SNR in dB of `estimate` against `reference`: 10 log10(sum s^2 / sum (s_hat - s)^2). */
export function snrDb(reference: ArrayLike<number>, estimate: ArrayLike<number>): number {
  requirePair(reference, estimate, 'SNR')
  let signal = 0
  let error = 0
  for (let i = 0; i < reference.length; i++) {
    const d = estimate[i]! - reference[i]!
    signal += reference[i]! * reference[i]!
    error += d * d
  }
  return 10 * Math.log10(signal / error)
}

/** SNR(clean, enhanced) - SNR(clean, noisy), dB. */
export function snrImprovement(clean: ArrayLike<number>, noisy: ArrayLike<number>, enhanced: ArrayLike<number>): number {
  return snrDb(clean, enhanced) - snrDb(clean, noisy)
}
