import { describe, expect, it } from 'vitest'
import { bluesteinFft, BluesteinFft } from '../../../../main/dsp/features'
import { seededRandom } from '../../../../main/compute/seeded-random'

/** The DFT by its definition, X_k = sum_n x_n exp(-2 pi i nk / N), in float64 (O(N^2)). */
function directDft(re: Float64Array, im: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = re.length
  const outRe = new Float64Array(n)
  const outIm = new Float64Array(n)
  for (let k = 0; k < n; k++) {
    let sr = 0
    let si = 0
    for (let t = 0; t < n; t++) {
      const phase = (-2 * Math.PI * ((k * t) % n)) / n
      const c = Math.cos(phase)
      const s = Math.sin(phase)
      sr += re[t]! * c - im[t]! * s
      si += re[t]! * s + im[t]! * c
    }
    outRe[k] = sr
    outIm[k] = si
  }
  return { re: outRe, im: outIm }
}

function randomSignal(n: number, seed: number): Float64Array {
  const random = seededRandom(seed)
  return Float64Array.from({ length: n }, () => 2 * random() - 1)
}

describe('BluesteinFft (any-length DFT over power-of-two fft.js)', () => {
  it.each([1, 2, 5, 7, 12, 100, 311, 1244])('matches the direct complex DFT at N = %i', (n) => {
    const re = randomSignal(n, n)
    const im = randomSignal(n, n + 1000)
    const want = directDft(re, im)
    const input = new Float64Array(2 * n)
    for (let i = 0; i < n; i++) [input[2 * i], input[2 * i + 1]] = [re[i]!, im[i]!]
    const got = new BluesteinFft(n).transform(new Float64Array(2 * n), input)
    let worst = 0
    for (let k = 0; k < n; k++) worst = Math.max(worst, Math.abs(got[2 * k]! - want.re[k]!), Math.abs(got[2 * k + 1]! - want.im[k]!))
    // values are O(sqrt N); float64 Bluestein keeps the error near 1e-12
    expect(worst).toBeLessThan(1e-9)
  })

  it('gives rfft bins 0..N/2 of a real frame, and a cosine lands in its bin', () => {
    const n = 1244
    const plan = bluesteinFft(n)
    expect(bluesteinFft(n)).toBe(plan)
    // x_t = cos(2 pi 37 t / N): X_37 = N/2 exactly, every other bin 0
    const x = Float64Array.from({ length: n }, (_, t) => Math.cos((2 * Math.PI * 37 * t) / n))
    const spectrum = plan.forward(x)
    expect(spectrum.length).toBe(2 * 623)
    for (let k = 0; k <= 622; k++) {
      expect(spectrum[2 * k]).toBeCloseTo(k === 37 ? n / 2 : 0, 8)
      expect(spectrum[2 * k + 1]).toBeCloseTo(0, 8)
    }
    // a constant: DC = sum, Nyquist 0
    const dc = plan.forward(new Float64Array(n).fill(0.5))
    expect(dc[0]).toBeCloseTo(622, 9)
    expect(dc[2 * 622]).toBeCloseTo(0, 9)
  })

  it.each([1244, 311])('inverse (irfft) undoes forward at N = %i', (n) => {
    const plan = new BluesteinFft(n)
    const x = randomSignal(n, 7)
    plan.spectrum.set(plan.forward(x))
    const back = plan.inverse()
    let worst = 0
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(back[i]! - x[i]!))
    expect(worst).toBeLessThan(1e-12)
  })

  it('refuses a frame of the wrong length', () => {
    expect(() => bluesteinFft(8).forward(new Float64Array(7))).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
    expect(() => new BluesteinFft(0)).toThrow(/n_fft must be an integer >= 1/)
  })
})

describe('BluesteinFft pairs (two real frames per complex transform)', () => {
  it.each([1244, 311])('forwardPair and inversePair agree with forward and inverse one at a time, N = %i', (n) => {
    const plan = new BluesteinFft(n)
    const [a, b] = [randomSignal(n, 21), randomSignal(n, 22)]
    const bins = 2 * (Math.floor(n / 2) + 1)
    const [specA, specB] = [new Float64Array(bins), new Float64Array(bins)]
    plan.forwardPair(a, b, specA, specB)
    const worst = (x: ArrayLike<number>, y: ArrayLike<number>) => Array.from(x).reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0)
    expect(worst(specA, plan.forward(a))).toBeLessThan(1e-10)
    expect(worst(specB, plan.forward(b))).toBeLessThan(1e-10)
    const [backA, backB] = [new Float64Array(n), new Float64Array(n)]
    plan.inversePair(specA, specB, backA, backB)
    expect(worst(backA, a)).toBeLessThan(1e-12)
    expect(worst(backB, b)).toBeLessThan(1e-12)
  })
})
