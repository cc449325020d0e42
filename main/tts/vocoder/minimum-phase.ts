import FFT from 'fft.js'
import { complexExponential } from './complex-exponential'

/*
 * The minimum-phase spectrum with a given log amplitude L_k, k = 0..M (M = N / 2) (Oppenheim & Schafer:
 * the complex cepstrum of a minimum-phase sequence is causal): the real cepstrum c = irfft_N(L), folded onto
 * n >= 0 (c_0, 2 c_1..c_(M-1), c_M, zeros), and H = exp(rfft_N(folded)). The real part of that rfft gives
 * L back, so only its imaginary part, the phase, is computed:
 *   c_n = (2 / N) C_n,  C = DCT-I(L):  C_n = (L_0 + (-1)^n L_M) / 2 + sum_(k=1..M-1) L_k cos(pi n k / M),
 *   phi_k = -(4 / N) S_k,  S = DST-I(C):  S_k = sum_(n=1..M-1) C_n sin(pi n k / M)   (phi_0 = phi_M = 0),
 * each transform by one real FFT of M points (Numerical Recipes' cosft1 and sinft, written for fft.js's
 * sign), where rfft_N of the even extension and of the folded cepstrum took two FFTs of N: half the work,
 * the same numbers to rounding. Then H_k = exp(L_k + i phi_k) (complex-exponential.ts).
 */
export class MinimumPhase {
  readonly size: number
  private readonly half: number
  private readonly fft: FFT
  /** sin(pi j / M), cos(pi j / M) for j = 0..M/2. */
  private readonly sin: Float64Array
  private readonly cos: Float64Array
  private readonly folded: Float64Array
  private readonly transformed: Float64Array
  private readonly cepstrum: Float64Array
  private readonly phase: Float64Array

  /** `size`: N, the FFT the response is defined on (a power of two, 8 or more). */
  constructor(size: number) {
    if (!(size >= 8) || !Number.isInteger(Math.log2(size))) throw new RangeError(`MinimumPhase needs a power of two of 8 or more, got ${size}`)
    this.size = size
    const m = size / 2
    this.half = m
    this.fft = new FFT(m)
    this.sin = Float64Array.from({ length: m / 2 + 1 }, (_, j) => Math.sin((Math.PI * j) / m))
    this.cos = Float64Array.from({ length: m / 2 + 1 }, (_, j) => Math.cos((Math.PI * j) / m))
    this.folded = new Float64Array(m)
    this.transformed = new Float64Array(2 * m)
    this.cepstrum = new Float64Array(m + 1)
    this.phase = new Float64Array(m + 1)
  }

  /** H as interleaved re/im of bins 0..M, written into `out` (2 M + 2 entries) from L (M + 1 entries). */
  spectrum(logAmplitude: Float64Array, out: Float64Array): Float64Array {
    const phase = this.phaseOf(logAmplitude)
    complexExponential(logAmplitude, phase, out, this.half + 1)
    return out
  }

  /** phi_k, k = 0..M (valid until the next call). */
  phaseOf(logAmplitude: Float64Array): Float64Array {
    const { half: m, sin, cos, folded: z, transformed: f, cepstrum: c, phase } = this
    const l = logAmplitude
    // cosft1: C = DCT-I(L) through the real FFT of z_j = (L_j + L_(M-j)) / 2 - sin(pi j / M) (L_j - L_(M-j)).
    let sum = 0.5 * (l[0]! - l[m]!)
    z[0] = 0.5 * (l[0]! + l[m]!)
    for (let j = 1; j < m / 2; j++) {
      const y1 = 0.5 * (l[j]! + l[m - j]!)
      const y2 = l[j]! - l[m - j]!
      z[j] = y1 - sin[j]! * y2
      z[m - j] = y1 + sin[j]! * y2
      sum += cos[j]! * y2
    }
    z[m / 2] = l[m / 2]!
    this.fft.realTransform(f, z)
    // C_2k = Re F_k, C_1 = sum, C_(2k+1) = C_(2k-1) + Im F_k in NR's sign (fft.js's Im is its negative).
    c[0] = f[0]!
    c[m] = f[m]!
    c[1] = sum
    for (let k = 1; k < m / 2; k++) {
      c[2 * k] = f[2 * k]!
      c[2 * k + 1] = sum -= f[2 * k + 1]!
    }
    // sinft: S = DST-I(C_1..C_(M-1)) through the real FFT of z_j = sin(pi j / M) (C_j + C_(M-j)) + (C_j - C_(M-j)) / 2.
    z[0] = 0
    for (let j = 1; j <= m / 2; j++) {
      const y1 = sin[j]! * (c[j]! + c[m - j]!)
      const y2 = 0.5 * (c[j]! - c[m - j]!)
      z[j] = y1 + y2
      z[m - j] = y1 - y2
    }
    this.fft.realTransform(f, z)
    // S_2k = Im F_k (NR's sign), S_(2k+1) = Re F_0 / 2 + Re F_1 + ... + Re F_k; phi = -(4 / N) S.
    const scale = -4 / this.size
    let odd = 0.5 * f[0]!
    phase[0] = 0
    phase[1] = scale * odd
    for (let k = 1; k < m / 2; k++) {
      phase[2 * k] = -scale * f[2 * k + 1]!
      odd += f[2 * k]!
      phase[2 * k + 1] = scale * odd
    }
    phase[m] = 0
    return phase
  }
}
