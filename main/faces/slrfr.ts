import { downsample, type Resolution } from './resolution'
import type { GreyImage } from './face-image'
import { fitPca, pcaFeatureMatrix, pcaFeatures, type Pca } from './pca'
import { column, fromColumns, norm, type Matrix } from './linear-algebra'
import { ksvd } from './ksvd'
import { projectorOf, type Projector } from './projection'

/**
 * The choices the paper leaves open, fixed here with the reason for each (Shekhar, Patel and Chellappa
 * 2011 give neither K, nor T0, nor the iteration count, nor the PCA dimension).
 */
export interface SlrfrOptions {
  /**
   * K atoms per class. Each class has 10 training images (the gallery image and its nine relit
   * versions) spanning a roughly 9-dimensional illumination subspace (equation 3); K = 9 keeps that
   * span while the K-SVD update still learns from the redundancy.
   */
  atoms: number
  /** T0: each training image coded with at most this many atoms (low, as the paper's discussion advises). */
  sparsity: number
  /** K-SVD rounds: 10, which brings the error to a plateau on 10 columns. */
  iterations: number
  /** PCA dimension (capped by the pixel count and the rank of the gallery). */
  components: number
  /** Whether PCA subtracts the gallery mean; see PcaOptions.center. */
  center: boolean
  seed: number
}

export const DEFAULT_SLRFR_OPTIONS: SlrfrOptions = { atoms: 9, sparsity: 3, iterations: 10, components: 100, center: false, seed: 1 }

/**
 * The low-resolution vector of a canonical face crop: smoothed and downsampled to the probe resolution
 * (equation 4) and scaled to unit length, so that brightness (the light's strength) does not count as
 * identity. Scaling keeps every span, so the subspace model of equation 3 is unaffected.
 */
export function lowResolutionVector(image: GreyImage, resolution: Resolution): Float64Array {
  const small = image.height === resolution.height && image.width === resolution.width ? image : downsample(image, resolution)
  const n = norm(small.data)
  return n > 0 ? small.data.map((v) => v / n) : Float64Array.from(small.data)
}

/** A trained SLRFR model at one resolution: the PCA map and one dictionary (with its projector) per class. */
export interface SlrfrModel {
  resolution: Resolution
  pca: Pca
  classes: { dictionary: Matrix; projector: Projector }[]
}

/**
 * Training (figure 4): every class's enlarged gallery (original and relit images, canonical crop) is
 * brought to the probe resolution, the PCA map is fitted to all classes' low-resolution images together,
 * and each class's features are summarised by a K-SVD dictionary D_i.
 */
export function trainSlrfr(gallery: Float64Array[][], resolution: Resolution, options: SlrfrOptions = DEFAULT_SLRFR_OPTIONS): SlrfrModel {
  const all = fromColumns(gallery.flat())
  const pca = fitPca(all, { components: options.components, center: options.center })
  const classes = gallery.map((vectors) => {
    const x = pcaFeatureMatrix(pca, fromColumns(vectors, all.rows))
    const atoms = Math.min(options.atoms, x.cols)
    const { dictionary } = ksvd(x, { atoms, sparsity: Math.min(options.sparsity, atoms), iterations: options.iterations, seed: options.seed })
    return { dictionary, projector: projectorOf(dictionary) }
  })
  return { resolution, pca, classes }
}

/** The features of a probe's low-resolution vector. */
export const probeFeatures = (model: SlrfrModel, vector: ArrayLike<number>): Float64Array => pcaFeatures(model.pca, vector)

/** The images of a model's PCA basis as low-resolution vectors (to show reconstructions as pictures). */
export function backProject(model: SlrfrModel, features: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(model.pca.mean)
  for (let j = 0; j < model.pca.basis.cols; j++) {
    const c = column(model.pca.basis, j)
    for (let i = 0; i < out.length; i++) out[i]! += features[j]! * c[i]!
  }
  return out
}
