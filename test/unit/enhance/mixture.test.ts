import { describe, expect, it } from 'vitest'
import { fitNoise, mixAtSnr, PAPER_SNRS_DB, planMixtures, snrGain, specOffset } from '../../../main/enhance/mixture'
import { uniformNoise } from './signals'

const energy = (x: ArrayLike<number>): number => Array.from(x).reduce((s, v) => s + v * v, 0)

describe('noise fitted to the clean length', () => {
  it('cuts a longer noise and repeats a shorter one, from the offset, wrapping round', () => {
    expect(Array.from(fitNoise([1, 2, 3, 4, 5], 3))).toEqual([1, 2, 3])
    expect(Array.from(fitNoise([1, 2, 3], 7))).toEqual([1, 2, 3, 1, 2, 3, 1])
    expect(Array.from(fitNoise([1, 2, 3, 4], 5, 2))).toEqual([3, 4, 1, 2, 3])
    expect(() => fitNoise([], 3)).toThrow(/holds no samples/)
    expect(() => fitNoise([1, 2], 3, 2)).toThrow(/offset must be a whole number from 0 to 1, got 2/)
  })
})

describe('mixing at an SNR (whole-file energy ratio)', () => {
  it('scales the noise so that sum(clean^2) / sum(noise^2) = 10^(SNR/10) exactly', () => {
    const clean = uniformNoise(4000, 3).map((v, i) => v * Math.sin(i / 50))
    const noise = uniformNoise(1500, 4) // shorter: repeated
    for (const snr of [...PAPER_SNRS_DB, 17.5]) {
      const m = mixAtSnr(clean, noise, snr)
      expect(10 * Math.log10(energy(clean) / energy(m.noise))).toBeCloseTo(snr, 10)
      expect(m.noisy[1700]).toBeCloseTo(clean[1700]! + m.gain * noise[200]!, 14)
    }
    // by hand: clean energy 4 (four samples of 1), noise energy 1 (one sample of 1); 0 dB needs g^2 = 4
    expect(snrGain([1, 1, 1, 1], [1, 0, 0, 0], 0)).toBe(2)
    expect(snrGain([1, 1, 1, 1], [1, 0, 0, 0], 20)).toBeCloseTo(0.2, 15) // g^2 = 4 / 100
  })

  it('refuses silent inputs with a message', () => {
    expect(() => snrGain([0, 0], [1, 1], 0)).toThrow(/clean speech is silent/)
    expect(() => snrGain([1, 1], [0, 0], 0)).toThrow(/noise is silent/)
    expect(() => snrGain([1], [1], Number.NaN)).toThrow(/SNR must be a finite number/)
  })
})

describe('planMixtures', () => {
  it('gives every utterance every SNR, the same plan for the same seed', () => {
    const plan = planMixtures(5, 3, PAPER_SNRS_DB, 42)
    expect(plan).toHaveLength(20)
    expect(plan.filter((s) => s.utterance === 2).map((s) => s.snrDb)).toEqual([-12, -6, 0, 6])
    expect(plan.every((s) => s.noise >= 0 && s.noise < 3 && s.offsetFraction >= 0 && s.offsetFraction < 1)).toBe(true)
    expect(planMixtures(5, 3, PAPER_SNRS_DB, 42)).toEqual(plan)
    expect(planMixtures(5, 3, PAPER_SNRS_DB, 43)).not.toEqual(plan)
    expect(new Set(plan.map((s) => s.noise)).size).toBe(3)
    expect(specOffset({ ...plan[0]!, offsetFraction: 0.5 }, 1000)).toBe(500)
    expect(() => planMixtures(0, 3, [0], 1)).toThrow(/at least one utterance/)
  })
})
