import { realFft } from '../../dsp/features/fft'
import { cheapTrickQ1, vocoderFftSize } from './defaults'
import { dcCorrection, linearSmoothing } from './spectral-smoothing'
import { pitchWindowedSegment } from './pitch-window'

/*
 * CheapTrick (M. Morise, "CheapTrick, a spectral envelope estimator for high-quality speech synthesis",
 * Speech Communication 67, 2015), per frame at F0 f0:
 *   1. a Hann window 3 periods long (unit energy) centred on the frame, power spectrum |X|^2;
 *   2. DC correction (the replica below f0 folded back), then a rectangular smoother of width 2 f0 / 3
 *      on the linear axis, which with the 3-period window makes the result nearly independent of
 *      where the window sits within the period;
 *   3. the log spectrum's cepstrum c(q) liftered by the smoothing lifter sin(pi f0 q) / (pi f0 q)
 *      (a rectangle of width f0 on the log axis) and the recovery lifter
 *      (1 - 2 q1) + 2 q1 cos(2 pi q f0), q1 = -0.15, that undoes the smoothing's loss at the harmonics.
 * Unvoiced frames (f0 = 0 or below the floor the FFT allows, 3 fs / (fftSize - 3)) are analysed as if
 * f0 = 500 Hz, as WORLD does. The envelope is a power spectrum in WORLD's units (the window has unit
 * energy), which is what synthesis.ts expects.
 */

const unvoicedF0 = 500
/** Added to the smoothed power so the log never meets 0 (WORLD adds |noise| * eps; a constant keeps runs identical). */
const floorPower = 1e-16

export interface CheapTrickOptions {
  fftSize?: number
  q1?: number
}

/** The lowest F0 whose 3-period window fits the FFT. */
export const cheapTrickF0Floor = (sampleRate: number, fftSize: number): number => (3 * sampleRate) / (fftSize - 3)

/** The power spectral envelope of every frame: fftSize / 2 + 1 bins each. */
export function cheapTrick(x: Float64Array, sampleRate: number, times: Float64Array, f0: Float64Array, options: CheapTrickOptions = {}): Float64Array[] {
  const { fftSize = vocoderFftSize, q1 = cheapTrickQ1 } = options
  const floor = cheapTrickF0Floor(sampleRate, fftSize)
  const lifter = new Float64Array(fftSize / 2 + 1)
  const frame = new Float64Array(fftSize)
  const out: Float64Array[] = []
  for (let t = 0; t < f0.length; t++) {
    const current = f0[t]! <= floor ? unvoicedF0 : f0[t]!
    out.push(envelopeAt(x, sampleRate, current, times[t]!, fftSize, q1, frame, lifter))
  }
  return out
}

function envelopeAt(x: Float64Array, sampleRate: number, f0: number, position: number, fftSize: number, q1: number, frame: Float64Array, lifter: Float64Array): Float64Array {
  const half = fftSize / 2
  const fft = realFft(fftSize)
  pitchWindowedSegment(x, sampleRate, f0, position, 'hann', 3, frame, true)
  const spectrum = fft.forward(frame)
  const power = new Float64Array(half + 1)
  for (let k = 0; k <= half; k++) power[k] = spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2
  dcCorrection(power, f0, sampleRate, fftSize)
  linearSmoothing(power, (f0 * 2) / 3, sampleRate, fftSize)
  // The log spectrum, mirrored to a real even sequence, has a real cepstrum: rfft of it. The smoother's
  // differences of cumulative sums can dip a rounding error below 0 where the power is nearly nil.
  for (let k = 0; k <= half; k++) frame[k] = Math.log(Math.max(0, power[k]!) + floorPower)
  for (let k = half + 1; k < fftSize; k++) frame[k] = frame[fftSize - k]!
  const cepstrum = fft.forward(frame)
  lifter[0] = 1
  for (let k = 1; k <= half; k++) {
    const q = k / sampleRate
    const smoothing = Math.sin(Math.PI * f0 * q) / (Math.PI * f0 * q)
    const recovery = 1 - 2 * q1 + 2 * q1 * Math.cos(2 * Math.PI * q * f0)
    lifter[k] = smoothing * recovery
  }
  for (let k = 0; k <= half; k++) {
    fft.spectrum[2 * k] = cepstrum[2 * k]! * lifter[k]!
    fft.spectrum[2 * k + 1] = 0
  }
  const smoothed = fft.inverse()
  for (let k = 0; k <= half; k++) power[k] = Math.exp(smoothed[k]!)
  return power
}
