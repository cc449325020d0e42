import { describe, expect, it } from 'vitest'
import { idealBinaryMask, signalIdealBinaryMask } from '../../../main/enhance/ideal-binary-mask'
import { mixAtSnr } from '../../../main/enhance/mixture'
import { uniformNoise } from './signals'

describe('idealBinaryMask (eq. 9: 1 where 10 log10(|X|^2 / |N|^2) >= LC)', () => {
  it('thresholds the local SNR at LC, the limits of the ratio included', () => {
    const x = Float64Array.of(10 ** 0.5, 3, 1, 0, 0, 1)
    const n = Float64Array.of(1, 1, 1, 1, 0, 0)
    // local SNRs: 5 dB (= LC: kept), 4.77 dB, 0 dB, -inf (no speech), 0/0 (no speech), +inf (no noise)
    expect(Array.from(idealBinaryMask(x, n))).toEqual([1, 0, 0, 0, 0, 1])
    expect(Array.from(idealBinaryMask(x, n, 0))).toEqual([1, 1, 1, 0, 0, 1])
    expect(Array.from(idealBinaryMask(x, n, 4.7))).toEqual([1, 1, 0, 0, 0, 1]) // 10 log10 3 = 4.77 >= 4.7
    expect(() => idealBinaryMask(x, n.subarray(1))).toThrow(/differ in size/)
  })

  it('marks exactly the tone bins of a tone in white noise at 0 dB', () => {
    // 1 s at 16 kHz (48 frames); the tone 0.5 cos(2 pi 100 t / 1244) sits on rfft bin 100 (1286 Hz).
    // At 0 dB whole-file SNR, bin 100's local SNR is (1/2) (sum w)^2 / sum w^2 = 26.6 dB (Hamming, 1244),
    // bins 99 and 101 (the main lobe, 7.4 dB down) about 19 dB: far above LC = 5 dB; every other bin holds
    // only sidelobe leakage under the noise. numpy (the same Mulberry32 noise, seed 1, np.hamming,
    // np.fft.rfft) gives ones in spectrum bins 99, 100, 101 of all 48 frames and nowhere else: 144 ones.
    const n = 16000
    const clean = Float64Array.from({ length: n }, (_, t) => 0.5 * Math.cos((2 * Math.PI * 100 * t) / 1244))
    const mixture = mixAtSnr(clean, uniformNoise(n, 1), 0)
    expect(mixture.gain).toBeCloseTo(0.6129509500708369, 12)
    const { frames, bins, mask } = signalIdealBinaryMask(clean, mixture.noise)
    expect([frames, bins]).toEqual([48, 622])
    const onesAt: string[] = []
    mask.forEach((v, i) => v === 1 && onesAt.push(`${Math.floor(i / 622)}:${(i % 622) + 1}`))
    expect(onesAt).toEqual(Array.from({ length: 48 }, (_, t) => [99, 100, 101].map((k) => `${t}:${k}`)).flat())
    expect(mask.every((v) => v === 0 || v === 1)).toBe(true)
  })

  it('keeps more of the speech as the SNR rises', () => {
    const n = 8000
    const clean = Float64Array.from({ length: n }, (_, t) => Math.sin(t / 7) * Math.sin(t / 900) ** 2 + 0.3 * Math.sin(t / 3.1))
    const noise = uniformNoise(n, 9)
    const ones = [-12, -6, 0, 6].map((snr) => signalIdealBinaryMask(clean, mixAtSnr(clean, noise, snr).noise).mask.reduce((s, v) => s + v, 0))
    for (let i = 1; i < ones.length; i++) expect(ones[i]).toBeGreaterThan(ones[i - 1]!)
  })
})
