import { seededRandom } from '../compute/seeded-random'
import { axpy, column, dot, fromColumns, gram, norm, symmetricEigen, zeros, type Matrix } from './linear-algebra'
import { orthogonalMatchingPursuit } from './omp'

export interface KsvdOptions {
  /** K, the number of atoms; at most the number of training columns (an atom needs examples to learn from). */
  atoms: number
  /** T0 of equation 5: the most atoms any training column may use. */
  sparsity: number
  /** Rounds of sparse coding + dictionary update (fixed: the paper gives no stopping rule). */
  iterations: number
  /** Seed of the initial choice of training columns. */
  seed: number
}

export interface KsvdResult {
  /** D_i: dim x K, unit-length atoms. */
  dictionary: Matrix
  /** Γ_i: K x m, at most T0 non-zeros per column. */
  codes: Matrix
  /** ||X - D Γ||_F after each iteration. */
  errors: number[]
}

/**
 * K-SVD (Aharon, Elad and Bruckstein 2006), the solver the paper names for equation 5:
 * min ||X - D Γ||_F^2 subject to ||γ_k||_0 <= T0 for every column.
 *
 * Start: K distinct training columns chosen by a seeded shuffle, scaled to unit length (columns of zero
 * norm are passed over; should fewer than K usable columns remain, the atoms are seeded unit vectors).
 * Then, `iterations` times:
 *  1. sparse coding: every column coded by OMP with T0 atoms;
 *  2. for each atom k in turn: ω_k = the columns whose code uses atom k; the error without atom k,
 *     E_k = X_ω - Σ_{j≠k} d_j Γ_j(ω), is replaced by its best rank-1 approximation σ u v^T:
 *     d_k = u, Γ_k(ω) = σ v (codes already updated for earlier atoms are used, as in the paper's
 *     Gauss-Seidel sweep). u and v come from the leading eigenpair of the smaller of E^T E and E E^T;
 *     the sign of u is chosen so that u^T d_k(old) >= 0 (the SVD leaves it free). An atom no column uses
 *     is replaced by the worst-represented training column, normalised (the paper's remedy).
 */
export function ksvd(x: Matrix, options: KsvdOptions): KsvdResult {
  const { atoms: k, sparsity, iterations, seed } = options
  const m = x.cols
  if (!(k >= 1 && k <= m)) throw new Error(`K-SVD needs 1 to ${m} atoms (the number of training columns), got ${k}`)
  const dictionary = initialDictionary(x, k, seed)
  let codes = zeros(k, m)
  const errors: number[] = []
  for (let it = 0; it < iterations; it++) {
    codes = sparseCode(dictionary, x, sparsity)
    for (let atom = 0; atom < k; atom++) updateAtom(x, dictionary, codes, atom)
    errors.push(representationError(x, dictionary, codes))
  }
  return { dictionary, codes, errors }
}

/** Γ: each column of X coded by OMP on D with at most T0 atoms. */
export function sparseCode(dictionary: Matrix, x: Matrix, sparsity: number): Matrix {
  const codes = zeros(dictionary.cols, x.cols)
  for (let j = 0; j < x.cols; j++) column(codes, j).set(orthogonalMatchingPursuit(dictionary, column(x, j), sparsity).coefficients)
  return codes
}

/** ||X - D Γ||_F. */
export function representationError(x: Matrix, dictionary: Matrix, codes: Matrix): number {
  let total = 0
  for (let j = 0; j < x.cols; j++) {
    const r = residualOf(x, dictionary, codes, j)
    total += dot(r, r)
  }
  return Math.sqrt(total)
}

function residualOf(x: Matrix, dictionary: Matrix, codes: Matrix, j: number, skipAtom = -1): Float64Array {
  const r = Float64Array.from(column(x, j))
  const g = column(codes, j)
  for (let a = 0; a < dictionary.cols; a++) if (a !== skipAtom && g[a] !== 0) axpy(-g[a]!, column(dictionary, a), r)
  return r
}

function initialDictionary(x: Matrix, k: number, seed: number): Matrix {
  const random = seededRandom(seed)
  const order = Array.from({ length: x.cols }, (_, i) => i)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  const chosen: Float64Array[] = []
  for (const j of order) {
    if (chosen.length === k) break
    const c = column(x, j)
    const n = norm(c)
    if (n > 0) chosen.push(Float64Array.from(c, (v) => v / n))
  }
  while (chosen.length < k) {
    const v = Float64Array.from({ length: x.rows }, () => random() - 0.5)
    const n = norm(v)
    chosen.push(v.map((e) => e / n))
  }
  return fromColumns(chosen, x.rows)
}

function updateAtom(x: Matrix, dictionary: Matrix, codes: Matrix, atom: number): void {
  const omega: number[] = []
  for (let j = 0; j < x.cols; j++) if (codes.data[j * codes.rows + atom] !== 0) omega.push(j)
  const d = column(dictionary, atom)
  if (omega.length === 0) {
    let worst = -1
    let worstError = -1
    for (let j = 0; j < x.cols; j++) {
      const e = norm(residualOf(x, dictionary, codes, j))
      if (e > worstError) {
        worstError = e
        worst = j
      }
    }
    const c = column(x, worst)
    const n = norm(c)
    if (n > 0) d.set(c.map((v) => v / n))
    return
  }
  const e = fromColumns(omega.map((j) => residualOf(x, dictionary, codes, j, atom)), x.rows)
  const { u, sigma, v } = leadingSingularTriplet(e)
  if (sigma === 0) return
  const sign = dot(u, d) < 0 ? -1 : 1
  d.set(u.map((value) => sign * value))
  omega.forEach((j, i) => (codes.data[j * codes.rows + atom] = sign * sigma * v[i]!))
}

/** σ1, u1, v1 of E via the leading eigenpair of E^T E (if E has fewer columns) or of E E^T. */
export function leadingSingularTriplet(e: Matrix): { u: Float64Array; sigma: number; v: Float64Array } {
  if (e.cols <= e.rows) {
    const { values, vectors } = symmetricEigen(gram(e))
    const sigma = Math.sqrt(Math.max(values[0]!, 0))
    const v = Float64Array.from(column(vectors, 0))
    const u = new Float64Array(e.rows)
    for (let j = 0; j < e.cols; j++) axpy(v[j]!, column(e, j), u)
    if (sigma > 0) for (let i = 0; i < u.length; i++) u[i]! /= sigma
    return { u, sigma, v }
  }
  // E E^T, accumulated column by column.
  const outer = zeros(e.rows, e.rows)
  for (let j = 0; j < e.cols; j++) {
    const c = column(e, j)
    for (let a = 0; a < e.rows; a++) for (let b = 0; b < e.rows; b++) outer.data[b * e.rows + a]! += c[a]! * c[b]!
  }
  const { values, vectors } = symmetricEigen(outer)
  const sigma = Math.sqrt(Math.max(values[0]!, 0))
  const u = Float64Array.from(column(vectors, 0))
  const v = new Float64Array(e.cols)
  for (let j = 0; j < e.cols; j++) v[j] = sigma > 0 ? dot(column(e, j), u) / sigma : 0
  return { u, sigma, v }
}
