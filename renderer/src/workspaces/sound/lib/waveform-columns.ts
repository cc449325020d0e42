import type { PeakBlock } from './peaks'
import type { Viewport } from './viewport'

/**
 * One channel's waveform reduced to pixel columns: the lowest and highest sample under each column.
 * `rank` says which source filled a column (-1: none yet), so finer data replaces coarser data and
 * two tiles of the same level sharing a column are merged.
 */
export interface ColumnEnvelope {
  min: Float32Array
  max: Float32Array
  rank: Int8Array
}

export function emptyEnvelope(width: number): ColumnEnvelope {
  const columns = Math.max(0, Math.floor(width))
  return { min: new Float32Array(columns), max: new Float32Array(columns), rank: new Int8Array(columns).fill(-1) }
}

/** The buckets of `block` that overlap the view, as a half-open index range. */
function bucketsInView(block: PeakBlock, view: Viewport, width: number): [number, number] {
  const seconds = (block.end - block.start) / block.buckets
  if (!(seconds > 0)) return [0, 0]
  const end = view.start + width / view.pxPerSec
  const first = Math.max(0, Math.floor((view.start - block.start) / seconds))
  const last = Math.min(block.buckets, Math.ceil((end - block.start) / seconds))
  return [first, Math.max(first, last)]
}

/** Adds `block`'s channel to the envelope with priority `rank`. */
export function addToEnvelope(envelope: ColumnEnvelope, block: PeakBlock, channel: number, rank: number, view: Viewport): void {
  const lows = block.min[Math.min(channel, block.min.length - 1)]
  const highs = block.max[Math.min(channel, block.max.length - 1)]
  const width = envelope.min.length
  if (!lows || !highs || width === 0) return
  const seconds = (block.end - block.start) / block.buckets
  const [first, last] = bucketsInView(block, view, width)
  for (let b = first; b < last; b++) {
    const x0 = (block.start + b * seconds - view.start) * view.pxPerSec
    const x1 = x0 + seconds * view.pxPerSec
    const c0 = Math.max(0, Math.floor(x0))
    // A bucket narrower than a pixel touches one column; a wider one every column it spans.
    const c1 = Math.min(width, Math.max(c0 + 1, Math.ceil(x1)))
    const low = lows[b]!
    const high = highs[b]!
    for (let c = c0; c < c1; c++) {
      const current = envelope.rank[c]!
      if (current > rank) continue
      if (current < rank) {
        envelope.rank[c] = rank
        envelope.min[c] = low
        envelope.max[c] = high
      } else {
        if (low < envelope.min[c]!) envelope.min[c] = low
        if (high > envelope.max[c]!) envelope.max[c] = high
      }
    }
  }
}

/**
 * The samples of a one-frame-per-bucket block as points (x in CSS pixels, value) for the view, with
 * one point either side of it so that lines run to the edges.
 */
export function samplePoints(block: PeakBlock, channel: number, view: Viewport, width: number): { x: Float64Array; value: Float32Array } {
  const values = block.max[Math.min(channel, block.max.length - 1)]
  const seconds = (block.end - block.start) / block.buckets
  if (!values || !(seconds > 0)) return { x: new Float64Array(0), value: new Float32Array(0) }
  const [first, last] = bucketsInView(block, view, width)
  const from = Math.max(0, first - 1)
  const to = Math.min(block.buckets, last + 1)
  const count = Math.max(0, to - from)
  const x = new Float64Array(count)
  const value = new Float32Array(count)
  for (let i = 0; i < count; i++) {
    x[i] = (block.start + (from + i) * seconds - view.start) * view.pxPerSec
    value[i] = values[from + i]!
  }
  return { x, value }
}
