import { readdir, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { PerceptError } from '../../core/errors'
import { readSmallFile } from '../../core/text-file'
import { assertSameGrid, isCommentOrBlank, splitCsvRow, splitLines } from '../../imaging/labels'
import { readNifti } from '../../imaging/nifti'
import { voxelSize, type Vec3, type Volume } from '../../imaging/volume'

/**
 * A training set for segmentation: T1 images paired with their label maps, from
 *
 *   a folder of pairs       <id>_t1.nii.gz beside <id>_labels.nii.gz (what `percept mri cohort` writes);
 *   images/ + labels/       two subfolders holding the same file names;
 *   a CSV                   a header naming the columns image and labels, paths relative to the CSV.
 *
 * Every pair is read and checked before training starts: both files there and readable, one 3-D volume
 * each, the same grid, the image not a label map and the labels whole numbers. A broken pair is
 * reported by file name and left out; the rest are kept. Volumes are not kept in memory: a pair lists
 * its paths and what was found.
 */

export interface SegmentationPair {
  id: string
  /** Absolute paths. */
  image: string
  labels: string
  dims: Vec3
  voxelSizeMm: Vec3
  /** The non-zero label values the map holds, ascending. */
  labelValues: number[]
}

export interface DatasetProblem {
  /** The file (or CSV row) at fault, as the dataset names it (relative to its folder). */
  file: string
  message: string
}

export type DatasetLayout = 'pairs' | 'subfolders' | 'csv'

export interface SegmentationDataset {
  root: string
  layout: DatasetLayout
  pairs: SegmentationPair[]
  problems: DatasetProblem[]
}

const NIFTI = /\.(nii|nii\.gz|hdr|hdr\.gz)$/i
const PAIR_NAME = /^(.+)_(t1|labels)\.(nii|nii\.gz|hdr|hdr\.gz)$/i

/**
 * Share of a volume's non-zero voxels (away from the edges) whose six neighbours all hold the same value,
 * above which whole-number data is a label map. Measured on Debian's mricron-data: T1s 0.000-0.012 (ch2,
 * ch2bet, ch2better), atlases 0.35-0.74 (AICHA, JHU, AAL, Brodmann).
 */
export const LABEL_MAP_FLATNESS = 0.2

/** Labels a label map may have at most (a T1 stored as integers has hundreds to thousands of values). */
const MAX_LABEL_VALUES = 1000

interface VoxelFacts {
  wholeNumbers: boolean
  negative: boolean
  /** Distinct non-zero values, up to MAX_LABEL_VALUES + 1. */
  values: Set<number>
  flatness: number
}

function voxelFacts(volume: Volume): VoxelFacts {
  const { data, dims } = volume
  const [nx, ny, nz] = dims
  const values = new Set<number>()
  let wholeNumbers = true
  let negative = false
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!
    if (v === 0) continue
    if (!Number.isInteger(v)) wholeNumbers = false
    if (v < 0) negative = true
    if (values.size <= MAX_LABEL_VALUES) values.add(v)
  }
  let inside = 0
  let flat = 0
  const plane = nx * ny
  for (let k = 1; k < nz - 1; k++) {
    for (let j = 1; j < ny - 1; j++) {
      for (let i = 1, o = 1 + nx * (j + ny * k); i < nx - 1; i++, o++) {
        const v = data[o]!
        if (v === 0) continue
        inside++
        if (data[o - 1] === v && data[o + 1] === v && data[o - nx] === v && data[o + nx] === v && data[o - plane] === v && data[o + plane] === v) flat++
      }
    }
  }
  return { wholeNumbers, negative, values, flatness: inside === 0 ? 1 : flat / inside }
}

const looksLikeLabelMap = (f: VoxelFacts): boolean => f.wholeNumbers && f.flatness >= LABEL_MAP_FLATNESS

async function readVolume(path: string, name: string, problems: DatasetProblem[]): Promise<Volume | null> {
  try {
    const { volume, header } = await readNifti(path)
    if (header.frames > 1) {
      problems.push({ file: name, message: `a 4-D series of ${header.frames} frames; a training pair takes one 3-D volume: extract the frame you mean (percept mri convert --frame).` })
      return null
    }
    if (volume.components !== 1) {
      problems.push({ file: name, message: 'an RGB volume; a training pair takes a grey-scale image and an integer label map.' })
      return null
    }
    return volume
  } catch (error) {
    if (error instanceof PerceptError && error.code === 'NOT_FOUND') {
      problems.push({ file: name, message: 'does not exist: check the path.' })
      return null
    }
    const message = error instanceof Error ? error.message : String(error)
    problems.push({ file: name, message: `cannot be read: ${message}` })
    return null
  }
}

/** Reads and checks one pair; null (with the reasons in `problems`) when it cannot be trained on. */
async function checkPair(id: string, paths: { image: string; labels: string }, names: { image: string; labels: string }, problems: DatasetProblem[]): Promise<SegmentationPair | null> {
  const image = await readVolume(paths.image, names.image, problems)
  const labels = await readVolume(paths.labels, names.labels, problems)
  if (!image || !labels) return null
  try {
    assertSameGrid(image, labels, [names.image, names.labels])
  } catch (error) {
    const message = error instanceof PerceptError ? error.message.replace('The two label maps are', 'The image and its label map are') : String(error)
    problems.push({ file: names.labels, message })
    return null
  }
  const labelFacts = voxelFacts(labels)
  if (!labelFacts.wholeNumbers || labelFacts.negative || labelFacts.values.size > MAX_LABEL_VALUES) {
    const why = !labelFacts.wholeNumbers ? 'holds fractional values' : labelFacts.negative ? 'holds negative values' : `holds over ${MAX_LABEL_VALUES} distinct values`
    problems.push({ file: names.labels, message: `${why}, so it is no label map (an image given as the labels?). A label map holds whole numbers 0, 1, 2, ...` })
    return null
  }
  if (labelFacts.values.size === 0) {
    problems.push({ file: names.labels, message: 'holds no label (every voxel is 0).' })
    return null
  }
  const imageFacts = voxelFacts(image)
  if (looksLikeLabelMap(imageFacts)) {
    problems.push({
      file: names.image,
      message: `looks like a label map, not an image (${imageFacts.values.size > MAX_LABEL_VALUES ? 'many' : imageFacts.values.size} whole-number values in flat regions). Give the T1 image as the image and the label map as the labels.`,
    })
    return null
  }
  return {
    id,
    image: paths.image,
    labels: paths.labels,
    dims: [...image.dims],
    voxelSizeMm: voxelSize(image.affine),
    labelValues: [...labelFacts.values].sort((a, b) => a - b),
  }
}

async function niftiFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true })
  return entries.filter((e) => e.isFile() && NIFTI.test(e.name)).map((e) => e.name).sort()
}

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false
}

const stemOf = (name: string): string => name.replace(NIFTI, '')

/** images/ + labels/: pairs by identical file name. */
async function subfolderPairs(root: string, problems: DatasetProblem[]): Promise<{ id: string; image: string; labels: string }[]> {
  const [images, labels] = await Promise.all([niftiFiles(join(root, 'images')), niftiFiles(join(root, 'labels'))])
  for (const name of images) if (!labels.includes(name)) problems.push({ file: `images/${name}`, message: `has no partner labels/${name}.` })
  for (const name of labels) if (!images.includes(name)) problems.push({ file: `labels/${name}`, message: `has no partner images/${name}.` })
  return images.filter((name) => labels.includes(name)).map((name) => ({ id: stemOf(name), image: `images/${name}`, labels: `labels/${name}` }))
}

/** <id>_t1 beside <id>_labels. */
async function namedPairs(root: string, problems: DatasetProblem[]): Promise<{ id: string; image: string; labels: string }[]> {
  const byId = new Map<string, { t1: string[]; labels: string[] }>()
  const names = await niftiFiles(root)
  for (const name of names) {
    const match = PAIR_NAME.exec(name)
    if (!match) {
      problems.push({ file: name, message: 'is not named <id>_t1 or <id>_labels (e.g. sub01_t1.nii.gz beside sub01_labels.nii.gz); left out.' })
      continue
    }
    const entry = byId.get(match[1]!) ?? { t1: [], labels: [] }
    ;(match[2]!.toLowerCase() === 't1' ? entry.t1 : entry.labels).push(name)
    byId.set(match[1]!, entry)
  }
  if (names.length === 0) {
    const sub = (await Promise.all(['train', 'test'].map(async (s) => ((await isFolder(join(root, s))) ? s : null)))).filter((s) => s !== null)
    const hint = sub.length > 0 ? ` It holds ${sub.map((s) => `${s}/`).join(' and ')}: choose ${sub.length > 1 ? 'one of them' : 'it'}.` : ''
    throw new PerceptError('VALIDATION', `${root} holds no NIfTI image/label pairs (<id>_t1.nii.gz with <id>_labels.nii.gz, or images/ and labels/ folders).${hint}`)
  }
  const pairs: { id: string; image: string; labels: string }[] = []
  for (const [id, { t1, labels }] of [...byId].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (t1.length > 1) problems.push({ file: t1.join(', '), message: `are ${t1.length} images for ${id}; keep one.` })
    if (labels.length > 1) problems.push({ file: labels.join(', '), message: `are ${labels.length} label maps for ${id}; keep one.` })
    if (t1.length > 1 || labels.length > 1) continue
    if (t1.length === 0) problems.push({ file: labels[0]!, message: `has no image partner (${id}_t1.nii.gz).` })
    else if (labels.length === 0) problems.push({ file: t1[0]!, message: `has no label map partner (${id}_labels.nii.gz).` })
    else pairs.push({ id, image: t1[0]!, labels: labels[0]! })
  }
  return pairs
}

/** A CSV with columns image and labels (any order, other columns ignored); paths relative to the CSV. */
async function csvPairs(csv: string, problems: DatasetProblem[]): Promise<{ id: string; image: string; labels: string }[]> {
  const text = new TextDecoder().decode(await readSmallFile(csv, { what: 'a CSV of image,labels paths' }))
  const lines = splitLines(text)
  const headerIndex = lines.findIndex((line) => !isCommentOrBlank(line))
  const name = basename(csv)
  if (headerIndex < 0) throw new PerceptError('VALIDATION', `${name} is empty: it needs a header row "image,labels" and one row per pair.`)
  const header = lines[headerIndex]!
  const delimiter = [',', ';', '\t'].reduce((best, d) => (header.split(d).length > header.split(best).length ? d : best))
  const columns = splitCsvRow(header, delimiter).map((c) => c.toLowerCase())
  const imageColumn = columns.indexOf('image')
  const labelsColumn = columns.indexOf('labels')
  if (imageColumn < 0 || labelsColumn < 0) {
    throw new PerceptError('VALIDATION', `${name} needs a header row naming the columns image and labels (found: ${columns.join(', ') || 'nothing'}).`)
  }
  const pairs: { id: string; image: string; labels: string }[] = []
  const ids = new Set<string>()
  lines.forEach((line, index) => {
    if (index <= headerIndex || isCommentOrBlank(line)) return
    const fields = splitCsvRow(line, delimiter)
    const image = fields[imageColumn] ?? ''
    const labels = fields[labelsColumn] ?? ''
    const row = `${name} row ${index + 1}`
    if (image === '' || labels === '') return void problems.push({ file: row, message: 'needs both an image and a labels path.' })
    let id = stemOf(basename(image)).replace(/_t1$/i, '')
    while (ids.has(id)) id = `${id}-${index + 1}`
    ids.add(id)
    pairs.push({ id, image, labels })
  })
  return pairs
}

/**
 * Reads a dataset from a folder (pairs by name, or images/ + labels/) or a CSV file, checking every pair.
 * Throws VALIDATION when no pair is usable (naming the problems); otherwise the good pairs and, by file, the
 * problems of the rest.
 */
export async function readSegmentationDataset(path: string): Promise<SegmentationDataset> {
  const target = resolve(path)
  const info = await stat(target).catch(() => null)
  if (!info) throw new PerceptError('NOT_FOUND', `No dataset at ${target}: give a folder of image/label pairs or a CSV with columns image,labels.`)
  const problems: DatasetProblem[] = []
  let layout: DatasetLayout
  let root: string
  let listed: { id: string; image: string; labels: string }[]
  if (info.isFile()) {
    if (!/\.csv$/i.test(target)) throw new PerceptError('VALIDATION', `${basename(target)} is a file but not a .csv: give a folder of image/label pairs or a CSV with columns image,labels.`)
    layout = 'csv'
    root = dirname(target)
    listed = await csvPairs(target, problems)
  } else {
    root = target
    const subfolders = (await isFolder(join(root, 'images'))) && (await isFolder(join(root, 'labels')))
    layout = subfolders ? 'subfolders' : 'pairs'
    listed = subfolders ? await subfolderPairs(root, problems) : await namedPairs(root, problems)
  }

  const pairs: SegmentationPair[] = []
  for (const entry of listed) {
    const paths = { image: resolve(root, entry.image), labels: resolve(root, entry.labels) }
    const pair = await checkPair(entry.id, paths, { image: entry.image, labels: entry.labels }, problems)
    if (pair) pairs.push(pair)
  }
  if (pairs.length === 0) {
    const shown = problems.slice(0, 5).map((p) => `${p.file}: ${p.message}`).join(' ')
    throw new PerceptError('VALIDATION', `No usable image/label pair in ${target}.${shown ? ` ${shown}` : ''}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`, { problems })
  }
  return { root, layout, pairs, problems }
}
