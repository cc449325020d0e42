import FFT from 'fft.js'
import { requirePowerOfTwo } from './params'

/**
 * A real FFT of one power-of-two size over fft.js, with its work buffers. Buffers are reused:
 * what `forward` and `inverse` return is valid until the next call on the same plan.
 */
export class RealFft {
  readonly size: number
  /** Interleaved re/im of bins 0..size/2 (numpy.fft.rfft's output); fill it before `inverse`. */
  readonly spectrum: Float64Array
  private readonly fft: FFT
  private readonly full: Float64Array
  private readonly complex: Float64Array
  private readonly signal: Float64Array

  constructor(size: number) {
    this.size = requirePowerOfTwo('n_fft', size)
    this.fft = new FFT(size)
    this.spectrum = new Float64Array(size + 2)
    this.full = new Float64Array(2 * size)
    this.complex = new Float64Array(2 * size)
    this.signal = new Float64Array(size)
  }

  /** rfft(frame): interleaved re/im, bins 0..size/2 at [2k], [2k+1] (entries past size+1 are scratch). */
  forward(frame: Float64Array): Float64Array {
    this.fft.realTransform(this.full, frame)
    return this.full
  }

  /**
   * irfft(spectrum) as numpy: the Hermitian completion of bins 0..size/2, ignoring the imaginary
   * parts of the DC and Nyquist bins.
   */
  inverse(): Float64Array {
    const { size, spectrum, full, complex, signal } = this
    full.set(spectrum)
    full[1] = 0
    full[size + 1] = 0
    this.fft.completeSpectrum(full)
    this.fft.inverseTransform(complex, full) // fft.js needs distinct input and output buffers
    for (let n = 0; n < size; n++) signal[n] = complex[2 * n]!
    return signal
  }
}

const plans = new Map<number, RealFft>()

/** The cached plan for `size` (a power of two, else a VALIDATION error saying which size to use). */
export function realFft(size: number): RealFft {
  let plan = plans.get(size)
  if (!plan) {
    plan = new RealFft(size)
    plans.set(size, plan)
  }
  return plan
}
