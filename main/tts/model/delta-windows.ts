/*
 * Dynamic features as HTS computes them: per dimension, the static value, its delta with the window
 * [-0.5, 0, 0.5] and its delta-delta with [1, -2, 1], each centred on the frame. Past the sequence's ends the
 * edge frame repeats (x[-1] = x[0], x[T] = x[T-1]), in the features and in MLPG's window matrix alike, so
 * generation inverts exactly what training saw.
 */

/** The three windows, each over frames t-1, t, t+1. */
export const deltaWindows: readonly (readonly [number, number, number])[] = [
  [0, 1, 0],
  [-0.5, 0, 0.5],
  [1, -2, 1],
]

/**
 * `frames` rows of `dims` values (row-major) to rows of 3 * dims: statics, then deltas, then delta-deltas.
 */
export function appendDynamics(statics: ArrayLike<number>, frames: number, dims: number): Float32Array {
  const out = new Float32Array(frames * dims * 3)
  for (let t = 0; t < frames; t++) {
    const prev = Math.max(0, t - 1)
    const next = Math.min(frames - 1, t + 1)
    for (let d = 0; d < dims; d++) {
      const a = statics[prev * dims + d]!
      const b = statics[t * dims + d]!
      const c = statics[next * dims + d]!
      deltaWindows.forEach((w, k) => (out[t * dims * 3 + k * dims + d] = w[0] * a + w[1] * b + w[2] * c))
    }
  }
  return out
}
