import { realFft } from '../../dsp/features/fft'
import { PerceptError } from '../../core/errors'
import { allPassConstant, melCepstrumOrder } from './defaults'

/*
 * Spectral envelope <-> mel-cepstrum, as SPTK's sp2mc / mc2sp (and pysptk's conversion functions) do it:
 * the cepstrum of the log amplitude, warped by the first-order all-pass z~^-1 = (z^-1 - a) / (1 - a z^-1)
 * with SPTK's frequency transform `freqt` (Oppenheim & Johnson's recursion, exact but for truncation).
 * Convention (SPTK's): log|H(e^jw)| = sum_{m=0}^{M} mc_m cos(m b(w)), with the warped frequency
 *   b(w) = w + 2 atan(a sin w / (1 - a cos w)),
 * so that MCD = (10 / ln 10) sqrt(2 sum_{m>=1} (dmc_m)^2) is the RMS log-spectral difference in dB
 * (measures.ts). At 16 kHz a = 0.42 follows the mel scale closely; order 59 gives 60 numbers with mc_0.
 */

/** SPTK's freqt: the cepstrum c (log H(z) = sum c_m z^-m) re-expanded in z~ of all-pass constant `alpha`, to `order`. */
export function freqt(c: ArrayLike<number>, order: number, alpha: number): Float64Array {
  const b = 1 - alpha * alpha
  let g = new Float64Array(order + 1)
  let d = new Float64Array(order + 1)
  for (let i = c.length - 1; i >= 0; i--) {
    ;[d, g] = [g, d]
    g[0] = c[i]! + alpha * d[0]!
    if (order >= 1) g[1] = b * d[0]! + alpha * d[1]!
    for (let j = 2; j <= order; j++) g[j] = d[j - 1]! + alpha * (d[j]! - g[j - 1]!)
  }
  return g
}

function checkSpectrum(power: ArrayLike<number>): number {
  const n = 2 * (power.length - 1)
  if (!(power.length >= 3) || !Number.isInteger(Math.log2(n))) {
    throw new PerceptError('VALIDATION', `A spectrum needs 2^k + 1 bins (e.g. 1025 for FFT 2048), got ${power.length}.`)
  }
  return n
}

/** A power spectrum (fftSize / 2 + 1 bins) to `order + 1` mel-cepstral coefficients. */
export function spectrumToMelCepstrum(power: ArrayLike<number>, order = melCepstrumOrder, alpha = allPassConstant): Float64Array {
  const n = checkSpectrum(power)
  const fft = realFft(n)
  for (let k = 0; k < power.length; k++) {
    fft.spectrum[2 * k] = 0.5 * Math.log(Math.max(power[k]!, 1e-300))
    fft.spectrum[2 * k + 1] = 0
  }
  const cepstrum = fft.inverse()
  // The causal cepstrum: c_0, then 2 c_m (the real cepstrum is even), up to n / 2.
  const causal = new Float64Array(n / 2 + 1)
  causal[0] = cepstrum[0]!
  for (let m = 1; m < n / 2; m++) causal[m] = 2 * cepstrum[m]!
  causal[n / 2] = cepstrum[n / 2]!
  return freqt(causal, order, alpha)
}

/** Mel-cepstral coefficients to a power spectrum of `bins` (fftSize / 2 + 1). */
export function melCepstrumToSpectrum(mc: ArrayLike<number>, bins = 1025, alpha = allPassConstant): Float64Array {
  const n = 2 * (bins - 1)
  if (!Number.isInteger(Math.log2(n)) || bins < 3) throw new PerceptError('VALIDATION', `A spectrum needs 2^k + 1 bins (e.g. 1025), got ${bins}.`)
  const causal = freqt(mc, n / 2, -alpha)
  const fft = realFft(n)
  const even = new Float64Array(n)
  even[0] = causal[0]!
  for (let m = 1; m < n / 2; m++) even[m] = even[n - m] = causal[m]! / 2
  even[n / 2] = causal[n / 2]!
  const log = fft.forward(even)
  const out = new Float64Array(bins)
  for (let k = 0; k < bins; k++) out[k] = Math.exp(2 * log[2 * k]!)
  return out
}
