import { invalid, requireInteger } from './params'

/** librosa.feature.delta's parameters and defaults. */
export interface DeltaOptions {
  /** Frames in the Savitzky-Golay window: odd, >= 3, at most the number of frames. Default 9. */
  width?: number
  /** Derivative order (and the fitted polynomial's degree). Default 1. */
  order?: number
}

/** Solves the small dense system A x = b (Gaussian elimination, partial pivoting); A is n x n row-major. */
function solve(A: Float64Array, b: Float64Array): Float64Array {
  const n = b.length
  for (let c = 0; c < n; c++) {
    let p = c
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]!) > Math.abs(A[p * n + c]!)) p = r
    for (let k = 0; k < n; k++) [A[c * n + k], A[p * n + k]] = [A[p * n + k]!, A[c * n + k]!]
    ;[b[c], b[p]] = [b[p]!, b[c]!]
    for (let r = c + 1; r < n; r++) {
      const f = A[r * n + c]! / A[c * n + c]!
      for (let k = c; k < n; k++) A[r * n + k]! -= f * A[c * n + k]!
      b[r]! -= f * b[c]!
    }
  }
  const x = new Float64Array(n)
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!
    for (let k = r + 1; k < n; k++) s -= A[r * n + k]! * x[k]!
    x[r] = s / A[r * n + r]!
  }
  return x
}

/**
 * Weights g over a window of `width` samples such that sum_j g[j] x[j] is the deriv-th derivative,
 * at position `at` of the window, of the least-squares polynomial of degree `polyorder` through
 * the window. At the centre these are scipy.signal.savgol_coeffs (as a correlation); at the other
 * positions they are scipy's _fit_edge (np.polyfit, np.polyder, np.polyval) for mode='interp'.
 */
export function savgolWeights(width: number, polyorder: number, deriv: number, at: number): Float64Array {
  const half = (width - 1) / 2
  const n = polyorder + 1
  const gram = new Float64Array(n * n) // V^T V with V[j][k] = (j - half)^k, centred for conditioning
  for (let j = 0; j < width; j++) {
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) gram[r * n + c]! += (j - half) ** (r + c)
  }
  const u = at - half
  const rhs = new Float64Array(n) // d^deriv/du^deriv of u^k
  for (let k = deriv; k < n; k++) {
    let falling = 1
    for (let i = 0; i < deriv; i++) falling *= k - i
    rhs[k] = falling * u ** (k - deriv)
  }
  const z = solve(gram, rhs)
  const g = new Float64Array(width)
  for (let j = 0; j < width; j++) for (let k = 0; k < n; k++) g[j]! += (j - half) ** k * z[k]!
  return g
}

/**
 * librosa.feature.delta(data, width, order, axis=-1, mode='interp'), which is
 * scipy.signal.savgol_filter(data, width, polyorder=order, deriv=order, mode='interp') along time:
 * interior frames by the Savitzky-Golay filter, the first and last width // 2 frames from the
 * polynomial fitted to the first and last `width` frames. data is [row][frame], rows x cols.
 */
export function delta(
  data: Float32Array | Float64Array,
  rows: number,
  cols: number,
  options: DeltaOptions = {},
): Float32Array {
  const width = options.width ?? 9
  const order = options.order ?? 1
  if (width > cols) {
    throw invalid(
      `delta width=${width} cannot exceed the ${cols} frames; use a smaller odd width (>= 3) or a longer signal`,
    )
  }
  if (!Number.isInteger(width) || width < 3 || width % 2 !== 1) {
    throw invalid(`delta width must be an odd integer >= 3: got ${width}`)
  }
  requireInteger('delta order', order, 1)
  if (order >= width) throw invalid(`delta order must be less than width: got order=${order}, width=${width}`)
  if (data.length !== rows * cols) throw invalid(`data holds ${data.length} values, not rows*cols = ${rows * cols}`)

  const half = (width - 1) / 2
  const at = (position: number): Float64Array => savgolWeights(width, order, order, position)
  const centre = at(half)
  const edges = Array.from({ length: half }, (_, i) => [at(i), at(width - half + i)] as const)
  const out = new Float32Array(rows * cols)
  // Plain loops, each sum in the same order as a dot product from the window's first sample (no closures in the hot loop).
  const dot = (g: Float64Array, from: number): number => {
    let s = 0
    for (let j = 0; j < width; j++) s += g[j]! * data[from + j]!
    return s
  }
  for (let row = 0; row < rows * cols; row += cols) {
    for (let t = half, from = row; t < cols - half; t++, from++) {
      let s = 0
      for (let j = 0; j < width; j++) s += centre[j]! * data[from + j]!
      out[row + t] = s
    }
    for (let i = 0; i < half; i++) {
      out[row + i] = dot(edges[i]![0], row)
      out[row + cols - half + i] = dot(edges[i]![1], row + cols - width)
    }
  }
  return out
}
