import { PerceptError } from '../../core/errors'

/*
 * Objective measures between a reference and a test analysis, frame by frame (both at one frame rate):
 *   MCD: mel-cepstral distortion in dB, per frame (10 / ln 10) sqrt(2 sum_{d=1}^{D} (c_d - c'_d)^2), c_0
 *     (the level) excluded, averaged over the frames chosen (`frames`; the CLI uses the frames voiced in the
 *     reference). With SPTK's convention this is the RMS difference of the log spectra in dB (mel-cepstrum.ts).
 *   F0 RMSE in cents, 1200 log2(f / f'), over frames voiced in both (and the same in Hz).
 *   V/UV error: the share of frames whose voicing differs.
 *   Log-spectral distance: per frame the RMS over bins of 10 log10(P / P') (dB), averaged over the frames.
 */

function sameLength(what: string, a: { length: number }, b: { length: number }): void {
  if (a.length !== b.length) throw new PerceptError('VALIDATION', `${what}: the reference has ${a.length} frames and the test ${b.length}; analyse both at the same frame period and length.`)
}

/** Per-frame MCD, dB. */
export function frameMcd(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new PerceptError('VALIDATION', `Mel-cepstra of ${a.length} and ${b.length} coefficients cannot be compared.`)
  let sum = 0
  for (let d = 1; d < a.length; d++) sum += (a[d]! - b[d]!) ** 2
  return (10 / Math.LN10) * Math.sqrt(2 * sum)
}

/** Mean MCD over the frames where `frames` is true (all by default); NaN when none is chosen. */
export function melCepstralDistortion(reference: readonly ArrayLike<number>[], test: readonly ArrayLike<number>[], frames?: ArrayLike<boolean>): number {
  sameLength('MCD', reference, test)
  let sum = 0
  let count = 0
  for (let t = 0; t < reference.length; t++) {
    if (frames && !frames[t]) continue
    sum += frameMcd(reference[t]!, test[t]!)
    count++
  }
  return count ? sum / count : Number.NaN
}

export interface F0Error {
  /** RMS of 1200 log2(f_test / f_ref) over frames voiced in both; NaN when there are none. */
  rmseCents: number
  rmseHz: number
  /** Frames voiced in both. */
  voicedFrames: number
  /** Share of frames whose voicing differs. */
  vuvError: number
}

export function f0Error(reference: ArrayLike<number>, test: ArrayLike<number>): F0Error {
  sameLength('F0 error', reference, test)
  let cents = 0
  let hz = 0
  let both = 0
  let differ = 0
  for (let t = 0; t < reference.length; t++) {
    const r = reference[t]!
    const s = test[t]!
    if (r > 0 !== s > 0) differ++
    if (r > 0 && s > 0) {
      cents += (1200 * Math.log2(s / r)) ** 2
      hz += (s - r) ** 2
      both++
    }
  }
  return {
    rmseCents: both ? Math.sqrt(cents / both) : Number.NaN,
    rmseHz: both ? Math.sqrt(hz / both) : Number.NaN,
    voicedFrames: both,
    vuvError: reference.length ? differ / reference.length : Number.NaN,
  }
}

/** Mean over the chosen frames of the RMS log-spectral difference in dB (power spectra). */
export function logSpectralDistance(reference: readonly ArrayLike<number>[], test: readonly ArrayLike<number>[], frames?: ArrayLike<boolean>): number {
  sameLength('Log-spectral distance', reference, test)
  let sum = 0
  let count = 0
  for (let t = 0; t < reference.length; t++) {
    if (frames && !frames[t]) continue
    const a = reference[t]!
    const b = test[t]!
    if (a.length !== b.length) throw new PerceptError('VALIDATION', `Spectra of ${a.length} and ${b.length} bins cannot be compared.`)
    let s = 0
    for (let k = 0; k < a.length; k++) s += (10 * Math.log10(Math.max(a[k]!, 1e-300) / Math.max(b[k]!, 1e-300))) ** 2
    sum += Math.sqrt(s / a.length)
    count++
  }
  return count ? sum / count : Number.NaN
}
