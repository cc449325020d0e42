import { interpUniform } from './interpolate'

/*
 * Two steps CheapTrick and D4C share (Morise 2015, "CheapTrick, a spectral envelope estimator for
 * high-quality speech synthesis", section 2; WORLD's common code):
 *   DC correction: an F0-adaptive window leaves, below F0, a replica of the spectrum folded about
 *     F0 / 2 missing; adding P(f0 - f) to P(f) for f < f0 restores the level near 0 Hz.
 *   Linear smoothing: a rectangular smoother of `width` Hz on the linear axis, done as the difference
 *     of the cumulative sum read at f +- width / 2, with the spectrum mirrored at 0 Hz and at Nyquist.
 * Both read and write `fftSize / 2 + 1` bins and may work in place.
 */

/** P(f) + P(f0 - f) for the bins below f0 (plus two), the rest unchanged. */
export function dcCorrection(input: Float64Array, f0: number, sampleRate: number, fftSize: number, output: Float64Array = input): Float64Array {
  const df = sampleRate / fftSize
  const upper = Math.min(2 + Math.floor(f0 / df), fftSize / 2 + 1)
  const axis = new Float64Array(upper)
  for (let i = 0; i < upper; i++) axis[i] = i * df
  // The grid x_j = f0 - j df carries P(j df): reading it at f gives P(f0 - f).
  const replica = interpUniform(f0, -df, input.subarray(0, upper + 1), axis)
  for (let i = 0; i < upper; i++) output[i] = input[i]! + replica[i]!
  if (output !== input) output.set(input.subarray(upper), upper)
  return output
}

/** The mean of `input` over [f - width/2, f + width/2] at every bin f. */
export function linearSmoothing(input: Float64Array, width: number, sampleRate: number, fftSize: number, output: Float64Array = input): Float64Array {
  const half = fftSize / 2
  const df = sampleRate / fftSize
  const boundary = Math.floor(width / df) + 1
  const length = half + 2 * boundary + 1
  const segment = new Float64Array(length)
  let sum = 0
  for (let i = 0; i < length; i++) {
    // Mirrored at 0 Hz below `boundary`, at Nyquist above half + boundary.
    const bin = i < boundary ? boundary - i : i < half + boundary ? i - boundary : half - (i - (half + boundary))
    sum += input[bin]! * df
    segment[i] = sum
  }
  const low = new Float64Array(half + 1)
  const high = new Float64Array(half + 1)
  for (let i = 0; i <= half; i++) {
    low[i] = i * df - width / 2
    high[i] = low[i]! + width
  }
  const origin = -(boundary - 0.5) * df
  interpUniform(origin, df, segment, low, low)
  interpUniform(origin, df, segment, high, high)
  for (let i = 0; i <= half; i++) output[i] = (high[i]! - low[i]!) / width
  return output
}
