import { describe, expect, it } from 'vitest'
import { NOISE_TYPES, synthesiseNoise } from '../../../../main/enhance/corpus/noises'
import { signalPowerSpectra } from '../../../../main/enhance/spectra'
import { speechLike } from '../signals'

// Stand-ins for festival's sentences: harmonic, speech-like signals whose energy lies below 1.4 kHz
// (10 harmonics of a 100-140 Hz pitch), so anything a generator adds above 2 kHz is its own.
const talk = [Float32Array.from(speechLike(16_000, 16_000)), Float32Array.from(speechLike(12_000, 16_000, 10, 0.5))]

/** Fraction of the power in [lo, hi) Hz over all frames; spectrum bin k (0-based) is (k + 1) x 16000 / 1244 Hz. */
function bandFraction(x: Float32Array, lo: number, hi: number): number {
  const { frames, power } = signalPowerSpectra(x)
  let band = 0
  let all = 0
  for (let f = 0; f < frames; f++) {
    for (let k = 0; k < 622; k++) {
      const hz = ((k + 1) * 16_000) / 1244
      const p = power[f * 622 + k]!
      all += p
      if (hz >= lo && hz < hi) band += p
    }
  }
  return band / all
}

const rms = (x: Float32Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length)

describe('synthetic noises', () => {
  const noise = Object.fromEntries(NOISE_TYPES.map((type) => [type, synthesiseNoise(type, 2, 11, talk)]))

  it('are 16 kHz, scaled to an RMS of 0.1 (less only where a peak would pass 0.99)', () => {
    for (const type of NOISE_TYPES) {
      const x = noise[type]!
      expect(x).toHaveLength(32_000)
      const peak = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
      expect(peak).toBeLessThanOrEqual(0.99 + 1e-6)
      if (peak < 0.989) expect(rms(x)).toBeCloseTo(0.1, 4)
      else expect(rms(x)).toBeLessThan(0.1)
    }
  })

  it('bus (traffic-like) keeps nearly all its energy below 500 Hz', () => {
    expect(bandFraction(noise.bus!, 0, 500)).toBeGreaterThan(0.95)
    expect(bandFraction(noise.bus!, 1000, 8001)).toBeLessThan(0.01)
  })

  it('street is low-heavy but broader than bus: tyre hiss and roar above 1 kHz', () => {
    expect(bandFraction(noise.street!, 0, 500)).toBeGreaterThan(0.5)
    expect(bandFraction(noise.street!, 1000, 8001)).toBeGreaterThan(0.05)
    expect(bandFraction(noise.street!, 1000, 8001)).toBeGreaterThan(10 * bandFraction(noise.bus!, 1000, 8001))
  })

  it('cafe adds clinks above 2 kHz to its babble; babble has the talkers\' spectrum only', () => {
    expect(bandFraction(noise.babble!, 2000, 8001)).toBeLessThan(0.001)
    expect(bandFraction(noise.cafe!, 2000, 8001)).toBeGreaterThan(0.03)
  })

  it('pedestrian is distant (low-passed) babble with footsteps: little above 2 kHz', () => {
    expect(bandFraction(noise.pedestrian!, 2000, 8001)).toBeLessThan(0.01)
    expect(bandFraction(noise.pedestrian!, 0, 1000)).toBeGreaterThan(0.9)
  })

  it('are repeatable from the seed and change with it', () => {
    const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
    for (const type of NOISE_TYPES) {
      expect(same(synthesiseNoise(type, 2, 11, talk), noise[type]!)).toBe(true)
      expect(same(synthesiseNoise(type, 2, 12, talk), noise[type]!)).toBe(false)
    }
  })

  it('explain what they need', () => {
    expect(() => synthesiseNoise('babble', 1, 1, [])).toThrow(/Babble needs at least one speech recording/)
    expect(() => synthesiseNoise('bus', 0, 1)).toThrow(/more than 0 and at most 600 s, got 0/)
    expect(() => synthesiseNoise('tram' as 'bus', 1, 1)).toThrow(/Unknown noise type "tram"; choose one of babble, bus, cafe, street, pedestrian/)
  })
})
