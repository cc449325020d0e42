import { backSubstitute, column, norm, qr, transposeTimes, times, type Matrix } from './linear-algebra'

/**
 * The orthogonal projector onto the span of a dictionary's atoms, P = D (D^T D)^{-1} D^T (equations
 * 6 to 8 of Shekhar, Patel and Chellappa 2011), held as an orthonormal basis Q of that span so that
 * P y = Q Q^T y: forming D^T D would square the condition number, and it has no inverse at all when
 * the atoms are dependent. Q comes from Gram-Schmidt QR with reorthogonalisation; an atom lying in the
 * span of the earlier ones is left out (its coefficient is 0), which is the rank-deficient case.
 */
export interface Projector {
  /** Orthonormal basis of span(D): dim x rank. */
  q: Matrix
  /** D[:, independent] = Q R. */
  r: Matrix
  independent: number[]
  atoms: number
}

export function projectorOf(dictionary: Matrix): Projector {
  const { q, r, independent } = qr(dictionary)
  return { q, r, independent, atoms: dictionary.cols }
}

export interface Projection {
  /** ŷ = P y (equation 6). */
  reconstruction: Float64Array
  /** ||(I - P) y||_2 (equation 7). */
  residualNorm: number
  /**
   * α of equation 8, one per atom: the least-squares coefficients on the independent atoms, 0 on atoms
   * that lie in the span of earlier ones (one of the many solutions when D^T D is singular).
   */
  coefficients: Float64Array
}

export function project(projector: Projector, y: ArrayLike<number>): Projection {
  const { q, r, independent, atoms } = projector
  if (y.length !== q.rows) throw new Error(`the probe has ${y.length} values, the dictionary's atoms ${q.rows}`)
  const qty = transposeTimes(q, y)
  const reconstruction = times(q, qty)
  const rest = new Float64Array(y.length)
  for (let i = 0; i < y.length; i++) rest[i] = y[i]! - reconstruction[i]!
  const coefficients = new Float64Array(atoms)
  const x = backSubstitute(r, qty)
  independent.forEach((atom, i) => (coefficients[atom] = x[i]!))
  return { reconstruction, residualNorm: norm(rest), coefficients }
}

/**
 * ||(I - P) y||_2 alone, the quantity identification ranks by: by Pythagoras ||y||^2 - ||Q^T y||^2,
 * evaluated as the norm of the difference when that would cancel badly (a probe nearly in the span).
 */
export function projectionResidualNorm(projector: Projector, y: ArrayLike<number>): number {
  const { q } = projector
  let yy = 0
  for (let i = 0; i < y.length; i++) yy += y[i]! * y[i]!
  let inSpan = 0
  for (let j = 0; j < q.cols; j++) {
    const qj = column(q, j)
    let c = 0
    for (let i = 0; i < qj.length; i++) c += qj[i]! * y[i]!
    inSpan += c * c
  }
  const left = yy - inSpan
  if (left > 1e-6 * yy) return Math.sqrt(left)
  return project(projector, y).residualNorm
}

/** ||(I - P) y|| for a dictionary given directly (the `percept faces residual` command). */
export function projectionResidual(dictionary: Matrix, y: ArrayLike<number>): Projection {
  return project(projectorOf(dictionary), y)
}
