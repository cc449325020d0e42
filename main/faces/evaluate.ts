import { PerceptError } from '../core/errors'
import { rankByDescriptor, type DeepFeatures } from './deep-baseline'
import type { GreyImage } from './face-image'
import { meanFaceNormals } from './face-shape'
import { rankClasses } from './identify'
import { rankByNearestNeighbour, trainNearestNeighbour } from './nearest-neighbour'
import { relightFace } from './relight'
import { formatResolution, type Resolution } from './resolution'
import { DEFAULT_SLRFR_OPTIONS, lowResolutionVector, trainSlrfr, type SlrfrOptions } from './slrfr'

export const EVAL_METHODS = ['slrfr', 'pca', 'pca-relit', 'deep'] as const
/** The methods that need no descriptors computed first (deep-baseline.ts). */
export const PIXEL_METHODS = ['slrfr', 'pca', 'pca-relit'] as const
export type EvalMethod = (typeof EVAL_METHODS)[number]

export interface MethodScore {
  method: EvalMethod
  /** Fraction of probes whose own class ranked first. */
  rank1: number
  /** cmc[k]: fraction of probes whose own class is among the first k + 1; one entry per class. */
  cmc: number[]
}

export interface EvalResult {
  resolutions: { resolution: string; methods: MethodScore[] }[]
}

export interface EvalOptions {
  resolutions: Resolution[]
  /** Gallery indices g (default: every index every person has): gallery = image g of everyone, probes = the rest. */
  galleryImages?: number[]
  /** Default: the pixel methods, plus "deep" when its descriptors are given. */
  methods?: readonly EvalMethod[]
  /** Descriptors for "deep" (deep-baseline.ts: deepFeatures), of these people and resolutions. */
  deep?: DeepFeatures
  slrfr?: SlrfrOptions
  /** PCA dimension of the baselines (capped by pixels and gallery rank). */
  baselineComponents?: number
  onProgress?: (message: string) => void
}

/** Which 0-based rank each probe's own class took, counted: cmc from those counts. */
class RankCounts {
  readonly counts: number[]
  total = 0
  constructor(classes: number) {
    this.counts = new Array<number>(classes).fill(0)
  }
  add(rank: number): void {
    this.counts[rank]!++
    this.total++
  }
  cmc(): number[] {
    let running = 0
    return this.counts.map((c) => (running += c) / this.total)
  }
}

/**
 * The CMU PIE protocol of the paper's section 4.1, on a dataset of people each with the same set of
 * aligned images: for each gallery index g, the gallery is image g of every person and the probes are
 * all their other images, brought to each probe resolution (smoothing then downsampling). Scores are
 * pooled over every (g, probe) pair, which is the average over g when every person has as many images.
 *
 *  - slrfr: the gallery image plus its nine relit versions (section 3.1) -> probe resolution -> PCA ->
 *    per-class K-SVD dictionaries -> projection residual (equations 6 to 9);
 *  - pca: eigenfaces on the single gallery image per person, nearest neighbour;
 *  - pca-relit: eigenfaces on the relit gallery (gallery image and its relit versions), nearest neighbour;
 *  - deep: the face models' 128-D descriptor, nearest neighbour (deep-baseline.ts).
 */
export function evaluatePie(people: { name: string; images: GreyImage[] }[], options: EvalOptions): EvalResult {
  const methods = options.methods ?? (options.deep ? EVAL_METHODS : PIXEL_METHODS)
  if (methods.includes('deep') && !options.deep) throw new Error('the deep method needs its descriptors (deepFeatures) computed first')
  const slrfrOptions = options.slrfr ?? DEFAULT_SLRFR_OPTIONS
  const components = options.baselineComponents ?? 100
  if (people.length < 2) throw new PerceptError('VALIDATION', 'Evaluation needs at least two people.')
  const fewest = Math.min(...people.map((p) => p.images.length))
  if (fewest < 2) {
    const who = people.find((p) => p.images.length < 2)!
    throw new PerceptError('VALIDATION', `${who.name} has ${who.images.length} image; the protocol needs at least two per person (one gallery, one probe).`)
  }
  const gallery = options.galleryImages ?? Array.from({ length: fewest }, (_, g) => g)
  for (const g of gallery) {
    if (!Number.isInteger(g) || g < 0 || g >= fewest) {
      const who = people.find((p) => p.images.length <= g)
      throw new PerceptError(
        'VALIDATION',
        `Gallery index ${g} is out of range: ${who ? `${who.name} has only ${who.images.length} images` : 'indices start at 0'}. Use indices from 0 to ${fewest - 1}.`,
      )
    }
  }
  const crop = people[0]!.images[0]!
  for (const p of people) {
    for (const image of p.images) {
      if (image.height !== crop.height || image.width !== crop.width) throw new Error('every image must be brought to the canonical crop first')
    }
  }
  const normals = meanFaceNormals(crop.height, crop.width)
  const counts = options.resolutions.map(() => new Map(methods.map((m) => [m, new RankCounts(people.length)])))
  // Low-resolution vectors of every dataset image, per resolution: probes, and the single-image gallery.
  const lowRes = options.resolutions.map((r) => people.map((p) => p.images.map((image) => lowResolutionVector(image, r))))
  for (const g of gallery) {
    options.onProgress?.(`gallery image ${g}: relighting ${people.length} faces`)
    const relit = people.map((p) => [p.images[g]!, ...relightFace(p.images[g]!, normals).images])
    options.resolutions.forEach((resolution, ri) => {
      const enlarged = relit.map((images) => images.map((image) => lowResolutionVector(image, resolution)))
      const single = lowRes[ri]!.map((images) => [images[g]!])
      const rankers = new Map<EvalMethod, (y: Float64Array, person: number, k: number) => number[]>()
      if (methods.includes('slrfr')) {
        const model = trainSlrfr(enlarged, resolution, slrfrOptions)
        rankers.set('slrfr', (y) => rankClasses(model, y).map((c) => c.index))
      }
      if (methods.includes('pca')) {
        const model = trainNearestNeighbour(single, components)
        rankers.set('pca', (y) => rankByNearestNeighbour(model, y).map((c) => c.index))
      }
      if (methods.includes('pca-relit')) {
        const model = trainNearestNeighbour(enlarged, components)
        rankers.set('pca-relit', (y) => rankByNearestNeighbour(model, y).map((c) => c.index))
      }
      const deep = options.deep
      if (methods.includes('deep') && deep) {
        const galleryDescriptors = deep.gallery.map((images) => images[g]!)
        rankers.set('deep', (_y, person, k) => rankByDescriptor(galleryDescriptors, deep.probes[ri]![person]![k]!))
      }
      lowRes[ri]!.forEach((images, person) => {
        images.forEach((y, k) => {
          if (k === g) return
          for (const [method, rank] of rankers) counts[ri]!.get(method)!.add(rank(y, person, k).indexOf(person))
        })
      })
      options.onProgress?.(`gallery image ${g}, ${formatResolution(resolution)}: done`)
    })
  }
  return {
    resolutions: options.resolutions.map((resolution, ri) => ({
      resolution: formatResolution(resolution),
      methods: methods.map((method) => {
        const cmc = counts[ri]!.get(method)!.cmc()
        return { method, rank1: cmc[0]!, cmc }
      }),
    })),
  }
}
