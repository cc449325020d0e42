import { PerceptError } from '../../core/errors'
import { deltaWindows } from './delta-windows'

/*
 * Maximum-likelihood parameter generation (Tokuda et al., ICASSP 2000), the case without global variance,
 * one dimension at a time. The network gives, per frame t, means mu_t of the static, delta and delta-delta
 * features; with per-dimension variances sigma^2 (from the training data, as Zen et al. 2013), the static
 * trajectory c maximises N(W c; mu, U), so
 *     (W^T U^-1 W) c = W^T U^-1 mu,
 * W the 3T x T matrix of the delta windows (delta-windows.ts, edges repeated). Each window spans frames
 * t-1..t+1, so W^T U^-1 W is symmetric with two bands either side of the diagonal: solved by a banded
 * Cholesky (LDL^T) in O(T).
 */

/**
 * One dimension: `means` per frame [static, delta, delta-delta] (length 3T, frame-major) and the three
 * variances; returns the static trajectory (length T).
 */
export function mlpgDimension(means: ArrayLike<number>, variances: readonly [number, number, number]): Float64Array {
  const frames = means.length / 3
  if (!Number.isInteger(frames)) throw new PerceptError('VALIDATION', `MLPG takes 3 means per frame, got ${means.length} values.`)
  if (variances.some((v) => !(v > 0))) throw new PerceptError('VALIDATION', `MLPG needs positive variances, got ${variances.join(', ')}.`)
  // band[i * 3 + d] = A[i][i + d], d = 0, 1, 2.
  const band = new Float64Array(frames * 3)
  const rhs = new Float64Array(frames)
  const cols = [0, 0, 0]
  const coeffs = [0, 0, 0]
  for (let t = 0; t < frames; t++) {
    for (let k = 0; k < 3; k++) {
      const precision = 1 / variances[k]!
      const mu = means[t * 3 + k]!
      // The window's row of W, edges folded onto the end frames (so a row may have fewer columns).
      let n = 0
      for (let j = -1; j <= 1; j++) {
        const w = deltaWindows[k]![j + 1]!
        if (w === 0) continue
        const col = Math.min(frames - 1, Math.max(0, t + j))
        const at = cols.indexOf(col, 0)
        if (at >= 0 && at < n) coeffs[at]! += w
        else (cols[n] = col), (coeffs[n] = w), n++
      }
      for (let a = 0; a < n; a++) {
        rhs[cols[a]!]! += precision * coeffs[a]! * mu
        for (let b = 0; b < n; b++) {
          const d = cols[b]! - cols[a]!
          if (d >= 0) band[cols[a]! * 3 + d]! += precision * coeffs[a]! * coeffs[b]!
        }
      }
    }
  }
  return solveBanded(band, rhs)
}

/** Solves A x = b for symmetric positive-definite A with two off-diagonal bands (LDL^T, in place on copies). */
export function solveBanded(band: Float64Array, rhs: Float64Array): Float64Array {
  const n = rhs.length
  const d = new Float64Array(n)
  const l1 = new Float64Array(n) // L[i][i-1]
  const l2 = new Float64Array(n) // L[i][i-2]
  for (let i = 0; i < n; i++) {
    const a0 = band[i * 3]!
    const a1 = i >= 1 ? band[(i - 1) * 3 + 1]! : 0 // A[i][i-1]
    const a2 = i >= 2 ? band[(i - 2) * 3 + 2]! : 0 // A[i][i-2]
    l2[i] = i >= 2 ? a2 / d[i - 2]! : 0
    l1[i] = i >= 1 ? (a1 - (i >= 2 ? l2[i]! * l1[i - 1]! * d[i - 2]! : 0)) / d[i - 1]! : 0
    d[i] = a0 - l1[i]! * l1[i]! * (i >= 1 ? d[i - 1]! : 0) - l2[i]! * l2[i]! * (i >= 2 ? d[i - 2]! : 0)
    if (!(d[i]! > 0)) throw new PerceptError('INTERNAL', `MLPG's matrix is not positive definite at frame ${i}.`)
  }
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) y[i] = rhs[i]! - (i >= 1 ? l1[i]! * y[i - 1]! : 0) - (i >= 2 ? l2[i]! * y[i - 2]! : 0)
  const x = new Float64Array(n)
  for (let i = n - 1; i >= 0; i--) x[i] = y[i]! / d[i]! - (i + 1 < n ? l1[i + 1]! * x[i + 1]! : 0) - (i + 2 < n ? l2[i + 2]! * x[i + 2]! : 0)
  return x
}

/** Row t of the window matrix W_k, edges folded: up to 3 (column, coefficient) pairs per frame and window. */
interface FoldedWindows {
  cols: Int32Array
  coeffs: Float64Array
  counts: Uint8Array
  /** W_k^T W_k as bands (frames x 3, band[i * 3 + d] = A[i][i + d]) per window k. */
  bands: Float64Array[]
}

function foldedWindows(frames: number): FoldedWindows {
  const cols = new Int32Array(frames * 9)
  const coeffs = new Float64Array(frames * 9)
  const counts = new Uint8Array(frames * 3)
  const bands = [0, 1, 2].map(() => new Float64Array(frames * 3))
  for (let t = 0; t < frames; t++) {
    for (let k = 0; k < 3; k++) {
      const at = (t * 3 + k) * 3
      let n = 0
      for (let j = -1; j <= 1; j++) {
        const w = deltaWindows[k]![j + 1]!
        if (w === 0) continue
        const col = Math.min(frames - 1, Math.max(0, t + j))
        let found = -1
        for (let a = 0; a < n; a++) if (cols[at + a] === col) found = a
        if (found >= 0) coeffs[at + found]! += w
        else (cols[at + n] = col), (coeffs[at + n] = w), n++
      }
      counts[t * 3 + k] = n
      const band = bands[k]!
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          const d = cols[at + b]! - cols[at + a]!
          if (d >= 0) band[cols[at + a]! * 3 + d]! += coeffs[at + a]! * coeffs[at + b]!
        }
      }
    }
  }
  return { cols, coeffs, counts, bands }
}

/**
 * Every dimension of a frame-major matrix laid out as statics | deltas | delta-deltas (`dims` each, as
 * appendDynamics writes them) to the statics (frames x dims); `variances` has 3 * dims entries in that layout.
 * The same solution as mlpgDimension per dimension, with what does not depend on the dimension (the folded
 * windows and each W_k^T W_k) built once: per dimension A = sum_k W_k^T W_k / sigma_k^2 is 9 T additions.
 * Every dimension is solved at once, frame by frame with the dimensions innermost, so the rows are read in
 * order (one dimension at a time strode through them, the cost of this function); each dimension's
 * arithmetic, and so its result, is exactly solveBanded's.
 */
export function mlpg(rows: ArrayLike<number>, frames: number, dims: number, variances: ArrayLike<number>): Float64Array {
  const out = new Float64Array(frames * dims)
  if (frames === 0) return out
  const { cols, coeffs, counts, bands } = foldedWindows(frames)
  const precision = new Float64Array(3 * dims)
  for (let d = 0; d < dims; d++) {
    for (let k = 0; k < 3; k++) precision[k * dims + d] = 1 / variances[k * dims + d]!
    if ([0, 1, 2].some((k) => !(precision[k * dims + d]! > 0 && Number.isFinite(precision[k * dims + d]!)))) {
      throw new PerceptError('VALIDATION', `MLPG needs positive variances; dimension ${d} has ${variances[d]}, ${variances[dims + d]}, ${variances[2 * dims + d]}.`)
    }
  }
  const [b0, b1, b2] = bands as [Float64Array, Float64Array, Float64Array]
  // band[(i * 3 + o) * dims + d] = A_d[i][i + o]; rhs[t * dims + d].
  const band = new Float64Array(frames * 3 * dims)
  for (let i = 0; i < frames * 3; i++) {
    for (let d = 0, at = i * dims; d < dims; d++, at++) band[at] = precision[d]! * b0[i]! + precision[dims + d]! * b1[i]! + precision[2 * dims + d]! * b2[i]!
  }
  const rhs = new Float64Array(frames * dims)
  for (let t = 0; t < frames; t++) {
    for (let k = 0; k < 3; k++) {
      const at = (t * 3 + k) * 3
      const row = t * dims * 3 + k * dims
      for (let a = 0; a < counts[t * 3 + k]!; a++) {
        const col = cols[at + a]! * dims
        const coeff = coeffs[at + a]!
        for (let d = 0; d < dims; d++) rhs[col + d]! += coeff * (precision[k * dims + d]! * rows[row + d]!)
      }
    }
  }
  // solveBanded's LDL^T, every dimension at once.
  const diag = new Float64Array(frames * dims)
  const l1 = new Float64Array(frames * dims)
  const l2 = new Float64Array(frames * dims)
  for (let i = 0; i < frames; i++) {
    for (let d = 0; d < dims; d++) {
      const here = i * dims + d
      const a0 = band[i * 3 * dims + d]!
      const a1 = i >= 1 ? band[((i - 1) * 3 + 1) * dims + d]! : 0
      const a2 = i >= 2 ? band[((i - 2) * 3 + 2) * dims + d]! : 0
      l2[here] = i >= 2 ? a2 / diag[here - 2 * dims]! : 0
      l1[here] = i >= 1 ? (a1 - (i >= 2 ? l2[here]! * l1[here - dims]! * diag[here - 2 * dims]! : 0)) / diag[here - dims]! : 0
      diag[here] = a0 - l1[here]! * l1[here]! * (i >= 1 ? diag[here - dims]! : 0) - l2[here]! * l2[here]! * (i >= 2 ? diag[here - 2 * dims]! : 0)
      if (!(diag[here]! > 0)) throw new PerceptError('INTERNAL', `MLPG's matrix is not positive definite at frame ${i}.`)
    }
  }
  const y = new Float64Array(frames * dims)
  for (let i = 0; i < frames; i++) {
    for (let d = 0; d < dims; d++) {
      const here = i * dims + d
      y[here] = rhs[here]! - (i >= 1 ? l1[here]! * y[here - dims]! : 0) - (i >= 2 ? l2[here]! * y[here - 2 * dims]! : 0)
    }
  }
  for (let i = frames - 1; i >= 0; i--) {
    for (let d = 0; d < dims; d++) {
      const here = i * dims + d
      out[here] = y[here]! / diag[here]! - (i + 1 < frames ? l1[here + dims]! * out[here + dims]! : 0) - (i + 2 < frames ? l2[here + 2 * dims]! * out[here + 2 * dims]! : 0)
    }
  }
  return out
}
