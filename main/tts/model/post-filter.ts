import { overlapAddWeights, postFilterContext } from './voice-config'

/*
 * The MDNN's spectral post-filter (Sec. 4, after Chen et al. 2014), as data: at frame t the network sees the
 * synthetic frames t-1, t, t+1 side by side and writes estimates of the natural frames t-1, t, t+1. The
 * paper overlap-adds those segment outputs with weights 0.25, 0.5, 0.25 for the previous, current and next
 * frame: the final frame t is 0.25 x (segment t-1's estimate of t) + 0.5 x (segment t's) + 0.25 x
 * (segment t+1's). At the ends the missing segment's weight is left out and the rest rescaled to sum to 1;
 * inputs past the ends repeat the edge frame.
 */

/** Frame-major rows of `dims` to rows of 3 * dims: frames t-1, t, t+1 (edges repeated). */
export function segmentRows(rows: ArrayLike<number>, frames: number, dims: number): Float32Array {
  const out = new Float32Array(frames * dims * postFilterContext)
  for (let t = 0; t < frames; t++) {
    for (let k = 0; k < postFilterContext; k++) {
      const source = Math.min(frames - 1, Math.max(0, t + k - 1))
      for (let d = 0; d < dims; d++) out[(t * postFilterContext + k) * dims + d] = rows[source * dims + d]!
    }
  }
  return out
}

/** Segment outputs (rows of 3 * dims, slot 0 = frame t-1) overlap-added to frames of `dims`. */
export function overlapAdd(segments: ArrayLike<number>, frames: number, dims: number): Float32Array {
  const out = new Float32Array(frames * dims)
  for (let t = 0; t < frames; t++) {
    // Segment s = t + 1 - k estimates frame t in its slot k; its weight is the slot's.
    let total = 0
    for (let k = 0; k < postFilterContext; k++) {
      const s = t + 1 - k
      if (s < 0 || s >= frames) continue
      const w = overlapAddWeights[k]!
      total += w
      for (let d = 0; d < dims; d++) out[t * dims + d]! += w * segments[(s * postFilterContext + k) * dims + d]!
    }
    for (let d = 0; d < dims; d++) out[t * dims + d]! /= total
  }
  return out
}
