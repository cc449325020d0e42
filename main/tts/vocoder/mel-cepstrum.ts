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

/**
 * cos(m b(w_k)) for m = 0..order and the `bins` frequencies w_k = pi k / (bins - 1), row k at k * (order + 1):
 * the closed form of mc -> sp above, so that a frame costs (order + 1) x bins multiply-adds and no FFT
 * (SPTK's mc2sp re-expands with freqt to the FFT's order and transforms; the same numbers but for freqt's
 * truncation, below 1e-9 in log amplitude, at about 0.4 of the time; the voice runs the same product for a whole
 * sentence in one graph, model/cepstrum-graph.ts).
 */
const tables = new Map<string, Float64Array>()
export function warpedCosines(order: number, bins: number, alpha = allPassConstant): Float64Array {
  const key = `${order}/${bins}/${alpha}`
  let table = tables.get(key)
  if (!table) {
    table = new Float64Array(bins * (order + 1))
    for (let k = 0; k < bins; k++) {
      const w = (Math.PI * k) / (bins - 1)
      const b = w + 2 * Math.atan2(alpha * Math.sin(w), 1 - alpha * Math.cos(w))
      for (let m = 0; m <= order; m++) table[k * (order + 1) + m] = Math.cos(m * b)
    }
    tables.set(key, table)
  }
  return table
}

/** log|H| at each of `bins` frequencies: sum_m mc_m cos(m b(w_k)), into `out`; coefficients from `first` on (the rest count as 0). */
export function melCepstrumToLogAmplitude(mc: ArrayLike<number>, bins: number, alpha = allPassConstant, out = new Float64Array(bins), first = 0): Float64Array {
  const stride = mc.length
  const table = warpedCosines(stride - 1, bins, alpha)
  for (let k = 0, row = 0; k < bins; k++, row += stride) {
    let sum = 0
    for (let m = first; m < stride; m++) sum += mc[m]! * table[row + m]!
    out[k] = sum
  }
  return out
}

/** Mel-cepstral coefficients to a power spectrum of `bins` (fftSize / 2 + 1). */
export function melCepstrumToSpectrum(mc: ArrayLike<number>, bins = 1025, alpha = allPassConstant): Float64Array {
  const n = 2 * (bins - 1)
  if (!Number.isInteger(Math.log2(n)) || bins < 3) throw new PerceptError('VALIDATION', `A spectrum needs 2^k + 1 bins (e.g. 1025), got ${bins}.`)
  const out = melCepstrumToLogAmplitude(mc, bins, alpha)
  for (let k = 0; k < bins; k++) out[k] = Math.exp(2 * out[k]!)
  return out
}
