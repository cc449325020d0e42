import { addSquares, squareLanes, squaresOf } from '../block-stats'
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

/**
 * Root mean square over all channels and frames, linear full scale; 0 for no samples. Each channel's
 * squares are summed as block-stats.ts sums them (two lanes), so a sound measured a piece at a time
 * there gives the same bits.
 */
export function rmsLevel(audio: AudioData): number {
  let sum = 0
  let count = 0
  for (const channel of audio.channels) {
    const lanes = squareLanes()
    addSquares(channel, 0, channel.length, lanes)
    sum += squaresOf(lanes)
    count += channel.length
  }
  return count === 0 ? 0 : Math.sqrt(sum / count)
}

/** Linear amplitude to decibels (20 log10); -Infinity for 0. */
export function toDb(linear: number): number {
  return 20 * Math.log10(linear)
}
