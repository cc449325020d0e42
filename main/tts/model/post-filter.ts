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
  if (frames === 0) return out
  // Whole-row copies: a segment's three slots are frames t-1, t, t+1 side by side, so away from the ends
  // segment t is rows t-1..t+1 in one piece.
  const source = rows instanceof Float32Array ? rows : Float32Array.from({ length: frames * dims }, (_, i) => rows[i]!)
  const row = (t: number): Float32Array => source.subarray(t * dims, (t + 1) * dims)
  const width = postFilterContext * dims
  for (let t = 0; t < frames; t++) {
    const at = t * width
    if (t > 0 && t < frames - 1) {
      out.set(source.subarray((t - 1) * dims, (t + 2) * dims), at)
      continue
    }
    out.set(row(Math.max(0, t - 1)), at)
    out.set(row(t), at + dims)
    out.set(row(Math.min(frames - 1, t + 1)), at + 2 * dims)
  }
  return out
}

/** Segment outputs (rows of 3 * dims, slot 0 = frame t-1) overlap-added to frames of `dims`. */
export function overlapAdd(segments: ArrayLike<number>, frames: number, dims: number): Float32Array {
  const out = new Float32Array(frames * dims)
  const width = postFilterContext * dims
  const [previous, current, next] = overlapAddWeights
  for (let t = 0; t < frames; t++) {
    // Segment s = t + 1 - k estimates frame t in its slot k; its weight is the slot's. The sum is taken in
    // slot order (k = 0, 1, 2) in Float32, as it always was, so the numbers are the same.
    const hasNext = t + 1 < frames
    const hasPrevious = t > 0
    const total = (hasNext ? previous : 0) + current + (hasPrevious ? next : 0)
    const a = (t + 1) * width // segment t + 1, slot 0
    const b = t * width + dims // segment t, slot 1
    const c = (t - 1) * width + 2 * dims // segment t - 1, slot 2
    const o = t * dims
    if (hasNext && hasPrevious) {
      for (let d = 0; d < dims; d++) out[o + d] = Math.fround(Math.fround(Math.fround(0 + previous * segments[a + d]!) + current * segments[b + d]!) + next * segments[c + d]!) / total
    } else {
      for (let d = 0; d < dims; d++) {
        let v = hasNext ? Math.fround(previous * segments[a + d]!) : 0
        v = Math.fround(v + current * segments[b + d]!)
        if (hasPrevious) v = Math.fround(v + next * segments[c + d]!)
        out[o + d] = v / total
      }
    }
  }
  return out
}
