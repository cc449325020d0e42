import { blockStats, squareLanes, type SquareLanes } from '../dsp/block-stats'
import { floatsOf, sampleScale, type Samples } from '../dsp/samples'

/**
 * Min/max peaks of a long sound at any zoom, computed once when it opens. Level 0 holds the minimum
 * and maximum of every `baseBlock` frames; each further level merges `fanOut` blocks of the one
 * below. A bucket's exact extremes come from the whole blocks inside it at the coarsest level that
 * fits, its ragged edges from the levels below and finally the samples (a segment-tree walk), so a
 * bucket costs at most ~2 x (fanOut x levels + baseBlock) reads whatever the zoom.
 */

export const baseBlock = 256
const fanOut = 8

export interface PeakLevel {
  /** Frames per block. */
  block: number
  min: Float32Array
  max: Float32Array
}

export interface PeakWindow {
  framesPerBucket: number
  /** Per channel: buckets minima then buckets maxima. */
  data: Float32Array
}

export class PeakPyramid {
  /** Per channel, finest first. */
  readonly levels: PeakLevel[][]

  /** Builds the levels, or takes them as built elsewhere (a worker thread) for these channels. */
  constructor(
    private readonly channels: readonly Samples[],
    levels?: PeakLevel[][],
  ) {
    this.levels = levels ?? channels.map((samples) => buildLevels(samples))
  }

  /** Total bytes held (for the open-sound budget). */
  get bytes(): number {
    return this.levels.reduce((sum, levels) => sum + levels.reduce((s, l) => s + l.min.byteLength * 2, 0), 0)
  }

  /** N buckets over frames [from, to): see the class comment. */
  window(from: number, to: number, buckets: number): PeakWindow {
    const span = Math.max(0, to - from)
    const framesPerBucket = span / buckets
    const data = new Float32Array(this.channels.length * 2 * buckets)
    this.channels.forEach((samples, c) => {
      const min = data.subarray(c * 2 * buckets, c * 2 * buckets + buckets)
      const max = data.subarray(c * 2 * buckets + buckets, (c + 1) * 2 * buckets)
      const levels = this.levels[c]!
      const scale = sampleScale(samples)
      for (let b = 0; b < buckets; b++) {
        const start = from + b * framesPerBucket
        const end = from + (b + 1) * framesPerBucket
        if (framesPerBucket < 1) {
          // Zoomed past the samples: the sample under the bucket's centre.
          const v = (samples[Math.min(samples.length - 1, Math.floor((start + end) / 2))] ?? 0) * scale
          min[b] = v
          max[b] = v
          continue
        }
        const lo = Math.floor(start)
        const hi = Math.min(samples.length, Math.max(lo + 1, Math.floor(end)))
        const extremes = { min: Infinity, max: -Infinity }
        let top = levels.length - 1
        while (top >= 0 && levels[top]!.block > hi - lo) top--
        rangeExtremes(samples, scale, levels, top, lo, hi, extremes)
        const { min: mn, max: mx } = extremes
        min[b] = mn === Infinity ? 0 : mn
        max[b] = mx === -Infinity ? 0 : mx
      }
    })
    return { framesPerBucket, data }
  }
}

/** Min and max of samples [lo, hi) (each times `scale`) into `out`: whole blocks of level `level`, edges from below. */
function rangeExtremes(samples: Samples, scale: number, levels: PeakLevel[], level: number, lo: number, hi: number, out: { min: number; max: number }): void {
  if (lo >= hi) return
  if (level < 0) {
    for (let i = lo; i < hi; i++) {
      const v = samples[i]! * scale
      if (v < out.min) out.min = v
      if (v > out.max) out.max = v
    }
    return
  }
  const { block, min, max } = levels[level]!
  const first = Math.ceil(lo / block)
  const last = Math.floor(hi / block)
  if (first >= last) return rangeExtremes(samples, scale, levels, level - 1, lo, hi, out)
  for (let k = first; k < last; k++) {
    if (min[k]! < out.min) out.min = min[k]!
    if (max[k]! > out.max) out.max = max[k]!
  }
  rangeExtremes(samples, scale, levels, level - 1, lo, first * block, out)
  rangeExtremes(samples, scale, levels, level - 1, last * block, hi, out)
}

function buildLevels(samples: Samples): PeakLevel[] {
  const base = emptyBaseLevel(samples.length)
  fillBaseLevel(base, samples instanceof Float32Array ? samples : floatsOf(samples), 0)
  return levelsOver(base)
}

/** Level 0 for `frames` frames, to be filled by fillBaseLevel. */
export function emptyBaseLevel(frames: number): PeakLevel {
  const count = Math.ceil(frames / baseBlock)
  return { block: baseBlock, min: new Float32Array(count), max: new Float32Array(count) }
}

/**
 * Level 0's blocks over `piece`, frames [from, from + piece.length) of a channel: `from` starts a block
 * and the piece ends one or the channel, so a sound decoded a piece at a time fills it piece by piece.
 * The same pass adds the samples' squares to `squares` (block-stats.ts), for a caller that wants them.
 */
export function fillBaseLevel(base: PeakLevel, piece: Float32Array, from: number, squares: SquareLanes = squareLanes()): void {
  if (from % baseBlock !== 0) throw new RangeError(`fillBaseLevel: frame ${from} does not start a block of ${baseBlock}`)
  const k = from / baseBlock
  blockStats(piece, 0, piece.length, baseBlock, base.min.subarray(k), base.max.subarray(k), squares)
}

/** The whole pyramid on a filled level 0: each level above merges fanOut blocks of the one below. */
export function levelsOver(base: PeakLevel): PeakLevel[] {
  const levels: PeakLevel[] = [base]
  for (let below = base; below.min.length > 1; ) {
    const n = Math.ceil(below.min.length / fanOut)
    const up: PeakLevel = { block: below.block * fanOut, min: new Float32Array(n), max: new Float32Array(n) }
    for (let k = 0; k < n; k++) {
      let mn = Infinity
      let mx = -Infinity
      const end = Math.min(below.min.length, (k + 1) * fanOut)
      for (let j = k * fanOut; j < end; j++) {
        if (below.min[j]! < mn) mn = below.min[j]!
        if (below.max[j]! > mx) mx = below.max[j]!
      }
      up.min[k] = mn
      up.max[k] = mx
    }
    levels.push(up)
    below = up
  }
  return levels
}
