import { describe, expect, it } from 'vitest'
import { cheapTrick } from '../../../../main/tts/vocoder/spectral-envelope'
import { allPoleCoefficients, allPoleDb, correlation, filteredPulses, fs, whiteNoise } from './signals'

const binHz = fs / 2048
const band = [Math.round(100 / binHz), Math.round(5000 / binHz)] as const // 100 Hz .. 5 kHz, across the four formants

const envelopeDb = (x: Float64Array, f0: number): number[] => Array.from(cheapTrick(x, fs, Float64Array.of(0.25), Float64Array.of(f0))[0]!, (p) => 10 * Math.log10(p))

describe('CheapTrick spectral envelope', () => {
  it('recovers the shape of a known all-pole filter from the pulse train it shapes', () => {
    // The truth is 10 log10 |1 / A(e^jw)|^2 of the filter itself, evaluated directly (signals.ts).
    const a = allPoleCoefficients()
    const truth = Array.from({ length: 1025 }, (_, k) => allPoleDb(a, k * binHz)).slice(...band)
    for (const f0 of [100, 200]) {
      const db = envelopeDb(filteredPulses(f0, 0.5), f0)
      expect(db).toHaveLength(1025)
      const mine = db.slice(...band)
      expect(correlation(mine, truth)).toBeGreaterThan(0.95)
      // Beyond correlation: after the level offset, the RMS deviation in dB is small.
      const offset = mine.reduce((s, v, i) => s + v - truth[i]!, 0) / mine.length
      const rms = Math.sqrt(mine.reduce((s, v, i) => s + (v - truth[i]! - offset) ** 2, 0) / mine.length)
      expect(rms).toBeLessThan(2)
    }
  })

  it('is insensitive to F0: the envelopes at 120 and 250 Hz agree in shape', () => {
    const low = envelopeDb(filteredPulses(120, 0.5), 120).slice(...band)
    const high = envelopeDb(filteredPulses(250, 0.5), 250).slice(...band)
    expect(correlation(low, high)).toBeGreaterThan(0.95)
  })

  it('gives white noise of variance s^2 a flat envelope near s^2 (unit-energy window)', () => {
    const sigma = 0.1
    const sp = cheapTrick(whiteNoise(0.5, sigma), fs, Float64Array.of(0.15, 0.25, 0.35), new Float64Array(3))
    // Unvoiced frames are analysed at 500 Hz (1.5 ms of window): few samples, so a loose bound on each frame.
    for (const frame of sp) {
      const mean = frame.reduce((s, v) => s + v, 0) / frame.length
      expect(mean / sigma ** 2).toBeGreaterThan(0.5)
      expect(mean / sigma ** 2).toBeLessThan(2)
    }
  })
})
