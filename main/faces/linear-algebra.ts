/**
 * Small dense linear algebra on Float64Array for the face domain: matrices are column-major, because
 * every matrix here is a set of column vectors (images, features, atoms) and a column must be a
 * contiguous view. Sizes are small (at most a few hundred rows), so plain loops beat any binding.
 */

/** A rows x cols matrix stored column by column: element (i, j) is data[j * rows + i]. */
export interface Matrix {
  rows: number
  cols: number
  data: Float64Array
}

export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) }
}

/** Column j as a view (writes go through to the matrix). */
export function column(m: Matrix, j: number): Float64Array {
  return m.data.subarray(j * m.rows, (j + 1) * m.rows)
}

/** A matrix whose columns are copies of `columns` (all the same length). */
export function fromColumns(columns: ArrayLike<number>[], rows = columns[0]?.length ?? 0): Matrix {
  const m = zeros(rows, columns.length)
  columns.forEach((c, j) => {
    if (c.length !== rows) throw new Error(`column ${j} has ${c.length} values, expected ${rows}`)
    m.data.set(c, j * rows)
  })
  return m
}

/** A matrix from a row-major array (as .npy files and numpy print them). */
export function fromRowMajor(values: ArrayLike<number>, rows: number, cols: number): Matrix {
  const m = zeros(rows, cols)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) m.data[j * rows + i] = values[i * cols + j]!
  return m
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

export function norm(a: ArrayLike<number>): number {
  return Math.sqrt(dot(a, a))
}

/** y += alpha * x, in place. */
export function axpy(alpha: number, x: ArrayLike<number>, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i]! += alpha * x[i]!
}

/** M^T v (one value per column). */
export function transposeTimes(m: Matrix, v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(m.cols)
  for (let j = 0; j < m.cols; j++) out[j] = dot(column(m, j), v)
  return out
}

/** M c. */
export function times(m: Matrix, c: ArrayLike<number>): Float64Array {
  const out = new Float64Array(m.rows)
  for (let j = 0; j < m.cols; j++) if (c[j] !== 0) axpy(c[j]!, column(m, j), out)
  return out
}

/** A^T A (cols x cols, symmetric). */
export function gram(a: Matrix): Matrix {
  const g = zeros(a.cols, a.cols)
  for (let i = 0; i < a.cols; i++) {
    const ci = column(a, i)
    for (let j = i; j < a.cols; j++) {
      const v = dot(ci, column(a, j))
      g.data[j * a.cols + i] = v
      g.data[i * a.cols + j] = v
    }
  }
  return g
}

/**
 * Q R factorisation of the columns of A by modified Gram-Schmidt, each column orthogonalised twice
 * ("twice is enough", Giraud et al. 2005) so Q stays orthonormal to rounding even for nearly dependent
 * columns. A column whose remaining norm falls below `relTol` times its own norm (or is zero) lies in
 * the span of the earlier ones: it is left out of Q (`independent` lists the columns kept), which is
 * how rank deficiency is handled. R is rank x rank, upper triangular, for the kept columns only:
 * A[:, independent] = Q R.
 */
export function qr(a: Matrix, relTol = 1e-10): { q: Matrix; r: Matrix; independent: number[] } {
  const basis: Float64Array[] = []
  const rCols: Float64Array[] = []
  const independent: number[] = []
  for (let j = 0; j < a.cols; j++) {
    const v = Float64Array.from(column(a, j))
    const original = norm(v)
    const coeffs = new Float64Array(a.cols)
    for (let pass = 0; pass < 2; pass++) {
      basis.forEach((qk, k) => {
        const c = dot(qk, v)
        coeffs[k]! += c
        axpy(-c, qk, v)
      })
    }
    const rest = norm(v)
    if (original === 0 || rest <= relTol * original) continue
    for (let i = 0; i < v.length; i++) v[i]! /= rest
    coeffs[basis.length] = rest
    basis.push(v)
    rCols.push(coeffs)
    independent.push(j)
  }
  const rank = basis.length
  const r = zeros(rank, rank)
  rCols.forEach((c, j) => r.data.set(c.subarray(0, rank), j * rank))
  return { q: fromColumns(basis, a.rows), r, independent }
}

/** Solves R x = b for upper-triangular R (square, non-singular). */
export function backSubstitute(r: Matrix, b: ArrayLike<number>): Float64Array {
  const n = r.cols
  const x = new Float64Array(n)
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!
    for (let j = i + 1; j < n; j++) s -= r.data[j * n + i]! * x[j]!
    x[i] = s / r.data[i * n + i]!
  }
  return x
}

/**
 * Eigenvalues and eigenvectors of a symmetric n x n matrix: Householder reduction to tridiagonal form
 * then the implicit QL algorithm (tred2 and tql2 of EISPACK, as in JAMA, public domain). Values come
 * sorted descending, vectors as the matching columns of `vectors` (unit length; each sign made so its
 * largest-magnitude entry is positive, for repeatable output).
 */
export function symmetricEigen(a: Matrix): { values: Float64Array; vectors: Matrix } {
  const n = a.rows
  if (a.cols !== n) throw new Error('symmetricEigen needs a square matrix')
  // V[i][j] in row-major work arrays, as the reference code reads.
  const V: Float64Array[] = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, j) => a.data[j * n + i]!))
  const d = new Float64Array(n)
  const e = new Float64Array(n)
  tred2(V, d, e, n)
  tql2(V, d, e, n)
  const order = Array.from(d.keys()).sort((x, y) => d[y]! - d[x]!)
  const values = Float64Array.from(order, (k) => d[k]!)
  const vectors = zeros(n, n)
  order.forEach((k, col) => {
    const c = column(vectors, col)
    let big = 0
    for (let i = 0; i < n; i++) {
      c[i] = V[i]![k]!
      if (Math.abs(c[i]!) > Math.abs(big)) big = c[i]!
    }
    if (big < 0) for (let i = 0; i < n; i++) c[i] = -c[i]!
  })
  return { values, vectors }
}

function tred2(V: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = V[n - 1]![j]!
  for (let i = n - 1; i > 0; i--) {
    let scale = 0
    let h = 0
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!)
    if (scale === 0) {
      e[i] = d[i - 1]!
      for (let j = 0; j < i; j++) {
        d[j] = V[i - 1]![j]!
        V[i]![j] = 0
        V[j]![i] = 0
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale
        h += d[k]! * d[k]!
      }
      let f = d[i - 1]!
      let g = Math.sqrt(h)
      if (f > 0) g = -g
      e[i] = scale * g
      h -= f * g
      d[i - 1] = f - g
      for (let j = 0; j < i; j++) e[j] = 0
      for (let j = 0; j < i; j++) {
        f = d[j]!
        V[j]![i] = f
        g = e[j]! + V[j]![j]! * f
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[k]![j]! * d[k]!
          e[k]! += V[k]![j]! * f
        }
        e[j] = g
      }
      f = 0
      for (let j = 0; j < i; j++) {
        e[j]! /= h
        f += e[j]! * d[j]!
      }
      const hh = f / (h + h)
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!
      for (let j = 0; j < i; j++) {
        f = d[j]!
        g = e[j]!
        for (let k = j; k <= i - 1; k++) V[k]![j]! -= f * e[k]! + g * d[k]!
        d[j] = V[i - 1]![j]!
        V[i]![j] = 0
      }
    }
    d[i] = h
  }
  for (let i = 0; i < n - 1; i++) {
    V[n - 1]![i] = V[i]![i]!
    V[i]![i] = 1
    const h = d[i + 1]!
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[k]![i + 1]! / h
      for (let j = 0; j <= i; j++) {
        let g = 0
        for (let k = 0; k <= i; k++) g += V[k]![i + 1]! * V[k]![j]!
        for (let k = 0; k <= i; k++) V[k]![j]! -= g * d[k]!
      }
    }
    for (let k = 0; k <= i; k++) V[k]![i + 1] = 0
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[n - 1]![j]!
    V[n - 1]![j] = 0
  }
  V[n - 1]![n - 1] = 1
  e[0] = 0
}

function tql2(V: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!
  e[n - 1] = 0
  let f = 0
  let tst1 = 0
  const eps = 2 ** -52
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!))
    let m = l
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break
      m++
    }
    if (m > l) {
      do {
        let g = d[l]!
        let p = (d[l + 1]! - g) / (2 * e[l]!)
        let r = Math.hypot(p, 1)
        if (p < 0) r = -r
        d[l] = e[l]! / (p + r)
        d[l + 1] = e[l]! * (p + r)
        const dl1 = d[l + 1]!
        let h = g - d[l]!
        for (let i = l + 2; i < n; i++) d[i]! -= h
        f += h
        p = d[m]!
        let c = 1
        let c2 = c
        let c3 = c
        const el1 = e[l + 1]!
        let s = 0
        let s2 = 0
        for (let i = m - 1; i >= l; i--) {
          c3 = c2
          c2 = c
          s2 = s
          g = c * e[i]!
          h = c * p
          r = Math.hypot(p, e[i]!)
          e[i + 1] = s * r
          s = e[i]! / r
          c = p / r
          p = c * d[i]! - s * g
          d[i + 1] = h + s * (c * g + s * d[i]!)
          for (let k = 0; k < n; k++) {
            h = V[k]![i + 1]!
            V[k]![i + 1] = s * V[k]![i]! + c * h
            V[k]![i] = c * V[k]![i]! - s * h
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1
        e[l] = s * p
        d[l] = c * p
      } while (Math.abs(e[l]!) > eps * tst1)
    }
    d[l] = d[l]! + f
    e[l] = 0
  }
}
