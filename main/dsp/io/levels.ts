import type { AudioData } from '../audio-data'

/** Largest |sample| over all channels, linear full scale (1 = 0 dBFS); 0 for no samples. */
export function peakLevel(audio: AudioData): number {
  let peak = 0
  for (const channel of audio.channels) {
    for (let i = 0; i < channel.length; i++) {
      const v = Math.abs(channel[i]!)
      if (v > peak) peak = v
    }
  }
  return peak
}

/** Root mean square over all channels and frames, linear full scale; 0 for no samples. */
export function rmsLevel(audio: AudioData): number {
  let sum = 0
  let count = 0
  for (const channel of audio.channels) {
    sum = sumOfSquares(channel, 0, channel.length, sum)
    count += channel.length
  }
  return count === 0 ? 0 : Math.sqrt(sum / count)
}

/**
 * `sum` plus the squares of x[from, to), in order: one running sum, channel after channel, as rmsLevel
 * takes it, so a caller that feeds the same samples in the same order (in pieces) gets the same bits.
 */
export function sumOfSquares(x: Float32Array, from: number, to: number, sum: number): number {
  for (let i = from; i < to; i++) sum += x[i]! * x[i]!
  return sum
}

/** Linear amplitude to decibels (20 log10); -Infinity for 0. */
export function toDb(linear: number): number {
  return 20 * Math.log10(linear)
}
