import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../../core/atomic-file'
import { counted } from '../../core/counted'
import { PerceptError } from '../../core/errors'
import { readFaceImage, toCanonicalCrop, type GreyImage } from '../face-image'
import { meanFaceNormals } from '../face-shape'
import type { Matrix } from '../linear-algebra'
import { projectorOf } from '../projection'
import { relightFace } from '../relight'
import { formatResolution, type Resolution } from '../resolution'
import { DEFAULT_SLRFR_OPTIONS, lowResolutionVector, trainSlrfr, type SlrfrModel, type SlrfrOptions } from '../slrfr'
import type { FacePerson, GalleryStore } from './gallery-store'

/**
 * The resolution-matched class dictionaries of a workspace's gallery (figure 4 of the paper): every
 * photo's canonical crop and its nine relit versions (section 3.1) -> smoothed and downsampled to the
 * probe resolution -> PCA -> one K-SVD dictionary per person, as trainSlrfr does.
 *
 * Cached as one file per resolution, faces/dictionaries/<HxW>.json, which records the gallery's content
 * hash: the people (by id), their photos' crops (by SHA-256), the crop size, the SLRFR options and this
 * file's format. A cache whose hash differs from the gallery's now is rebuilt; renaming a person does not
 * change the hash (names are looked up when identifying), adding, moving or removing a photo does.
 */

/** Bumped when the file's layout or the way it is built changes, so old caches rebuild. */
export const DICTIONARY_FORMAT = 1

/**
 * The most pixels a matching resolution may have: 480, 24x20, half the canonical crop each way. The
 * method is for probes of about 7x6 to 20x20, and fitPca eigen-decomposes a pixels x pixels scatter, whose
 * cost grows with the cube of the pixel count (measured with 120 gallery columns: 0.6 s at 20x20, 1.4 s at
 * 24x20, over 90 s at 48x40). Raise it once PCA works on the smaller gallery-side Gram matrix instead.
 */
export const MAX_MATCH_PIXELS = 480

export interface DictionaryProgress {
  stage: 'relight' | 'dictionaries' | 'write'
  done: number
  total: number
}

/** A built (or loaded) set of dictionaries: class i of the model is people[i]. */
export interface GalleryDictionaries {
  resolution: Resolution
  galleryHash: string
  crop: Resolution
  options: SlrfrOptions
  people: { id: string; photos: number }[]
  model: SlrfrModel
  builtAt: string
}

export interface BuildOptions {
  slrfr?: SlrfrOptions
  /** Rebuild even when the cache matches. */
  force?: boolean
  onProgress?: (progress: DictionaryProgress) => void
}

export interface BuildResult {
  dictionaries: GalleryDictionaries
  /** True when the cached file was reused, nothing rebuilt. */
  cached: boolean
  /** Time spent, reading the cache or building. */
  seconds: number
  file: string
  /** Live people left out because they have no photo. */
  skipped: FacePerson[]
}

interface MatrixFile {
  rows: number
  cols: number
  data: number[]
}

interface DictionaryFile {
  format: number
  resolution: string
  galleryHash: string
  crop: Resolution
  options: SlrfrOptions
  builtAt: string
  people: { id: string; photos: number }[]
  pca: { mean: number[]; basis: MatrixFile; eigenvalues: number[] }
  dictionaries: MatrixFile[]
}

export function dictionaryFile(store: GalleryStore, resolution: Resolution): string {
  return join(store.dir, 'dictionaries', `${formatResolution(resolution)}.json`)
}

/** The content hash a cache must carry to be reused (see the header). */
export function galleryHash(store: GalleryStore, options: SlrfrOptions = DEFAULT_SLRFR_OPTIONS): string {
  const classes = store.galleryClasses().map(({ person, photos }) => [person.id, photos.map((p) => p.cropSha256)])
  return createHash('sha256').update(JSON.stringify({ format: DICTIONARY_FORMAT, crop: store.crop, options, classes })).digest('hex')
}

const toFile = (m: Matrix): MatrixFile => ({ rows: m.rows, cols: m.cols, data: Array.from(m.data) })

function fromFile(m: MatrixFile): Matrix {
  if (!(Number.isInteger(m.rows) && Number.isInteger(m.cols) && Array.isArray(m.data) && m.data.length === m.rows * m.cols)) throw new Error('bad matrix')
  return { rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) }
}

/** A cache file's dictionaries, or null when it is missing, damaged or of another format (then it is rebuilt). */
export async function loadDictionaries(file: string): Promise<GalleryDictionaries | null> {
  let parsed: DictionaryFile
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as DictionaryFile
  } catch {
    return null
  }
  try {
    if (parsed.format !== DICTIONARY_FORMAT) return null
    const [height, width] = parsed.resolution.split('x').map(Number) as [number, number]
    const basis = fromFile(parsed.pca.basis)
    const mean = Float64Array.from(parsed.pca.mean)
    const dictionaries = parsed.dictionaries.map(fromFile)
    if (basis.rows !== height * width || mean.length !== basis.rows || dictionaries.length !== parsed.people.length) return null
    if (dictionaries.some((d) => d.rows !== basis.cols)) return null
    const model: SlrfrModel = {
      resolution: { height, width },
      pca: { mean, basis, eigenvalues: Float64Array.from(parsed.pca.eigenvalues) },
      classes: dictionaries.map((dictionary) => ({ dictionary, projector: projectorOf(dictionary) })),
    }
    return { resolution: model.resolution, galleryHash: parsed.galleryHash, crop: parsed.crop, options: parsed.options, people: parsed.people, model, builtAt: parsed.builtAt }
  } catch {
    return null
  }
}

async function readCrop(store: GalleryStore, file: string, photoId: string): Promise<GreyImage> {
  const image = await readFaceImage(file).catch((error: Error) => {
    throw new PerceptError('INVALID_FILE', `The crop of gallery photo ${photoId} cannot be read (${error.message}). Remove the photo and import it again.`)
  })
  return image.height === store.crop.height && image.width === store.crop.width ? image : toCanonicalCrop(image, store.crop)
}

/**
 * The dictionaries of the gallery at one resolution: the cached file when it matches the gallery, else
 * built and written (atomically). VALIDATION when fewer than two people have photos, or the resolution
 * is larger than the gallery's crop.
 */
export async function buildDictionaries(store: GalleryStore, resolution: Resolution, options: BuildOptions = {}): Promise<BuildResult> {
  const started = performance.now()
  const slrfr = options.slrfr ?? DEFAULT_SLRFR_OPTIONS
  if (resolution.height > store.crop.height || resolution.width > store.crop.width) {
    throw new PerceptError('VALIDATION', `The resolution ${formatResolution(resolution)} is larger than the gallery's ${formatResolution(store.crop)} crop; choose at most ${formatResolution(store.crop)}.`)
  }
  if (resolution.height * resolution.width > MAX_MATCH_PIXELS) {
    throw new PerceptError(
      'VALIDATION',
      `The resolution ${formatResolution(resolution)} has ${resolution.height * resolution.width} pixels; matching is for low-resolution faces of at most ${MAX_MATCH_PIXELS} pixels (such as 20x20 or 24x20). Choose a smaller resolution.`,
    )
  }
  const skipped = store.listPeople().filter((p) => p.photos === 0)
  const classes = store.galleryClasses()
  if (classes.length < 2) {
    throw new PerceptError(
      'VALIDATION',
      `The gallery has ${counted(classes.length, 'person', 'people')} with photos; identification needs at least two. Enrol more with \`percept faces enroll <person> <images...>\`.`,
    )
  }
  const file = dictionaryFile(store, resolution)
  const hash = galleryHash(store, slrfr)
  const seconds = (): number => Math.round(performance.now() - started) / 1000
  if (!options.force) {
    const cached = await loadDictionaries(file)
    if (cached && cached.galleryHash === hash) return { dictionaries: cached, cached: true, seconds: seconds(), file, skipped }
  }
  const normals = meanFaceNormals(store.crop.height, store.crop.width)
  const total = classes.reduce((n, c) => n + c.photos.length, 0)
  let done = 0
  const enlarged: Float64Array[][] = []
  for (const { photos } of classes) {
    const vectors: Float64Array[] = []
    for (const photo of photos) {
      options.onProgress?.({ stage: 'relight', done, total })
      const crop = await readCrop(store, photo.cropFile, photo.id)
      for (const image of [crop, ...relightFace(crop, normals).images]) vectors.push(lowResolutionVector(image, resolution))
      done++
    }
    enlarged.push(vectors)
  }
  options.onProgress?.({ stage: 'dictionaries', done: 0, total: classes.length })
  const model = trainSlrfr(enlarged, resolution, slrfr)
  options.onProgress?.({ stage: 'write', done: classes.length, total: classes.length })
  const dictionaries: GalleryDictionaries = {
    resolution,
    galleryHash: hash,
    crop: store.crop,
    options: slrfr,
    people: classes.map(({ person, photos }) => ({ id: person.id, photos: photos.length })),
    model,
    builtAt: new Date().toISOString(),
  }
  const content: DictionaryFile = {
    format: DICTIONARY_FORMAT,
    resolution: formatResolution(resolution),
    galleryHash: hash,
    crop: store.crop,
    options: slrfr,
    builtAt: dictionaries.builtAt,
    people: dictionaries.people,
    pca: { mean: Array.from(model.pca.mean), basis: toFile(model.pca.basis), eigenvalues: Array.from(model.pca.eigenvalues) },
    dictionaries: model.classes.map((c) => toFile(c.dictionary)),
  }
  // Compact: the file is for this code, not for reading, and numbers round-trip exactly through JSON.
  await writeFileAtomic(file, JSON.stringify(content))
  return { dictionaries, cached: false, seconds: seconds(), file, skipped }
}
