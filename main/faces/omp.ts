import { axpy, backSubstitute, column, dot, norm, type Matrix } from './linear-algebra'

/** What orthogonal matching pursuit found for one signal. */
export interface OmpResult {
  /** Chosen atoms (column indices of the dictionary), in the order they were chosen. */
  support: number[]
  /** One coefficient per atom of the dictionary: zero off the support. */
  coefficients: Float64Array
  /** ||y - D x||_2 for the final coefficients. */
  residualNorm: number
}

/** Below this fraction of its own norm an atom is taken as lying in the span already chosen. */
const DEPENDENT_TOL = 1e-10

/**
 * Orthogonal matching pursuit (Pati, Rezaiifar and Krishnaprasad 1993; the sparse coder of K-SVD,
 * Aharon, Elad and Bruckstein 2006): up to `sparsity` times, pick the atom most correlated with the
 * residual (largest |d_j^T r|; ties go to the lower index), then refit y by least squares on every
 * atom picked so far. The atoms are the dictionary's columns and are expected to have unit length
 * (the caller normalises them); the selection rule is only meaningful then.
 *
 * The least-squares refit keeps an orthonormal basis Q of the chosen atoms (Gram-Schmidt, twice) and
 * the triangular R with D_S = Q R, so each step costs O(dim * |S|) and the residual is y - Q Q^T y.
 * It stops early when the residual is zero (to rounding) or when no atom adds a new direction.
 */
export function orthogonalMatchingPursuit(dictionary: Matrix, signal: ArrayLike<number>, sparsity: number): OmpResult {
  const { rows, cols } = dictionary
  if (signal.length !== rows) throw new Error(`the signal has ${signal.length} values, the atoms ${rows}`)
  const y = Float64Array.from(signal)
  const yNorm = norm(y)
  const residual = Float64Array.from(y)
  const support: number[] = []
  const basis: Float64Array[] = []
  // R kept column by column: rColumns[k][i] = q_i^T d_{support[k]}.
  const rColumns: Float64Array[] = []
  const qty: number[] = []
  const used = new Uint8Array(cols)
  const limit = Math.min(sparsity, cols, rows)
  while (support.length < limit && norm(residual) > 1e-12 * Math.max(yNorm, 1e-300)) {
    let best = -1
    let bestCorrelation = -1
    for (let j = 0; j < cols; j++) {
      if (used[j]) continue
      const c = Math.abs(dot(column(dictionary, j), residual))
      if (c > bestCorrelation) {
        bestCorrelation = c
        best = j
      }
    }
    if (best < 0 || bestCorrelation === 0) break
    used[best] = 1
    const atom = column(dictionary, best)
    const v = Float64Array.from(atom)
    const r = new Float64Array(limit)
    for (let pass = 0; pass < 2; pass++) {
      basis.forEach((q, i) => {
        const c = dot(q, v)
        r[i]! += c
        axpy(-c, q, v)
      })
    }
    const rest = norm(v)
    // An atom already in the span cannot lower the residual: skip it and try the next best.
    if (rest <= DEPENDENT_TOL * norm(atom)) continue
    for (let i = 0; i < rows; i++) v[i]! /= rest
    r[basis.length] = rest
    basis.push(v)
    rColumns.push(r)
    support.push(best)
    const c = dot(v, y)
    qty.push(c)
    axpy(-c, v, residual)
  }
  const k = support.length
  const rMatrix = { rows: k, cols: k, data: new Float64Array(k * k) }
  rColumns.forEach((c, j) => rMatrix.data.set(c.subarray(0, k), j * k))
  const x = backSubstitute(rMatrix, qty)
  const coefficients = new Float64Array(cols)
  support.forEach((atom, i) => (coefficients[atom] = x[i]!))
  // The residual from the coefficients themselves, so the reported norm is what D x leaves.
  const fit = Float64Array.from(y)
  support.forEach((atom) => axpy(-coefficients[atom]!, column(dictionary, atom), fit))
  return { support, coefficients, residualNorm: norm(fit) }
}
