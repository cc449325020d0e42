import { matlabRound } from './interpolate'

/*
 * The F0-adaptive windowing of CheapTrick and D4C: a window `ratio` fundamental periods long (Hann:
 * CheapTrick 3, D4C 4; Blackman: D4C 4) centred on the sample nearest `position`, samples outside the
 * signal taken from its nearest end, and the windowed mean removed in proportion to the window
 * (WORLD's weighting step) so that no DC leaks into the low bins.
 */

export type PitchWindowShape = 'hann' | 'blackman'

/**
 * Writes the windowed, DC-removed segment into `out` from index 0 (the rest is zeroed) and returns its
 * length (2 * half + 1). `normalise` scales the window to unit energy (CheapTrick's convention).
 */
export function pitchWindowedSegment(
  x: Float64Array,
  sampleRate: number,
  f0: number,
  position: number,
  shape: PitchWindowShape,
  ratio: number,
  out: Float64Array,
  normalise = false,
): number {
  const half = matlabRound((ratio * sampleRate) / f0 / 2)
  const length = 2 * half + 1
  if (length > out.length) throw new RangeError(`an F0 of ${f0} Hz needs a window of ${length} samples, more than ${out.length}`)
  const origin = matlabRound(position * sampleRate + 0.001)
  const last = x.length - 1
  const window = new Float64Array(length)
  let energy = 0
  for (let i = 0; i < length; i++) {
    const phase = (Math.PI * 2 * (i - half) * f0) / ratio / sampleRate
    const w = shape === 'hann' ? 0.5 + 0.5 * Math.cos(phase) : 0.42 + 0.5 * Math.cos(phase) + 0.08 * Math.cos(2 * phase)
    window[i] = w
    energy += w * w
  }
  if (normalise) {
    const scale = 1 / Math.sqrt(energy)
    for (let i = 0; i < length; i++) window[i]! *= scale
  }
  let weighted = 0
  let total = 0
  for (let i = 0; i < length; i++) {
    const at = Math.min(last, Math.max(0, origin + i - half))
    const v = x[at]! * window[i]!
    out[i] = v
    weighted += v
    total += window[i]!
  }
  const mean = weighted / total
  for (let i = 0; i < length; i++) out[i]! -= window[i]! * mean
  out.fill(0, length)
  return length
}

/** The 4-term Nuttall window of WORLD (its low-pass in DIO and band window in D4C), `length` points. */
export function nuttallWindow(length: number): Float64Array {
  const w = new Float64Array(length)
  for (let i = 0; i < length; i++) {
    const t = length === 1 ? 0 : i / (length - 1)
    w[i] = 0.355768 - 0.487396 * Math.cos(2 * Math.PI * t) + 0.144232 * Math.cos(4 * Math.PI * t) - 0.012604 * Math.cos(6 * Math.PI * t)
  }
  return w
}
