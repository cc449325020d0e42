import { benchMachine, median, type BenchMachine } from '../../core/bench-timing'
import { meanFaceNormals } from '../face-shape'
import { pieFaceImages } from '../fixtures/pie-set'
import { rankClasses } from '../identify'
import { ksvd } from '../ksvd'
import { fitPca, pcaFeatureMatrix } from '../pca'
import { fromColumns } from '../linear-algebra'
import { relightFace } from '../relight'
import { DEFAULT_SLRFR_OPTIONS, lowResolutionVector, trainSlrfr } from '../slrfr'
import type { GreyImage } from '../face-image'

/** The paper's section 5 figures, measured on the synthetic PIE-like set (Matlab on a 2.13 GHz Xeon there). */
export interface FacesBenchResult {
  /** Median ms to rank all classes for one probe (PCA features + every class's projection residual). */
  identify_per_probe_ms: number
  /** Median ms of K-SVD for one class (10 images, K and T0 as in DEFAULT_SLRFR_OPTIONS). */
  ksvd_per_class_ms: number
  /** Median ms to relight one 48 x 40 gallery image under the nine lights. */
  relight_per_image_ms: number
  targets_ms: { identify_per_probe: number; ksvd_per_class: number; relight_per_image: number }
  people: number
  resolution: string
  probes: number
  unit: 'ms'
  date: string
  machine: BenchMachine
  total_s: number
}

export interface FacesBenchOptions {
  /** Fewer people and repetitions: a smoke run, not figures. */
  quick?: boolean
  log?: (line: string) => void
}

/**
 * Per-probe identification at 7 x 6 for 68 people, K-SVD per class and relighting per image, each the
 * median over repetitions after a warm-up pass (the first calls pay for JIT compilation).
 */
export function runFacesBench(options: FacesBenchOptions = {}): FacesBenchResult {
  const started = performance.now()
  const people = options.quick ? 8 : 68
  const resolution = { height: 7, width: 6 }
  const log = options.log ?? (() => {})
  const normals = meanFaceNormals()
  log(`rendering ${people} synthetic people x 21 lights`)
  const faces: GreyImage[][] = Array.from({ length: people }, (_, i) => pieFaceImages(1, i).map((data) => ({ height: 48, width: 40, data })))

  log('relighting')
  const relightTimes: number[] = []
  const relit: GreyImage[][] = []
  for (let pass = 0; pass < 2; pass++) {
    faces.forEach((images, i) => {
      const t = performance.now()
      const { images: lit } = relightFace(images[0]!, normals)
      if (pass === 1) relightTimes.push(performance.now() - t)
      relit[i] = [images[0]!, ...lit]
    })
  }
  const enlarged = relit.map((images) => images.map((image) => lowResolutionVector(image, resolution)))

  log('K-SVD per class')
  const pca = fitPca(fromColumns(enlarged.flat()), { components: DEFAULT_SLRFR_OPTIONS.components, center: DEFAULT_SLRFR_OPTIONS.center })
  const features = enlarged.map((vectors) => pcaFeatureMatrix(pca, fromColumns(vectors)))
  const ksvdTimes: number[] = []
  const { atoms, sparsity, iterations, seed } = DEFAULT_SLRFR_OPTIONS
  for (let pass = 0; pass < 2; pass++) {
    for (const x of features) {
      const t = performance.now()
      ksvd(x, { atoms, sparsity, iterations, seed })
      if (pass === 1) ksvdTimes.push(performance.now() - t)
    }
  }

  log('identification')
  const model = trainSlrfr(enlarged, resolution)
  const probes = faces.flatMap((images) => images.slice(1).map((image) => lowResolutionVector(image, resolution)))
  for (const y of probes.slice(0, 50)) rankClasses(model, y)
  const identifyTimes: number[] = []
  const rounds = options.quick ? 1 : 5
  for (let round = 0; round < rounds; round++) {
    const t = performance.now()
    for (const y of probes) rankClasses(model, y)
    identifyTimes.push((performance.now() - t) / probes.length)
  }
  return {
    identify_per_probe_ms: Math.round(median(identifyTimes.map((v) => v * 1000)) / 10) / 100,
    ksvd_per_class_ms: median(ksvdTimes),
    relight_per_image_ms: median(relightTimes),
    targets_ms: { identify_per_probe: 1, ksvd_per_class: 70, relight_per_image: 100 },
    people,
    resolution: '7x6',
    probes: probes.length,
    unit: 'ms',
    date: new Date().toISOString(),
    machine: benchMachine(),
    total_s: Math.round((performance.now() - started) / 100) / 10,
  }
}

/** The figures as a short table. */
export function formatFacesBench(r: FacesBenchResult): string {
  const row = (name: string, value: number, target: number): string => `${name.padEnd(44)} ${value.toFixed(3).padStart(9)} ms   (target < ${target} ms)`
  return (
    [
      row(`identification per probe (${r.resolution}, ${r.people} people)`, r.identify_per_probe_ms, r.targets_ms.identify_per_probe),
      row('K-SVD per class', r.ksvd_per_class_ms, r.targets_ms.ksvd_per_class),
      row('relighting per image (48x40)', r.relight_per_image_ms, r.targets_ms.relight_per_image),
    ].join('\n') + '\n'
  )
}
