import { bluesteinFft } from '../dsp/features'
import { FRAME_LENGTH } from './frames'

/*
 * The rfft and irfft of one 1244-sample frame by the half-length real transform: the frame's even samples
 * as real parts and its odd samples as imaginary parts make a 622-point complex signal z (in memory the
 * frame itself, read as interleaved re/im), and with Z = DFT_622(z) and W = exp(-2 pi i / 1244)
 *   X_k = E_k + W^k O_k,  E_k = (Z_k + conj Z_(622-k)) / 2,  O_k = (Z_k - conj Z_(622-k)) / 2i,
 * for k = 0..622 (indices mod 622). 622 = 2 x 311 is no power of two either, but its Bluestein plan
 * convolves over 2048 points where a 1244-point complex transform needs 4096: one frame costs half of
 * a 1244-point transform, and the same as a frame of BluesteinFft.forwardPair's two. The inverse runs the
 * same steps backwards (numpy.fft.irfft's semantics: the imaginary parts of DC and Nyquist are ignored).
 */

const HALF = FRAME_LENGTH / 2
/** Interleaved re/im values of bins 0..622. */
export const RFFT_VALUES = 2 * (HALF + 1)

export class FrameRfft {
  private readonly plan = bluesteinFft(HALF)
  /** W^k = exp(-2 pi i k / 1244), k = 0..622. */
  private readonly twiddleRe = new Float64Array(HALF + 1)
  private readonly twiddleIm = new Float64Array(HALF + 1)
  private readonly z = new Float64Array(2 * HALF)

  constructor() {
    for (let k = 0; k <= HALF; k++) {
      this.twiddleRe[k] = Math.cos((2 * Math.PI * k) / FRAME_LENGTH)
      this.twiddleIm[k] = -Math.sin((2 * Math.PI * k) / FRAME_LENGTH)
    }
  }

  /** numpy.fft.rfft of `frame` (1244 real samples) into `out` (interleaved bins 0..622). `frame` is left as it was. */
  forward(frame: Float64Array, out: Float64Array): Float64Array {
    const { z, twiddleRe, twiddleIm } = this
    z.set(frame.subarray(0, FRAME_LENGTH))
    this.plan.transform(z, z)
    for (let k = 0; k <= HALF; k++) {
      const a = k === HALF ? 0 : 2 * k
      const b = k === 0 ? 0 : 2 * (HALF - k)
      const zr = z[a]!
      const zi = z[a + 1]!
      const cr = z[b]!
      const ci = -z[b + 1]!
      // E = (Z_k + conj Z_(622-k)) / 2; O = (Z_k - conj Z_(622-k)) / 2i
      const er = 0.5 * (zr + cr)
      const ei = 0.5 * (zi + ci)
      const or = 0.5 * (zi - ci)
      const oi = -0.5 * (zr - cr)
      const wr = twiddleRe[k]!
      const wi = twiddleIm[k]!
      out[2 * k] = er + wr * or - wi * oi
      out[2 * k + 1] = ei + wr * oi + wi * or
    }
    return out
  }

  /** numpy.fft.irfft(spectrum, 1244) of interleaved bins 0..622 into `out` (1244 samples). `spectrum` is left as it was. */
  inverse(spectrum: Float64Array, out: Float64Array): Float64Array {
    const { z, twiddleRe, twiddleIm } = this
    for (let k = 0; k < HALF; k++) {
      const m = HALF - k
      const xr = spectrum[2 * k]!
      const xi = k === 0 ? 0 : spectrum[2 * k + 1]!
      const cr = spectrum[2 * m]!
      const ci = m === HALF ? 0 : -spectrum[2 * m + 1]!
      // E = (X_k + conj X_(622-k)) / 2; O = (X_k - conj X_(622-k)) / (2 W^k); Z = E + i O
      const er = 0.5 * (xr + cr)
      const ei = 0.5 * (xi + ci)
      const dr = 0.5 * (xr - cr)
      const di = 0.5 * (xi - ci)
      const wr = twiddleRe[k]!
      const wi = -twiddleIm[k]!
      const or = dr * wr - di * wi
      const oi = dr * wi + di * wr
      z[2 * k] = er - oi
      z[2 * k + 1] = ei + or
    }
    this.plan.inverseTransform(z, z)
    out.set(z)
    return out
  }
}
