import FFT from 'fft.js'

/*
 * numpy.fft.irfft for a power-of-two N through one complex inverse FFT of N / 2 (the even samples as real
 * parts, the odd as imaginary): with X_k (k = 0..N/2) and X_(k+N/2) = conj(X_(N/2-k)),
 *   E_k = (X_k + X_(k+N/2)) / 2,  O_k = (X_k - X_(k+N/2)) e^(2 pi i k / N) / 2,
 *   x[2m] + i x[2m+1] = IFFT_(N/2)(E + i O)[m].
 * dsp's RealFft.inverse completes the spectrum and runs a complex transform of N, about twice the work;
 * the synthesis runs one inverse per pulse, so the difference is worth a class.
 */
export class RealInverseFft {
  readonly size: number
  /** Interleaved re/im of bins 0..N/2: fill it, then call `inverse`. */
  readonly spectrum: Float64Array
  private readonly fft: FFT
  private readonly cos: Float64Array
  private readonly sin: Float64Array
  private readonly packed: Float64Array
  private readonly complex: Float64Array
  private readonly signal: Float64Array

  constructor(size: number) {
    if (!(size >= 4) || !Number.isInteger(Math.log2(size))) throw new RangeError(`RealInverseFft needs a power of two of 4 or more, got ${size}`)
    this.size = size
    const half = size / 2
    this.fft = new FFT(half)
    this.spectrum = new Float64Array(size + 2)
    this.cos = Float64Array.from({ length: half }, (_, k) => Math.cos((2 * Math.PI * k) / size))
    this.sin = Float64Array.from({ length: half }, (_, k) => Math.sin((2 * Math.PI * k) / size))
    this.packed = new Float64Array(size)
    this.complex = new Float64Array(size)
    this.signal = new Float64Array(size)
  }

  /** The real signal (valid until the next call), imaginary parts of DC and Nyquist ignored as numpy does. */
  inverse(): Float64Array {
    const { size, spectrum: x, cos, sin, packed, complex, signal } = this
    const half = size / 2
    for (let k = 0; k < half; k++) {
      const ar = x[2 * k]!
      const ai = k === 0 ? 0 : x[2 * k + 1]!
      // X_(k + N/2) = conj(X_(N/2 - k)); at k = 0 it is the Nyquist bin, taken as real.
      const br = x[2 * (half - k)]!
      const bi = k === 0 ? 0 : -x[2 * (half - k) + 1]!
      const er = (ar + br) / 2
      const ei = (ai + bi) / 2
      const dr = (ar - br) / 2
      const di = (ai - bi) / 2
      const or = dr * cos[k]! - di * sin[k]!
      const oi = dr * sin[k]! + di * cos[k]!
      packed[2 * k] = er - oi
      packed[2 * k + 1] = ei + or
    }
    this.fft.inverseTransform(complex, packed)
    signal.set(complex)
    return signal
  }
}
