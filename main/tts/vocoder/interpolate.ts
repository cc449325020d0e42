/*
 * Linear interpolation as WORLD uses it (its interp1 and interp1Q, MATLAB's namesakes): outside the
 * knots the first or last segment is extended, which the F0 and smoothing code relies on near the edges.
 */

/** y(xi) for knots x (increasing, two or more), into `out`. */
export function interp1(x: ArrayLike<number>, y: ArrayLike<number>, xi: ArrayLike<number>, out = new Float64Array(xi.length)): Float64Array {
  const n = x.length
  let k = 0
  for (let i = 0; i < xi.length; i++) {
    const v = xi[i]!
    // xi is usually increasing: walk k forward, but restart if it is not.
    if (k > 0 && v < x[k]!) k = 0
    while (k < n - 2 && v >= x[k + 1]!) k++
    const x0 = x[k]!
    const x1 = x[k + 1]!
    out[i] = y[k]! + ((v - x0) / (x1 - x0)) * (y[k + 1]! - y[k]!)
  }
  return out
}

/**
 * y sampled on the uniform grid x_j = origin + j * step (step may be negative) read at xi, into `out`:
 * WORLD's interp1Q, with the same extension of the end segments.
 */
export function interpUniform(origin: number, step: number, y: ArrayLike<number>, xi: ArrayLike<number>, out = new Float64Array(xi.length)): Float64Array {
  const last = y.length - 1
  for (let i = 0; i < xi.length; i++) {
    const position = (xi[i]! - origin) / step
    const base = Math.min(Math.max(Math.floor(position), 0), last - 1)
    const fraction = position - base
    out[i] = y[base]! + (y[base + 1]! - y[base]!) * fraction
  }
  return out
}

/** MATLAB's round: halves away from zero. */
export const matlabRound = (x: number): number => (x > 0 ? Math.floor(x + 0.5) : -Math.floor(-x + 0.5))
