import { column, symmetricEigen, transposeTimes, zeros, type Matrix } from './linear-algebra'

/** A PCA basis: features are W^T (x - mean), W the leading eigenvectors of the samples' scatter. */
export interface Pca {
  /** The subtracted mean: zeros when the basis was fitted without centring. */
  mean: Float64Array
  /** W: dim x k, orthonormal columns, by decreasing eigenvalue. */
  basis: Matrix
  /** The k retained eigenvalues of the scatter divided by the sample count. */
  eigenvalues: Float64Array
}

export interface PcaOptions {
  /** The most components to keep (also capped by the dimension and the rank of the samples). */
  components: number
  /**
   * Subtract the sample mean first (classical eigenfaces). Without centring the basis spans the
   * samples' leading second-moment directions and the feature map is linear, not affine: a probe that
   * is a combination of gallery images keeps exactly those coefficients in feature space, which the
   * subspace model of equation 3 needs.
   */
  center: boolean
  /** Eigenvalues below this fraction of the largest are dropped as rank deficiency (default 1e-10). */
  relTol?: number
}

/** Fits PCA to the columns of `samples` (dim x n) by the eigen-decomposition of the dim x dim scatter. */
export function fitPca(samples: Matrix, options: PcaOptions): Pca {
  const { rows: dim, cols: n } = samples
  const mean = new Float64Array(dim)
  if (options.center) {
    for (let j = 0; j < n; j++) {
      const c = column(samples, j)
      for (let i = 0; i < dim; i++) mean[i]! += c[i]! / n
    }
  }
  const scatter = zeros(dim, dim)
  const centred = new Float64Array(dim)
  for (let j = 0; j < n; j++) {
    const c = column(samples, j)
    for (let i = 0; i < dim; i++) centred[i] = c[i]! - mean[i]!
    for (let b = 0; b < dim; b++) {
      const cb = centred[b]!
      if (cb === 0) continue
      const out = b * dim
      for (let a = 0; a < dim; a++) scatter.data[out + a]! += centred[a]! * cb
    }
  }
  const { values, vectors } = symmetricEigen(scatter)
  const top = Math.max(values[0] ?? 0, 0)
  const tol = (options.relTol ?? 1e-10) * top
  let k = 0
  while (k < Math.min(options.components, dim) && values[k]! > tol) k++
  const basis = zeros(dim, k)
  basis.data.set(vectors.data.subarray(0, dim * k))
  return { mean, basis, eigenvalues: Float64Array.from(values.subarray(0, k), (v) => v / n) }
}

/** The k features of one vector. */
export function pcaFeatures(pca: Pca, x: ArrayLike<number>): Float64Array {
  const centred = Float64Array.from(x, (v, i) => v - pca.mean[i]!)
  return transposeTimes(pca.basis, centred)
}

/** The features of every column of `samples`: k x n. */
export function pcaFeatureMatrix(pca: Pca, samples: Matrix): Matrix {
  const out = zeros(pca.basis.cols, samples.cols)
  for (let j = 0; j < samples.cols; j++) column(out, j).set(pcaFeatures(pca, column(samples, j)))
  return out
}
