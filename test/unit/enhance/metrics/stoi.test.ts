import { describe, expect, it } from 'vitest'
import { removeSilentFrames, stoi, stoiAt10k, thirdOctaveBands } from '../../../../main/enhance/metrics/stoi'
import { addAtSnr, speechLike, uniformNoise } from '../signals'

/*
 * Reference values from a numpy port of Taal et al.'s stoi.m (10 kHz path: removeSilentFrames with
 * MATLAB hanning(256) = np.hanning(258)[1:-1], stdft with np.fft.fft(., 512), thirdoct, 30-frame
 * segments, clipping at beta = -15 dB, taa_corr), on the signals of ../signals.ts rebuilt in numpy:
 * 1.5 s of speechLike at 10 kHz and Mulberry32 uniform noise, seed 2. pystoi is not installed here.
 */
const fs = 10_000
const clean = speechLike(15_000, fs)
const noise = uniformNoise(15_000, 2)
const reference: [snr: number, stoi: number][] = [
  [-5, 0.6038723928590711],
  [0, 0.7087409638738734],
  [5, 0.7829479670082339],
]

describe('STOI (Taal et al. 2011)', () => {
  it('has the one-third-octave bands of thirdoct: 15 bands from 150 Hz on the 512-point grid', () => {
    // numpy thirdoct: first band [7, 9) (edges 133.6 and 168.4 Hz snap to bins 7 and 9 of 19.53 Hz),
    // last band [174, 219) (3.40 kHz to 4.29 kHz)
    const bands = thirdOctaveBands()
    expect(bands).toHaveLength(15)
    expect(bands[0]).toEqual([7, 9])
    expect(bands[7]).toEqual([34, 43])
    expect(bands[14]).toEqual([174, 219])
  })

  it('is 1 for identical signals', () => {
    expect(stoiAt10k(clean, clean)).toBeCloseTo(1, 10)
  })

  it.each(reference)('matches the reference at %i dB SNR', (snr, want) => {
    expect(stoiAt10k(clean, addAtSnr(clean, noise, snr))).toBeCloseTo(want, 9)
  })

  it('rises with the SNR and is low for noise alone', () => {
    const scores = [-10, -5, 0, 5, 10].map((snr) => stoiAt10k(clean, addAtSnr(clean, noise, snr)))
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThan(scores[i - 1]!)
    const noiseOnly = stoiAt10k(clean, noise)
    expect(noiseOnly).toBeCloseTo(0.3834889588125, 9) // numpy reference
    expect(noiseOnly).toBeLessThan(scores[0]!)
  })

  it('drops the silent gap before scoring', () => {
    // 0.6-0.8 s is silent: of the 116 frames (starts 0, 128, .., < 15000 - 256) those wholly or mostly in
    // the gap fall more than 40 dB below the loudest and go; numpy keeps 99, overlap-added to
    // (99 - 1) * 128 + 256 = 12800 samples
    const { x } = removeSilentFrames(clean, clean)
    expect(x.length).toBe(12_800)
  })

  it('resamples to 10 kHz and refuses signals too short or unequal', async () => {
    const at16k = Float32Array.from(speechLike(24_000, 16_000))
    expect(await stoi(at16k, at16k, 16_000)).toBeCloseTo(1, 6)
    expect(() => stoiAt10k(clean.subarray(0, 3000), clean.subarray(0, 3000))).toThrow(/at least 30 frames/)
    expect(() => stoiAt10k(clean, clean.subarray(1))).toThrow(/equal length/)
  })
})
