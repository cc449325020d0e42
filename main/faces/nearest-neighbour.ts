import { fitPca, pcaFeatures, type Pca } from './pca'
import { fromColumns } from './linear-algebra'

/**
 * The baselines of the paper's section 4.1: eigenfaces (centred PCA fitted to the gallery at the probe
 * resolution) and nearest neighbour by Euclidean distance in PCA space. With several gallery images per
 * class (the relit gallery), a class's distance is that of its nearest image.
 */
export interface NearestNeighbourModel {
  pca: Pca
  features: Float64Array[]
  labels: number[]
  classes: number
}

export function trainNearestNeighbour(gallery: Float64Array[][], components: number): NearestNeighbourModel {
  const vectors = gallery.flat()
  const pca = fitPca(fromColumns(vectors), { components, center: true })
  return {
    pca,
    features: vectors.map((v) => pcaFeatures(pca, v)),
    labels: gallery.flatMap((images, label) => images.map(() => label)),
    classes: gallery.length,
  }
}

/** Classes by their nearest gallery image's distance to the probe, nearest first (ties keep class order). */
export function rankByNearestNeighbour(model: NearestNeighbourModel, probeVector: ArrayLike<number>): { index: number; distance: number }[] {
  const y = pcaFeatures(model.pca, probeVector)
  const best = new Float64Array(model.classes).fill(Infinity)
  model.features.forEach((f, k) => {
    let d = 0
    for (let i = 0; i < f.length; i++) d += (f[i]! - y[i]!) ** 2
    const label = model.labels[k]!
    if (d < best[label]!) best[label] = d
  })
  return Array.from(best, (d, index) => ({ index, distance: Math.sqrt(d) })).sort((a, b) => a.distance - b.distance || a.index - b.index)
}
