import { describe, expect, it } from 'vitest'
import { f0Error, frameMcd, logSpectralDistance, melCepstralDistortion } from '../../../../main/tts/vocoder/measures'

describe('vocoder measures', () => {
  it('MCD is 0 for identical mel-cepstra and matches a hand-worked two-frame case', () => {
    const a = [Float64Array.of(1, 0.5, 0.2), Float64Array.of(0, 0, 0)]
    expect(melCepstralDistortion(a, a)).toBe(0)
    // c0 ignored. Frame 1: d = (0, -0.1): 10/ln10 * sqrt(2 * 0.01) = 0.614185;
    // frame 2: d = (0.3, -0.4): 10/ln10 * sqrt(2 * 0.25) = 3.070926; mean 1.842555.
    // (numpy: k=10/np.log(10); (k*np.sqrt(2*.01) + k*np.sqrt(2*.25))/2)
    const b = [Float64Array.of(3, 0.5, 0.1), Float64Array.of(0, 0.3, -0.4)]
    expect(frameMcd(a[0]!, b[0]!)).toBeCloseTo(0.614185, 5)
    expect(melCepstralDistortion(a, b)).toBeCloseTo(1.842555, 5)
    expect(melCepstralDistortion(a, b, [false, true])).toBeCloseTo(3.070926, 5)
    expect(() => melCepstralDistortion(a, b.slice(1))).toThrow(/2 frames and the test 1/)
  })

  it('F0 error in cents and Hz over frames voiced in both; V/UV error over all', () => {
    // Voiced in both: frames 0 (110 vs 100: 1200 log2 1.1 = 165.004 cents, 10 Hz) and 1 (exact).
    // RMSE = sqrt(165.004^2 / 2) = 116.676 cents, sqrt(100 / 2) = 7.0711 Hz. Voicing differs in frames 2, 3.
    const e = f0Error([100, 200, 0, 150], [110, 200, 120, 0])
    expect(e.rmseCents).toBeCloseTo(116.6756, 3)
    expect(e.rmseHz).toBeCloseTo(7.0711, 4)
    expect(e.voicedFrames).toBe(2)
    expect(e.vuvError).toBe(0.5)
    expect(Number.isNaN(f0Error([0, 0], [0, 0]).rmseCents)).toBe(true)
  })

  it('log-spectral distance: 10 dB everywhere is 10 dB', () => {
    const a = [new Float64Array(5).fill(1)]
    const b = [new Float64Array(5).fill(10)]
    expect(logSpectralDistance(a, b)).toBeCloseTo(10, 12)
    expect(logSpectralDistance(a, a)).toBe(0)
  })
})
