import type { Viewport } from './viewport'

/**
 * Min/max peaks of a stretch of a sound, as `res/audio/<id>/peaks` answers them: per channel, the
 * minimum and maximum sample of each of `buckets` equal slices of start..end.
 */
export interface PeakBlock {
  start: number
  end: number
  buckets: number
  min: Float32Array[]
  max: Float32Array[]
}

/** Buckets per tile: a tile is about 1000 pixels wide at the zoom it was made for. */
export const tileBuckets = 1024

/**
 * Reads the little-endian float32 body: per channel N minima then N maxima. Throws when the length
 * does not fit whole channels.
 */
export function parsePeaks(body: ArrayBuffer, start: number, end: number, buckets: number): PeakBlock {
  const floats = body.byteLength / 4
  const channels = buckets > 0 ? floats / (2 * buckets) : 0
  if (!Number.isInteger(channels) || channels < 1) {
    throw new Error(`A peaks answer of ${body.byteLength} bytes does not hold ${buckets} buckets per channel.`)
  }
  const view = new DataView(body)
  const min: Float32Array[] = []
  const max: Float32Array[] = []
  for (let channel = 0; channel < channels; channel++) {
    const lows = new Float32Array(buckets)
    const highs = new Float32Array(buckets)
    const base = channel * 2 * buckets * 4
    for (let i = 0; i < buckets; i++) {
      lows[i] = view.getFloat32(base + i * 4, true)
      highs[i] = view.getFloat32(base + (buckets + i) * 4, true)
    }
    min.push(lows)
    max.push(highs)
  }
  return { start, end, buckets, min, max }
}

/**
 * The tile level for a zoom: tiles at level k hold 2^k frames per bucket, the largest power of two
 * that is at most one pixel's worth of frames, so a pixel column never needs data finer than its tile.
 */
export function peakLevel(pxPerSec: number, sampleRate: number): number {
  const framesPerPx = sampleRate / pxPerSec
  return framesPerPx < 2 ? 0 : Math.floor(Math.log2(framesPerPx))
}

export interface TileSpan {
  /** Seconds the tile covers: frames first..last over the sample rate. */
  start: number
  end: number
  buckets: number
  /**
   * The `start` to ask for: a quarter frame late, so that the core's floor(start × rate) lands on the
   * first frame even when the division rounded down.
   */
  requestStart: number
}

/** The stretch a tile covers and the request that fetches it; null past the end of the sound. */
export function tileSpan(level: number, index: number, sampleRate: number, frames: number): TileSpan | null {
  const perBucket = 2 ** level
  const first = index * tileBuckets * perBucket
  if (index < 0 || first >= frames) return null
  const last = Math.min(frames, first + tileBuckets * perBucket)
  return {
    start: first / sampleRate,
    end: last / sampleRate,
    buckets: Math.max(1, Math.ceil((last - first) / perBucket)),
    requestStart: (first + 0.25) / sampleRate,
  }
}

/** The indices of the level's tiles that the view shows. */
export function tilesInView(view: Viewport, width: number, level: number, sampleRate: number, frames: number): number[] {
  const tileSeconds = (tileBuckets * 2 ** level) / sampleRate
  const end = Math.min(view.start + Math.max(1, width) / view.pxPerSec, frames / sampleRate)
  const first = Math.max(0, Math.floor(view.start / tileSeconds))
  const last = Math.max(first, Math.ceil(end / tileSeconds) - 1)
  const indices: number[] = []
  for (let i = first; i <= last; i++) if (tileSpan(level, i, sampleRate, frames)) indices.push(i)
  return indices
}
