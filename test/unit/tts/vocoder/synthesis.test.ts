import { describe, expect, it } from 'vitest'
import type { VocoderFeatures } from '../../../../main/tts/vocoder/defaults'
import { synthesise } from '../../../../main/tts/vocoder/synthesis'
import { fs } from './signals'

/** `frames` frames of constant F0, a flat power envelope and a flat aperiodicity (amplitude ratio). */
function steady(frames: number, f0: number, power: number, ap: number): VocoderFeatures {
  return {
    sampleRate: fs,
    framePeriodMs: 5,
    f0: new Float64Array(frames).fill(f0),
    spectrum: Array.from({ length: frames }, () => new Float64Array(1025).fill(power)),
    aperiodicity: Array.from({ length: frames }, () => new Float64Array(1025).fill(ap)),
  }
}

/** Normalised autocorrelation of the middle half of y at lags 1..maxLag. */
function autocorrelation(y: Float32Array, maxLag: number): Float64Array {
  const from = Math.floor(y.length / 4)
  const to = Math.floor((3 * y.length) / 4)
  let energy = 0
  for (let i = from; i < to; i++) energy += y[i]! ** 2
  const r = new Float64Array(maxLag + 1)
  for (let lag = 1; lag <= maxLag; lag++) {
    let s = 0
    for (let i = from; i < to; i++) s += y[i]! * y[i + lag]!
    r[lag] = s / energy
  }
  return r
}

describe('WORLD synthesis', () => {
  it('makes a constant F0 and flat envelope into a signal periodic at that F0', () => {
    // 160 Hz: a period of exactly 100 samples, so a flat (impulse-like) pulse repeats sample for sample.
    const y = synthesise(steady(200, 160, 1e-3, 0.001)) // 1 s
    expect(y.length).toBe(16000)
    const r = autocorrelation(y, 400)
    const peak = (from: number, to: number) => {
      let best = from
      for (let lag = from; lag <= to; lag++) if (r[lag]! > r[best]!) best = lag
      return best
    }
    // The strongest peak from 2.5 ms up to just short of two periods lies at one period.
    expect(peak(40, 190)).toBe(100)
    expect(r[100]!).toBeGreaterThan(0.95)
    expect(r[50]!).toBeLessThan(0.5)
    // 150 Hz: 106.7 samples, between samples; the peak is at the nearest lag.
    const z = autocorrelation(synthesise(steady(200, 150, 1e-3, 0.001)), 400)
    let best = 40
    for (let lag = 40; lag <= 200; lag++) if (z[lag]! > z[best]!) best = lag
    expect(Math.abs(best - fs / 150)).toBeLessThanOrEqual(1)
    expect(z[320]!).toBeGreaterThan(0.95) // three periods: exactly 320 samples
  })

  it('makes unvoiced frames noise of the envelope`s power: a flat envelope s^2 gives variance s^2, no periodicity', () => {
    const power = 0.01
    const y = synthesise(steady(200, 0, power, 1))
    let variance = 0
    for (const v of y) variance += v * v
    variance /= y.length
    expect(variance / power).toBeGreaterThan(0.85)
    expect(variance / power).toBeLessThan(1.15)
    const r = autocorrelation(y, 400)
    for (let lag = 20; lag <= 400; lag++) expect(Math.abs(r[lag]!)).toBeLessThan(0.15)
  })

  it('repeats exactly for one seed, differs for another, and refuses mismatched inputs', () => {
    const features = steady(40, 120, 1e-3, 0.3)
    expect(synthesise(features, { seed: 4 })).toEqual(synthesise(features, { seed: 4 }))
    expect(synthesise(features, { seed: 4 })).not.toEqual(synthesise(features, { seed: 5 }))
    expect(() => synthesise({ ...features, spectrum: features.spectrum.slice(1) })).toThrow(/one entry per frame/)
    expect(() => synthesise(features, { fftSize: 1000 })).toThrow(/power of two/)
    expect(() => synthesise({ ...features, f0: new Float64Array(40).fill(-1) })).toThrow(/F0 values/)
  })
})
