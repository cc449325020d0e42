import { describe, expect, it } from 'vitest'
import { applyMel, fftFrequencies, hzToMel, melFilterbank, melFrequencies, melToHz } from '../../../../main/dsp/features'
import { fixture, maxAbs, maxAbsDiff } from './reference'

interface MelFixture {
  hz: number[]
  slaney: number[]
  htk: number[]
  melFrequencies: { nMels: number; fMin: number; fMax: number; slaney: number[]; htk: number[] }
  filterbanks: {
    sr: number
    n_fft: number
    n_mels: number
    fmin: number
    fmax: number
    htk: boolean
    norm: 'slaney' | null
    rows: { start: number; weights: number[] }[]
  }[]
}
const ref = fixture<MelFixture>('mel.json')

describe('mel scale (librosa.hz_to_mel / mel_to_hz)', () => {
  it('pins the Slaney and HTK formulas at 1 kHz', () => {
    // Slaney: 1000 Hz / (200/3 Hz per mel) = 15, where the log part starts.
    expect(hzToMel(1000)).toBeCloseTo(15, 12)
    expect(hzToMel(500)).toBeCloseTo(7.5, 12)
    // above 1 kHz: 15 + ln(f / 1000) / (ln 6.4 / 27); 6400 Hz is exactly 27 mels higher
    expect(hzToMel(6400)).toBeCloseTo(42, 12)
    // HTK: 2595 log10(1 + 1000/700) = 999.9855...
    expect(hzToMel(1000, true)).toBeCloseTo(2595 * Math.log10(17 / 7), 12)
    expect(hzToMel(1000, true)).toBeCloseTo(999.98553, 4)
  })

  it('inverts both scales', () => {
    for (const hz of [0, 50, 999.5, 1000, 2500, 11025]) {
      expect(melToHz(hzToMel(hz))).toBeCloseTo(hz, 9)
      expect(melToHz(hzToMel(hz, true), true)).toBeCloseTo(hz, 9)
    }
  })

  it('matches the reference at sample frequencies and mel_frequencies', () => {
    expect(maxAbsDiff(ref.hz.map((f) => hzToMel(f)), ref.slaney)).toBeLessThan(1e-7)
    expect(maxAbsDiff(ref.hz.map((f) => hzToMel(f, true)), ref.htk)).toBeLessThan(1e-6)
    const { nMels, fMin, fMax } = ref.melFrequencies
    expect(maxAbsDiff(melFrequencies(nMels, fMin, fMax), ref.melFrequencies.slaney)).toBeLessThan(1e-6)
    expect(maxAbsDiff(melFrequencies(nMels, fMin, fMax, true), ref.melFrequencies.htk)).toBeLessThan(1e-6)
  })
})

describe('melFilterbank (librosa.filters.mel)', () => {
  it('builds a 3-mel Slaney filterbank at sr=8000, n_fft=16 step by step', () => {
    // Bin centres: k * 8000 / 16 = 0, 500, ..., 4000 Hz.
    expect(Array.from(fftFrequencies(8000, 16))).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000])
    // 3 + 2 edges evenly spaced in mel from 0 to hz_to_mel(4000) = 15 + 27 ln 4 / ln 6.4.
    const top = 15 + (27 * Math.log(4)) / Math.log(6.4)
    expect(top).toBeCloseTo(35.16376031, 8)
    const edges = [0, 1, 2, 3, 4].map((i) => (i * top) / 4)
    // Below 15 mels the scale is linear (200/3 Hz per mel), above it exponential.
    const hz = edges.map((m) => (m < 15 ? (m * 200) / 3 : 1000 * Math.exp((Math.log(6.4) / 27) * (m - 15))))
    expect(hz[1]).toBeCloseTo(586.0626719, 6)
    expect(hz[2]).toBeCloseTo(1194.238627, 6)
    expect(hz[3]).toBeCloseTo(2185.624512, 6)
    expect(Array.from(melFrequencies(5, 0, 4000))).toEqual(hz.map((f) => expect.closeTo(f, 9)))
    // Filter m rises from hz[m] to hz[m+1] and falls to hz[m+2]; Slaney scales it by 2 / (hz[m+2] - hz[m]).
    const bank = melFilterbank({ sr: 8000, nFft: 16, nMels: 3 })
    expect(bank.bins).toBe(9)
    for (let m = 0; m < 3; m++) {
      for (let k = 0; k < 9; k++) {
        const f = k * 500
        const tri = Math.max(0, Math.min((f - hz[m]!) / (hz[m + 1]! - hz[m]!), (hz[m + 2]! - f) / (hz[m + 2]! - hz[m + 1]!)))
        expect(bank.weights[m * 9 + k]).toBeCloseTo((tri * 2) / (hz[m + 2]! - hz[m]!), 9)
      }
    }
    // Filter 0 at 500 Hz: 500 / 586.06 = 0.85315 of its peak, times 2 / 1194.24 (float32: 9 digits).
    expect(bank.weights[1]).toBeCloseTo(0.001428778233, 9)
    expect(bank.weights[2]).toBeCloseTo(0.000534866299, 9)
    expect(Array.from(bank.start)).toEqual([1, 2, 3])
    expect(Array.from(bank.end)).toEqual([3, 5, 8])
  })

  const cases = ref.filterbanks.map((s) => [`sr=${s.sr} n_fft=${s.n_fft} n_mels=${s.n_mels} htk=${s.htk} norm=${s.norm}`, s] as const)
  it.each(cases)(
    'matches the reference, %s',
    (_, s) => {
      const { sr, fmin: fMin, fmax: fMax, htk, norm } = s
      const bank = melFilterbank({ sr, nFft: s.n_fft, nMels: s.n_mels, fMin, fMax, htk, norm })
      expect([bank.nMels, bank.bins]).toEqual([s.n_mels, 1 + s.n_fft / 2])
      const expected = new Float64Array(bank.weights.length)
      s.rows.forEach((row, m) => expected.set(row.weights, m * bank.bins + row.start))
      // float32 weights: relative rounding 2^-24 of the largest weight
      const peak = maxAbs(expected)
      expect(maxAbsDiff(bank.weights, expected) / peak).toBeLessThan(1e-7)
      s.rows.forEach((row, m) => {
        expect(bank.start[m]).toBe(row.start)
        expect(bank.end[m]).toBe(row.start + row.weights.length)
      })
    },
  )

  it('defaults to the librosa settings and explains bad parameters', () => {
    const bank = melFilterbank({ sr: 22050, nFft: 2048 })
    expect([bank.nMels, bank.bins]).toEqual([128, 1025])
    expect(() => melFilterbank({ sr: 8000, nFft: 256, fMin: 3000, fMax: 1000 })).toThrow(/fmin < fmax/)
    expect(() => melFilterbank({ sr: 0, nFft: 256 })).toThrow(/sr must be a positive number/)
  })

  it('applies the filterbank frame by frame to a power spectrogram', () => {
    const bank = melFilterbank({ sr: 8000, nFft: 16, nMels: 3 })
    const frames = 2
    const S = { bins: 9, frames, data: new Float32Array(9 * frames) }
    for (let k = 0; k < 9; k++) S.data[k * frames + 1] = 1 // frame 1 is flat, frame 0 silent
    const mel = applyMel(bank, S)
    for (let m = 0; m < 3; m++) {
      let sum = 0
      for (let k = 0; k < 9; k++) sum += bank.weights[m * 9 + k]!
      expect(mel.data[m * frames]).toBe(0)
      expect(mel.data[m * frames + 1]).toBeCloseTo(sum, 7)
    }
  })
})
