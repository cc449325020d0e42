/*
 * The MUSHRA low anchor: the reference low-passed at 3.5 kHz (ITU-R BS.1534-3, Sec. 5.1). A linear-phase
 * windowed-sinc FIR (Blackman window, 255 taps: the transition band is about 5.5 / 255 of the sample rate,
 * 345 Hz at 16 kHz, and the stop band is below -74 dB), applied with its delay removed, so that the anchor
 * lines up with the reference sample for sample and switching between them keeps the playhead.
 */

export function lowPassKernel(cutoffHz: number, sampleRate: number, taps = 255): Float64Array {
  if (taps % 2 === 0) throw new RangeError('lowPassKernel needs an odd number of taps (a whole-sample delay).')
  const fc = cutoffHz / sampleRate
  const middle = (taps - 1) / 2
  const kernel = new Float64Array(taps)
  let sum = 0
  for (let i = 0; i < taps; i++) {
    const k = i - middle
    const sinc = k === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * k) / (Math.PI * k)
    const window = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / (taps - 1)) + 0.08 * Math.cos((4 * Math.PI * i) / (taps - 1))
    kernel[i] = sinc * window
    sum += kernel[i]!
  }
  // Unit gain at 0 Hz.
  for (let i = 0; i < taps; i++) kernel[i]! /= sum
  return kernel
}

/** `signal` low-passed at `cutoffHz`, the same length, not delayed (zeros assumed beyond both ends). */
export function lowPass(signal: Float32Array, sampleRate: number, cutoffHz = 3500): Float32Array {
  const kernel = lowPassKernel(cutoffHz, sampleRate)
  const middle = (kernel.length - 1) / 2
  const out = new Float32Array(signal.length)
  for (let n = 0; n < signal.length; n++) {
    let acc = 0
    const from = Math.max(0, n - middle)
    const to = Math.min(signal.length - 1, n + middle)
    for (let m = from; m <= to; m++) acc += signal[m]! * kernel[middle + n - m]!
    out[n] = acc
  }
  return out
}
