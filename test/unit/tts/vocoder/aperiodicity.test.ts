import { describe, expect, it } from 'vitest'
import { coarseBandCentres, coarseBandCount, d4c, expandBands } from '../../../../main/tts/vocoder/aperiodicity'
import { codeAperiodicity, decodeAperiodicity } from '../../../../main/tts/vocoder/band-aperiodicity'
import { filteredPulses, fs, whiteNoise } from './signals'

const times = Float64Array.of(0.2, 0.25, 0.3)
const steady = (f0: number) => Float64Array.of(f0, f0, f0)

describe('D4C band aperiodicity', () => {
  it('has WORLD`s number of coarse bands: floor(min(15000, fs/2 - 3000) / 3000)', () => {
    expect(coarseBandCount(16000)).toBe(1) // 5000 / 3000
    expect(coarseBandCount(22050)).toBe(2) // 8025 / 3000
    expect(coarseBandCount(48000)).toBe(5) // 15000 / 3000
  })

  it('is near 0 (very negative dB) for a clean pulse train', () => {
    for (const f0 of [120, 200]) {
      const { coarse, aperiodicity } = d4c(filteredPulses(f0, 0.5), fs, times, steady(f0))
      for (const bands of coarse) expect(bands[0]).toBeLessThan(-20)
      // 1025 bins, -60 dB at 0 Hz rising linearly in dB to the band value at 3 kHz.
      expect(aperiodicity[1]).toHaveLength(1025)
      expect(20 * Math.log10(aperiodicity[1]![0]!)).toBeCloseTo(-60, 6)
      expect(aperiodicity[1]![128]!).toBeLessThan(0.01) // 1 kHz
    }
  })

  it('is near 1 (0 dB) for white noise, and exactly fully aperiodic where LoveTrain calls it unvoiced', () => {
    const noise = whiteNoise(0.5, 0.1)
    const { coarse } = d4c(noise, fs, times, steady(150), { threshold: 0 })
    for (const bands of coarse) {
      expect(bands[0]).toBeGreaterThan(-6)
      expect(bands[0]).toBeLessThanOrEqual(0)
    }
    const gated = d4c(noise, fs, times, steady(150))
    for (const frame of gated.aperiodicity) expect(frame.every((v) => v > 0.999999)).toBe(true)
  })

  it('codes to one band at 16 kHz (the dB at 3 kHz) and decodes back to the same 1025 bins', () => {
    const { aperiodicity } = d4c(filteredPulses(150, 0.5), fs, times, steady(150))
    const coded = codeAperiodicity(aperiodicity, fs)
    expect(coded[0]).toHaveLength(1)
    expect(coded[0]![0]).toBeCloseTo(20 * Math.log10(aperiodicity[0]![384]!), 9) // 3000 Hz = bin 384
    const decoded = decodeAperiodicity(coded, fs)
    decoded.forEach((frame, t) => frame.forEach((v, k) => expect(Math.abs(v - aperiodicity[t]![k]!)).toBeLessThan(1e-9)))
    // A frame coded at 0 dB (unvoiced) decodes fully aperiodic; a wrong band count is refused.
    expect(decodeAperiodicity([[0]], fs)[0]!.every((v) => v > 0.999999)).toBe(true)
    expect(() => decodeAperiodicity([[-20, -10]], fs)).toThrow(/2 band aperiodicities; at 16000 Hz there are 1/)
  })

  it('decodes as expandBands interpolates, at every band count (48 kHz: 5 bands over 2049 bins)', () => {
    const sampleRate = 48000
    const bins = 2049
    const coded = [Float64Array.of(-40, -30, -25, -12, -3), Float64Array.of(-20, -20, -20, -20, -20)]
    const axis = Float64Array.from({ length: bins }, (_, k) => (k * sampleRate) / (2 * (bins - 1)))
    const coarseAxis = Float64Array.from([0, ...coarseBandCentres(sampleRate), sampleRate / 2])
    const decoded = decodeAperiodicity(coded, sampleRate, bins)
    coded.forEach((bands, t) => {
      const expected = expandBands(bands, coarseAxis, axis)
      for (let k = 0; k < bins; k++) expect(Math.abs(decoded[t]![k]! - expected[k]!)).toBeLessThan(1e-12)
    })
  })
})
