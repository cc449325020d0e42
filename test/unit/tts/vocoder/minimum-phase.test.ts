import { describe, expect, it } from 'vitest'
import { complexExponential } from '../../../../main/tts/vocoder/complex-exponential'
import { MinimumPhase } from '../../../../main/tts/vocoder/minimum-phase'

/** The cepstral method written out as plain DFT sums (O(N^2)): irfft of L, folded, rfft, exp. */
function directMinimumPhase(log: Float64Array): Float64Array {
  const m = log.length - 1
  const n = 2 * m
  const even = (k: number): number => log[k <= m ? k : n - k]!
  const cepstrum = new Float64Array(n)
  for (let q = 0; q < n; q++) {
    let s = 0
    for (let k = 0; k < n; k++) s += even(k) * Math.cos((2 * Math.PI * q * k) / n)
    cepstrum[q] = s / n
  }
  const folded = new Float64Array(n)
  folded[0] = cepstrum[0]!
  for (let q = 1; q < m; q++) folded[q] = 2 * cepstrum[q]!
  folded[m] = cepstrum[m]!
  const out = new Float64Array(n + 2)
  for (let k = 0; k <= m; k++) {
    let re = 0
    let im = 0
    for (let q = 0; q <= m; q++) {
      re += folded[q]! * Math.cos((2 * Math.PI * q * k) / n)
      im -= folded[q]! * Math.sin((2 * Math.PI * q * k) / n)
    }
    out[2 * k] = Math.exp(re) * Math.cos(im)
    out[2 * k + 1] = Math.exp(re) * Math.sin(im)
  }
  return out
}

describe('minimum-phase spectrum', () => {
  it('matches the cepstral method done with plain DFT sums, at several sizes', () => {
    for (const n of [8, 32, 256]) {
      const m = n / 2
      // A smooth envelope with a formant-like bump and a ripple, in log amplitude (nepers).
      const log = Float64Array.from({ length: m + 1 }, (_, k) => -3 + 2 * Math.exp(-(((k / m - 0.2) / 0.1) ** 2)) + 0.3 * Math.sin(k * 0.7) - k / m)
      const expected = directMinimumPhase(log)
      const got = new MinimumPhase(n).spectrum(log, new Float64Array(n + 2))
      let error = 0
      let peak = 0
      for (let i = 0; i < n + 2; i++) (error = Math.max(error, Math.abs(got[i]! - expected[i]!))), (peak = Math.max(peak, Math.abs(expected[i]!)))
      expect(peak).toBeGreaterThan(0.05)
      expect(error / peak).toBeLessThan(1e-12)
      // |H_k| is the amplitude asked for.
      for (let k = 0; k <= m; k++) expect(Math.hypot(got[2 * k]!, got[2 * k + 1]!)).toBeCloseTo(Math.exp(log[k]!), 12)
    }
  })

  it('gives the causal response of a one-pole filter its amplitude comes from: h[t] = a^t', () => {
    // |1 / (1 - a e^(-i w))| has the minimum-phase response a^t (the one-pole filter itself); any other phase
    // with the same amplitude would spread the energy out.
    const n = 128
    const a = 0.7
    const log = Float64Array.from({ length: n / 2 + 1 }, (_, k) => -Math.log(Math.hypot(1 - a * Math.cos((2 * Math.PI * k) / n), a * Math.sin((2 * Math.PI * k) / n))))
    const h = new MinimumPhase(n).spectrum(log, new Float64Array(n + 2))
    for (let t = 0; t < 24; t++) {
      let s = 0
      for (let k = 0; k < n; k++) {
        const j = k <= n / 2 ? k : n - k
        const im = k <= n / 2 ? h[2 * j + 1]! : -h[2 * j + 1]!
        s += h[2 * j]! * Math.cos((2 * Math.PI * k * t) / n) - im * Math.sin((2 * Math.PI * k * t) / n)
      }
      expect(s / n).toBeCloseTo(a ** t, 9)
    }
  })
})

describe('complexExponential', () => {
  it('equals Math.exp, Math.cos and Math.sin to about 1e-15, across the table ranges and past them', () => {
    const count = 4000
    const real = Float64Array.from({ length: count }, (_, i) => (i < 3900 ? -40 + (i * 50) / 3900 : i % 2 ? 703 - (i - 3900) / 25 : -705))
    const imag = Float64Array.from({ length: count }, (_, i) => (i < 3900 ? -300 + (i * 617.3) / 3900 : i % 3 ? 2e6 : -0.5))
    const out = new Float64Array(2 * count)
    complexExponential(real, imag, out, count)
    for (let k = 0; k < count; k++) {
      const magnitude = Math.exp(real[k]!)
      const re = magnitude * Math.cos(imag[k]!)
      const im = magnitude * Math.sin(imag[k]!)
      const tolerance = 4e-15 * magnitude
      expect(Math.abs(out[2 * k]! - re)).toBeLessThanOrEqual(tolerance)
      expect(Math.abs(out[2 * k + 1]! - im)).toBeLessThanOrEqual(tolerance)
    }
  })
})
