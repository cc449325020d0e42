import FFT from 'fft.js'
import { invalid, requireInteger } from './params'

/*
 * A DFT of any length N by Bluestein's chirp-z algorithm over fft.js (which takes only powers of two).
 * With nk = (n^2 + k^2 - (k - n)^2) / 2 and the chirp c_m = exp(i pi m^2 / N),
 *   X_k = sum_n x_n exp(-2 pi i nk / N) = conj(c_k) * sum_n (x_n conj(c_n)) c_(k-n),
 * a convolution of length 2N - 1, done by power-of-two FFTs of size M >= 2N - 1. The inverse is
 * conj(DFT(conj(X))) / N. The chirp's phase comes from m^2 mod 2N in exact integers, so rounding does
 * not grow with N. Conventions are numpy.fft's: forward unscaled, inverse scaled by 1/N.
 */
export class BluesteinFft {
  readonly size: number
  /** Interleaved re/im of bins 0..floor(size/2) (numpy.fft.rfft's output); fill it before `inverse`. */
  readonly spectrum: Float64Array
  private readonly fft: FFT
  private readonly chirpRe: Float64Array
  private readonly chirpIm: Float64Array
  /** FFT of the chirp laid out for circular convolution (indices 0..N-1 and M-N+1..M-1). */
  private readonly chirpSpectrum: Float64Array
  private readonly work: Float64Array
  private readonly workSpectrum: Float64Array
  private readonly full: Float64Array
  private readonly signal: Float64Array

  constructor(size: number) {
    this.size = requireInteger('n_fft', size, 1)
    let m = 2
    while (m < 2 * size - 1) m *= 2
    this.fft = new FFT(m)
    this.chirpRe = new Float64Array(size)
    this.chirpIm = new Float64Array(size)
    for (let n = 0; n < size; n++) {
      const phase = (Math.PI * ((n * n) % (2 * size))) / size
      this.chirpRe[n] = Math.cos(phase)
      this.chirpIm[n] = Math.sin(phase)
    }
    const chirp = new Float64Array(2 * m)
    for (let n = 0; n < size; n++) {
      for (const at of n === 0 ? [0] : [n, m - n]) {
        chirp[2 * at] = this.chirpRe[n]!
        chirp[2 * at + 1] = this.chirpIm[n]!
      }
    }
    this.chirpSpectrum = new Float64Array(2 * m)
    this.fft.transform(this.chirpSpectrum, chirp)
    this.work = new Float64Array(2 * m)
    this.workSpectrum = new Float64Array(2 * m)
    this.spectrum = new Float64Array(2 * (Math.floor(size / 2) + 1))
    this.full = new Float64Array(2 * size)
    this.signal = new Float64Array(size)
  }

  /** The forward complex DFT of `input` into `output` (both interleaved re/im, `size` values; may be one array). */
  transform(output: Float64Array, input: Float64Array): Float64Array {
    const { size, chirpRe, chirpIm, work, workSpectrum, chirpSpectrum, fft } = this
    work.fill(0)
    for (let n = 0; n < size; n++) {
      // x_n * conj(c_n)
      const xr = input[2 * n]!
      const xi = input[2 * n + 1]!
      const cr = chirpRe[n]!
      const ci = chirpIm[n]!
      work[2 * n] = xr * cr + xi * ci
      work[2 * n + 1] = xi * cr - xr * ci
    }
    fft.transform(workSpectrum, work)
    for (let i = 0; i < workSpectrum.length; i += 2) {
      const ar = workSpectrum[i]!
      const ai = workSpectrum[i + 1]!
      const br = chirpSpectrum[i]!
      const bi = chirpSpectrum[i + 1]!
      workSpectrum[i] = ar * br - ai * bi
      workSpectrum[i + 1] = ar * bi + ai * br
    }
    fft.inverseTransform(work, workSpectrum)
    for (let k = 0; k < size; k++) {
      // conj(c_k) * (a * c)_k
      const yr = work[2 * k]!
      const yi = work[2 * k + 1]!
      const cr = chirpRe[k]!
      const ci = chirpIm[k]!
      output[2 * k] = yr * cr + yi * ci
      output[2 * k + 1] = yi * cr - yr * ci
    }
    return output
  }

  /** The inverse complex DFT (scaled by 1/N) of `input` into `output`, as numpy.fft.ifft. */
  inverseTransform(output: Float64Array, input: Float64Array): Float64Array {
    const { size } = this
    for (let i = 0; i < 2 * size; i += 2) {
      output[i] = input[i]!
      output[i + 1] = -input[i + 1]!
    }
    this.transform(output, output)
    for (let i = 0; i < 2 * size; i += 2) {
      output[i]! /= size
      output[i + 1] = -output[i + 1]! / size
    }
    return output
  }

  /** numpy.fft.rfft(frame): `spectrum`'s layout, valid until the next call on this plan. */
  forward(frame: ArrayLike<number>): Float64Array {
    const { size, full, spectrum } = this
    if (frame.length !== size) throw invalid(`a frame of ${size} samples is needed, got ${frame.length}`)
    full.fill(0)
    for (let n = 0; n < size; n++) full[2 * n] = frame[n]!
    this.transform(full, full)
    spectrum.set(full.subarray(0, spectrum.length))
    return spectrum
  }

  /**
   * numpy.fft.irfft(spectrum, n=size): the Hermitian completion of bins 0..floor(size/2), ignoring the
   * imaginary part of DC (and of the Nyquist bin when size is even). Valid until the next call.
   */
  inverse(): Float64Array {
    const { size, full, spectrum, signal } = this
    const half = Math.floor(size / 2)
    full.set(spectrum)
    full[1] = 0
    if (size % 2 === 0) full[2 * half + 1] = 0
    for (let k = half + 1; k < size; k++) {
      full[2 * k] = full[2 * (size - k)]!
      full[2 * k + 1] = -full[2 * (size - k) + 1]!
    }
    this.inverseTransform(full, full)
    for (let n = 0; n < size; n++) signal[n] = full[2 * n]!
    return signal
  }

  /**
   * rfft of two real frames with one complex transform (z = a + i b, then A_k = (Z_k + conj Z_(N-k)) / 2,
   * B_k = (Z_k - conj Z_(N-k)) / 2i): half the work of two `forward` calls. Writes `outA`, `outB`
   * (each `spectrum`'s layout).
   */
  forwardPair(a: ArrayLike<number>, b: ArrayLike<number>, outA: Float64Array, outB: Float64Array): void {
    const { size, full } = this
    if (a.length !== size || b.length !== size) throw invalid(`frames of ${size} samples are needed, got ${a.length} and ${b.length}`)
    for (let n = 0; n < size; n++) {
      full[2 * n] = a[n]!
      full[2 * n + 1] = b[n]!
    }
    this.transform(full, full)
    const half = Math.floor(size / 2)
    for (let k = 0; k <= half; k++) {
      const m = k === 0 ? 0 : size - k
      const zr = full[2 * k]!
      const zi = full[2 * k + 1]!
      const wr = full[2 * m]!
      const wi = -full[2 * m + 1]! // conj Z_(N-k)
      outA[2 * k] = (zr + wr) / 2
      outA[2 * k + 1] = (zi + wi) / 2
      outB[2 * k] = (zi - wi) / 2
      outB[2 * k + 1] = -(zr - wr) / 2
    }
  }

  /**
   * irfft of two half spectra with one complex transform: ifft(A + i B) = a + i b for Hermitian A, B
   * (numpy irfft semantics: imaginary parts of DC and, for even sizes, Nyquist ignored). Writes `outA`, `outB`.
   */
  inversePair(specA: Float64Array, specB: Float64Array, outA: Float64Array, outB: Float64Array): void {
    const { size, full } = this
    const half = Math.floor(size / 2)
    for (let k = 0; k < size; k++) {
      const mirrored = k > half
      const j = mirrored ? size - k : k
      const ar = specA[2 * j]!
      const br = specB[2 * j]!
      const real = j === 0 || (size % 2 === 0 && j === half)
      const ai = real ? 0 : mirrored ? -specA[2 * j + 1]! : specA[2 * j + 1]!
      const bi = real ? 0 : mirrored ? -specB[2 * j + 1]! : specB[2 * j + 1]!
      full[2 * k] = ar - bi
      full[2 * k + 1] = ai + br
    }
    this.inverseTransform(full, full)
    for (let n = 0; n < size; n++) {
      outA[n] = full[2 * n]!
      outB[n] = full[2 * n + 1]!
    }
  }
}

const plans = new Map<number, BluesteinFft>()

/** The cached Bluestein plan for `size` (any whole number from 1). */
export function bluesteinFft(size: number): BluesteinFft {
  let plan = plans.get(size)
  if (!plan) {
    plan = new BluesteinFft(size)
    plans.set(size, plan)
  }
  return plan
}
