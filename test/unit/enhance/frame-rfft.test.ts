import { describe, expect, it } from 'vitest'
import { bluesteinFft } from '../../../main/dsp/features'
import { FrameRfft, RFFT_VALUES } from '../../../main/enhance/frame-rfft'
import { uniformNoise } from './signals'

const N = 1244

/** The DFT by its definition, X_k = sum_n x_n exp(-2 pi i k n / N), bins 0..622, in O(N^2). */
function naiveRfft(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(RFFT_VALUES)
  for (let k = 0; k <= N / 2; k++) {
    let re = 0
    let im = 0
    for (let n = 0; n < N; n++) {
      const phase = (-2 * Math.PI * ((k * n) % N)) / N
      re += x[n]! * Math.cos(phase)
      im += x[n]! * Math.sin(phase)
    }
    out[2 * k] = re
    out[2 * k + 1] = im
  }
  return out
}

/** numpy.fft.irfft by its definition: the Hermitian completion of bins 0..622 (DC's and Nyquist's imaginary parts ignored), / N. */
function naiveIrfft(spectrum: Float64Array): Float64Array {
  const out = new Float64Array(N)
  for (let n = 0; n < N; n++) {
    let sum = spectrum[0]! + spectrum[N]! * (n % 2 === 0 ? 1 : -1)
    for (let k = 1; k < N / 2; k++) {
      const phase = (2 * Math.PI * ((k * n) % N)) / N
      sum += 2 * (spectrum[2 * k]! * Math.cos(phase) - spectrum[2 * k + 1]! * Math.sin(phase))
    }
    out[n] = sum / N
  }
  return out
}

const worst = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let w = 0
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!))
  return w
}

describe('FrameRfft (the half-length real transform of a 1244-sample frame)', () => {
  const fft = new FrameRfft()

  it('gives the DFT of its definition and the same bins as the 1244-point Bluestein rfft', () => {
    const x = uniformNoise(N, 3)
    const out = fft.forward(x, new Float64Array(RFFT_VALUES))
    const reference = naiveRfft(x)
    // |X| reaches ~40 here; the O(N^2) sum itself rounds at ~1e-12
    expect(worst(out, reference)).toBeLessThan(1e-9)
    expect(worst(out, bluesteinFft(N).forward(x))).toBeLessThan(1e-11)
    // a cosine at bin 100 lands in bin 100 alone, N / 2 tall
    const tone = Float64Array.from({ length: N }, (_, n) => Math.cos((2 * Math.PI * 100 * n) / N))
    const bins = fft.forward(tone, new Float64Array(RFFT_VALUES))
    expect(bins[200]).toBeCloseTo(N / 2, 9)
    expect(Math.hypot(bins[202]!, bins[203]!)).toBeLessThan(1e-9)
    // the input frame is left as it was
    expect(Array.from(x)).toEqual(Array.from(uniformNoise(N, 3)))
  })

  it('inverts it, and inverts any half spectrum as numpy.fft.irfft does', () => {
    const x = uniformNoise(N, 4)
    const back = fft.inverse(fft.forward(x, new Float64Array(RFFT_VALUES)), new Float64Array(N))
    expect(worst(back, x)).toBeLessThan(1e-13)
    // a spectrum that is no rfft of anything (imaginary DC and Nyquist): those imaginary parts are ignored
    const spectrum = uniformNoise(RFFT_VALUES, 5)
    const inverse = fft.inverse(spectrum, new Float64Array(N))
    expect(worst(inverse, naiveIrfft(spectrum))).toBeLessThan(1e-13)
    const plan = bluesteinFft(N)
    plan.spectrum.set(spectrum)
    expect(worst(inverse, plan.inverse())).toBeLessThan(1e-14)
    expect(Array.from(spectrum)).toEqual(Array.from(uniformNoise(RFFT_VALUES, 5)))
  })
})
