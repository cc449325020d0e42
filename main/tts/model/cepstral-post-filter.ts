import { melCepstrumToLogAmplitude } from '../vocoder/mel-cepstrum'

/*
 * The baseline DNN's signal-processing post-filter for mel-cepstra (Yoshimura et al. 2004, the paper's [19];
 * as HTS and Merlin apply it): coefficients from the second on are multiplied by 1 + beta, sharpening the
 * formant peaks the averaging of a regression model flattens, and the frame's energy is kept. HTS keeps the
 * energy by re-deriving c0 from the autocorrelation of the warped spectrum; here the same is done on the
 * spectrum the vocoder takes: the sharpened spectrum is rescaled to the unfiltered one's total power.
 * beta = 0.4 is Merlin's default (pf_coef 1.4).
 */

export const postFilterBeta = 0.4

/** One frame's mel-cepstrum to its post-filtered power spectrum of `bins`. */
export function postFilteredSpectrum(mc: ArrayLike<number>, bins: number, beta = postFilterBeta): Float64Array {
  // log|H| splits into the part of c0, c1 (kept) and that of c2.. (scaled by 1 + beta): one pass over the table.
  const plain = melCepstrumToLogAmplitude(mc.length > 2 ? [mc[0]!, mc[1]!] : mc, bins)
  const rest = mc.length > 2 ? melCepstrumToLogAmplitude(mc, bins, undefined, undefined, 2) : new Float64Array(bins)
  const out = new Float64Array(bins)
  let before = 0
  let after = 0
  for (let k = 0; k < bins; k++) {
    before += Math.exp(2 * (plain[k]! + rest[k]!))
    after += out[k] = Math.exp(2 * (plain[k]! + (1 + beta) * rest[k]!))
  }
  const scale = after > 0 ? before / after : 1
  for (let k = 0; k < bins; k++) out[k]! *= scale
  return out
}
