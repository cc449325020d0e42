import { describe, expect, it } from 'vitest'
import {
  frameCount,
  frameSampleRange,
  getWindow,
  istft,
  magnitudeSpectrogram,
  padCenter,
  powerSpectrogram,
  realFft,
  stft,
  stftParams,
  type WindowName,
} from '../../../../main/dsp/features'
import { fixture, maxAbs, maxAbsDiff, noise, testSignal } from './reference'

interface StftFixture {
  length: number
  head: number[]
  windows: Record<WindowName, number[]>
  cases: {
    n_fft: number
    hop: number
    win_length: number
    window: WindowName
    center: boolean
    frames: number
    re: number[][]
    im: number[][]
  }[]
}
const ref = fixture<StftFixture>('stft.json')

describe('windows (scipy.signal.get_window, fftbins=True; librosa.util.pad_center)', () => {
  it('are periodic Hann and Hamming windows', () => {
    // periodic: w[n] = a0 - (1 - a0) cos(2 pi n / N), so w[N/2] is the peak 1 and w[0] = 2 a0 - 1
    const hann = getWindow('hann', 8)
    const [lo, hi] = [0.5 - 0.5 * Math.SQRT1_2, 0.5 + 0.5 * Math.SQRT1_2]
    expect(Array.from(hann)).toEqual([0, lo, 0.5, hi, 1, hi, 0.5, lo].map((v) => expect.closeTo(v, 15)))
    expect(getWindow('hamming', 8)[0]).toBeCloseTo(0.08, 15)
    expect(maxAbsDiff(getWindow('hann', 12), ref.windows.hann)).toBeLessThan(1e-9)
    expect(maxAbsDiff(getWindow('hamming', 12), ref.windows.hamming)).toBeLessThan(1e-9)
  })

  it('pads a window centred, the odd sample on the right', () => {
    expect(Array.from(padCenter(Float64Array.of(1, 2, 3), 8))).toEqual([0, 0, 1, 2, 3, 0, 0, 0])
    expect(() => padCenter(new Float64Array(9), 8)).toThrow(/must not exceed n_fft/)
  })
})

describe('realFft (fft.js)', () => {
  it('caches a plan per size and refuses sizes that are not powers of two', () => {
    expect(realFft(64)).toBe(realFft(64))
    expect(() => realFft(1000)).toThrow('n_fft must be a power of two (fft.js): got 1000; use 1024')
    expect(() => stft(new Float32Array(4000), { nFft: 1000 })).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
  })
})

describe('stft (librosa.stft, center=True, pad_mode=constant)', () => {
  const y = testSignal(ref.length)

  it('rebuilds the reference signal', () => {
    expect(maxAbsDiff(y.subarray(0, 8), ref.head)).toBeLessThan(1e-8)
  })

  it('counts frames as librosa', () => {
    const p = stftParams({ nFft: 64, hopLength: 16 })
    expect(frameCount(301, p)).toBe(1 + Math.floor(301 / 16)) // centred: 1 + len // hop
    expect(frameCount(0, p)).toBe(1)
    expect(frameCount(301, { ...p, center: false })).toBe(1 + Math.floor((301 - 64) / 16))
    expect(() => frameCount(63, { ...p, center: false })).toThrow(/n_fft=64 is too large for a signal of 63 samples/)
    expect(stftParams({ nFft: 1024 }).hopLength).toBe(256)
    expect(stftParams({ nFft: 1024, winLength: 400 }).hopLength).toBe(100) // win_length // 4
  })

  const cases = ref.cases.map((c) => [`n_fft=${c.n_fft} hop=${c.hop} win=${c.window}/${c.win_length} center=${c.center}`, c] as const)
  it.each(cases)(
    'matches the reference, %s',
    (_, c) => {
      const S = stft(y, { nFft: c.n_fft, hopLength: c.hop, winLength: c.win_length, window: c.window, center: c.center })
      expect([S.bins, S.frames]).toEqual([c.n_fft / 2 + 1, c.frames])
      const peak = Math.max(maxAbs(c.re.flat()), maxAbs(c.im.flat()))
      // float32 output: each value rounds by at most 2^-24 of itself, so 1e-7 of the peak bounds it
      expect(maxAbsDiff(S.re, c.re.flat()) / peak).toBeLessThan(1e-7)
      expect(maxAbsDiff(S.im, c.im.flat()) / peak).toBeLessThan(1e-7)
      const mag = magnitudeSpectrogram(S)
      const pow = powerSpectrogram(S)
      const at = 3 * S.frames + 2
      expect(mag.data[at]).toBeCloseTo(Math.hypot(c.re[3]![2]!, c.im[3]![2]!), 4)
      expect(pow.data[at]).toBeCloseTo(c.re[3]![2]! ** 2 + c.im[3]![2]! ** 2, 3)
    },
  )

  it.each(['hann', 'hamming'] as const)('puts a cosine on bin k with amplitude n_fft/2 times the %s window mean', (window) => {
    // x[n] = cos(2 pi k n / N): X[j] = sum_n w[n] x[n] e^{-2 pi i j n / N} = (W[j - k] + W[j + k]) / 2,
    // and a periodic cosine window's DFT W is N a0 at 0, -N (1 - a0) / 2 at +-1, zero elsewhere.
    const N = 64
    const k = 5
    const a0 = window === 'hann' ? 0.5 : 0.54
    const x = Float32Array.from({ length: 4 * N }, (_, n) => Math.cos((2 * Math.PI * k * n) / N))
    const S = stft(x, { nFft: N, hopLength: N, window, center: false })
    for (let t = 0; t < S.frames; t++) {
      for (let j = 0; j < S.bins; j++) {
        const expected = j === k ? (N / 2) * a0 : Math.abs(j - k) === 1 ? (-N * (1 - a0)) / 4 : 0
        expect(S.re[j * S.frames + t]).toBeCloseTo(expected, 4)
        expect(S.im[j * S.frames + t]).toBeCloseTo(0, 4)
      }
    }
  })

  it('lays the matrix out [bin][frame]', () => {
    const impulse = new Float32Array(64)
    impulse[32] = 1 // at the centre of frame 2 of a centred STFT with hop 16
    const S = stft(impulse, { nFft: 64, hopLength: 16 })
    // an impulse at the window's peak: every bin of frame 2 is w[32] e^{-i pi k} = (-1)^k
    for (let bin = 0; bin < S.bins; bin++) expect(S.re[bin * S.frames + 2]).toBeCloseTo((-1) ** bin, 6)
  })

  it('gives the sample range frames read', () => {
    const p = stftParams({ nFft: 64, hopLength: 16 })
    expect(frameSampleRange(0, 1, 301, p)).toEqual({ start: 0, end: 32 })
    expect(frameSampleRange(4, 7, 301, p)).toEqual({ start: 32, end: 128 })
    expect(frameSampleRange(10, 19, 301, p)).toEqual({ start: 128, end: 301 })
  })
})

describe('istft (librosa.istft) inverts stft', () => {
  const cases: { window: WindowName; nFft: number; hop: number; center: boolean; winLength?: number }[] = []
  for (const center of [true, false]) {
    cases.push(
      { window: 'hann', nFft: 256, hop: 64, center },
      { window: 'hamming', nFft: 256, hop: 64, center },
      { window: 'hann', nFft: 256, hop: 128, center },
    )
  }
  cases.push({ window: 'hann', nFft: 256, hop: 50, center: true, winLength: 200 })

  it.each(cases)('to float precision: $window n_fft=$nFft hop=$hop center=$center', (c) => {
    const { window, nFft, hop, center, winLength } = c
    for (const length of [4096, 4097, 3001, 4095]) {
      const x = noise(length, length)
      const options = { nFft, hopLength: hop, window, center, winLength }
      const S = stft(x, options)
      const y = istft(S, { ...options, length })
      expect(y.length).toBe(length)
      // Centred, every sample has a well-conditioned window envelope. Uncentred, the first and
      // last samples lie where only a window's near-zero tail reaches (hann's w[0] = 0), as in
      // librosa: compare the samples every overlapping frame covers.
      const from = center ? 0 : nFft
      const to = center ? length : (S.frames - 1) * hop
      expect(maxAbsDiff(y.subarray(from, to), x.subarray(from, to))).toBeLessThan(1e-5)
    }
  })

  it('without `length` returns the overlap-added span, minus the centring pads', () => {
    const x = noise(1000, 7)
    const S = stft(x, { nFft: 64, hopLength: 16 })
    const y = istft(S, { hopLength: 16 })
    expect(y.length).toBe(16 * (S.frames - 1)) // n_fft + hop (frames - 1) - 2 (n_fft / 2)
    expect(maxAbsDiff(y, x.subarray(0, y.length))).toBeLessThan(1e-5)
    // `length` beyond the frames' span pads zeros (librosa.util.fix_length)
    const longer = istft(S, { hopLength: 16, length: 1200 })
    expect(maxAbsDiff(longer.subarray(0, 1000), x)).toBeLessThan(1e-5)
    expect(maxAbs(longer.subarray(1000, 1024))).toBeLessThan(1e-5) // the centring pad, reconstructed
    expect(maxAbs(longer.subarray(1024))).toBe(0)
  })
})
