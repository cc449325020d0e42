import { squareLanes, squaresOf, type SquareLanes } from '../dsp/block-stats'
import { LoudnessMeter } from '../dsp/io/loudness'
import { copyFloats, type SampleData } from '../dsp/samples'
import { baseBlock, emptyBaseLevel, fillBaseLevel, levelsOver, type PeakLevel } from './peak-pyramid'

/** Frames measured at a time (int16 samples go through a float buffer this long): a multiple of baseBlock. */
const pieceFrames = 256 * baseBlock

export interface ScanResult {
  peak: number
  rms: number
  lufs: number | null
  /** The peak pyramid's levels, per channel (PeakPyramid takes them as built). */
  levels: PeakLevel[][]
}

/**
 * Everything the editor measures of a sound, in one pass over it while it decodes: the peak pyramid,
 * and from it and beside it exactly what peakLevel, rmsLevel and integratedLoudness give. Each piece
 * is measured while it is still in cache, so the samples cross memory once instead of four times
 * (for an hour of stereo, 1.27 GB read back for each of four measures); the extremes and squares in one
 * wasm SIMD pass (block-stats.ts), summed as rmsLevel sums them. Int16 channels (samples.ts) go through
 * a small float buffer a piece at a time, the same values the floats would have.
 */
export class SoundScan {
  private readonly loudness: LoudnessMeter
  private readonly bases: PeakLevel[]
  /** Each channel's running sums of squares. */
  private readonly squares: SquareLanes[]
  /** Per channel, where an int16 channel's piece is turned into floats; null for a float channel. */
  private readonly floats: (Float32Array | null)[]
  /** Frames measured so far: always a whole number of pyramid blocks until finish(). */
  private done = 0

  constructor(private readonly audio: SampleData) {
    const channels = audio.channels.length
    this.loudness = new LoudnessMeter(audio.sampleRate, channels, this.frames)
    this.bases = audio.channels.map(() => emptyBaseLevel(this.frames))
    this.squares = audio.channels.map(() => squareLanes())
    this.floats = audio.channels.map((x) => (x instanceof Float32Array ? null : new Float32Array(Math.min(pieceFrames, x.length))))
  }

  private get frames(): number {
    return this.audio.channels[0]?.length ?? 0
  }

  /** Frames up to `to` are decoded: measures the whole pyramid blocks among them not measured yet. */
  add(to: number): void {
    this.measure(Math.floor(to / baseBlock) * baseBlock)
  }

  /** Measures what is left (a last partial block) and gives the results. */
  finish(): ScanResult {
    this.measure(this.frames)
    let sum = 0
    for (const lanes of this.squares) sum += squaresOf(lanes)
    const count = this.frames * this.audio.channels.length
    const rms = count === 0 ? 0 : Math.sqrt(sum / count)
    return { peak: peakOf(this.bases), rms, lufs: this.loudness.loudness(), levels: this.bases.map(levelsOver) }
  }

  private measure(to: number): void {
    for (let from = this.done; from < to; from += pieceFrames) {
      const end = Math.min(to, from + pieceFrames)
      const pieces = this.audio.channels.map((x, c) => {
        const floats = this.floats[c]
        if (!floats) return (x as Float32Array).subarray(from, end)
        copyFloats(x, from, end, floats)
        return floats.subarray(0, end - from)
      })
      pieces.forEach((piece, c) => fillBaseLevel(this.bases[c]!, piece, from, this.squares[c]))
      this.loudness.add(pieces, from)
    }
    this.done = Math.max(this.done, to)
  }
}

/**
 * peakLevel from the pyramid's finest blocks: the largest |sample| of a block is its -min or its max.
 * A block of nothing but NaN (min > max) has none, as peakLevel skips NaN.
 */
function peakOf(bases: readonly PeakLevel[]): number {
  let peak = 0
  for (const { min, max } of bases) {
    for (let k = 0; k < min.length; k++) {
      if (!(min[k]! <= max[k]!)) continue
      if (-min[k]! > peak) peak = -min[k]!
      if (max[k]! > peak) peak = max[k]!
    }
  }
  return peak
}

/** Scans decoded audio in cache-sized pieces (formats decoded whole: FLAC, MP3, Ogg). */
export function scanDecoded(audio: SampleData): ScanResult {
  const scan = new SoundScan(audio)
  const frames = audio.channels[0]?.length ?? 0
  for (let to = 0; to < frames; ) scan.add((to = Math.min(frames, to + 64 * baseBlock)))
  return scan.finish()
}
