/**
 * Segmentation end to end: a native volume -> preprocess.ts (reorient, resample, normalise, patch) -> infer.ts
 * (ONNX, argmax) -> native-grid.ts (back onto the input's grid) -> label statistics in mL.
 *
 * Bad input is refused before any work, each with what to do instead: a 4-D series without a frame chosen,
 * a label map given as the image, a field of view far from a head's size, voxels far from cubic. A model that
 * does not fit is refused when it is opened (segmentation-model.ts). An AbortSignal is checked between the
 * stages; a cancelled run throws CANCELLED and has written nothing (files are written only after the last check).
 */
import { PerceptError } from '../../core/errors'
import { assertSameGrid, colorTableCandidates, diceByLabel, labelStats, labelValues, writeColorTable, type ColorTable } from '../../imaging/labels'
import { writeNifti } from '../../imaging/nifti'
import { reorientToRas } from '../../imaging/reorient'
import { voxelSize, type Mat4, type Vec3, type Volume } from '../../imaging/volume'
import { loadVolume } from '../volume-source'
import { predictPatch } from './infer'
import { segmentationColorTable, toNativeGrid } from './native-grid'
import { preprocessVolume } from './preprocess'
import type { SegmentationModel } from './segmentation-model'

/** A head (or a brain alone) spans 100 to 300 mm along every axis of its field of view. */
export const HEAD_EXTENT_MM: readonly [number, number] = [100, 300]
/** Largest voxel-size ratio; beyond it a slice stack is too coarse across slices to segment in 3-D. */
export const MAX_ANISOTROPY = 4
/** A label map: whole numbers, at most this many distinct values ... */
const LABEL_MAP_MAX_VALUES = 256
/** ... and at least this share of the pairs of non-zero neighbours (along i) equal (an image has far fewer). */
const LABEL_MAP_MIN_EQUAL_NEIGHBOURS = 0.75

export type SegmentStage = 'preprocess' | 'infer' | 'native' | 'write'

export interface SegmentProgress {
  stage: SegmentStage
  /** 0..1 of the whole run, at the start of `stage`. */
  fraction: number
}

export interface SegmentOptions {
  signal?: AbortSignal
  onProgress?: (progress: SegmentProgress) => void
}

export interface SegmentLabel {
  label: number
  name: string
  voxels: number
  volumeMl: number
}

export interface SegmentationResult {
  /** On the input's grid (its dims and affine), i fastest. */
  dims: Vec3
  affine: Mat4
  labels: Int32Array
  /** Per-voxel top probability; 0 outside the model's patch. */
  confidence: Float32Array
  /** Top probability minus the second label's; 0 outside the patch. */
  margin: Float32Array
  /** Every structure of the model (label 0, the background, left out), in label order, 0 voxels when absent. */
  stats: SegmentLabel[]
  table: ColorTable
  /** Wall time of the pipeline, preprocessing to statistics. */
  seconds: number
}

const STAGE_START: Record<SegmentStage, number> = { preprocess: 0, infer: 0.2, native: 0.8, write: 0.95 }

/**
 * Reports the stage; a cancel heard before or while reporting stops the run here. The stages themselves run
 * without yielding (preprocessing and the native grid are synchronous loops), so each stage first lets the event
 * loop turn once: a cancel that arrived meanwhile (Ctrl+C's signal handler, a worker's message) is heard.
 */
async function stage(options: SegmentOptions, name: SegmentStage): Promise<void> {
  checkCancelled(options.signal)
  if (options.signal) await new Promise((resolve) => setImmediate(resolve))
  checkCancelled(options.signal)
  options.onProgress?.({ stage: name, fraction: STAGE_START[name] })
  checkCancelled(options.signal)
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new PerceptError('CANCELLED', 'The segmentation was cancelled; nothing was written.')
}

/**
 * Why `volume` cannot be segmented as it is, or null: RGB, a label map, a field of view outside
 * HEAD_EXTENT_MM on some axis, voxels more than MAX_ANISOTROPY times longer on one axis than another.
 */
export function inputProblem(volume: Volume, what = 'The image'): string | null {
  if (volume.components !== 1) return `${what} is an RGB volume; segmentation takes a grey-scale T1 MRI.`
  const size = voxelSize(volume.affine)
  const extent = volume.dims.map((n, a) => n * size[a]!)
  const [low, high] = HEAD_EXTENT_MM
  const axis = extent.findIndex((mm) => !(mm >= low && mm <= high))
  if (axis >= 0) {
    return (
      `${what} spans ${extent.map((mm) => mm.toFixed(0)).join(' x ')} mm (${volume.dims.join(' x ')} voxels of ${size.map((s) => +s.toFixed(3)).join(' x ')} mm), ` +
      `far from a head's size (${low} to ${high} mm along every axis). Give a whole-head or whole-brain volume; a slab, a crop or a header with wrong voxel sizes will not segment.`
    )
  }
  const ratio = Math.max(...size) / Math.min(...size)
  if (ratio > MAX_ANISOTROPY) {
    return (
      `${what}'s voxels are ${size.map((s) => +s.toFixed(3)).join(' x ')} mm, ${ratio.toFixed(1)} times longer on one axis than another (at most ${MAX_ANISOTROPY}): ` +
      'too coarse across slices to segment in 3-D. Use a 3-D acquisition (e.g. an MPRAGE) or one with thinner slices.'
    )
  }
  const labelMap = labelMapEvidence(volume)
  if (labelMap) {
    return (
      `${what} looks like a label map, not an MRI: its values are ${labelMap.values} whole numbers and ${Math.round(labelMap.equalShare * 100)}% of neighbouring voxels inside it hold the same value. ` +
      'Segment the T1 image itself; a label map to compare with goes in as the reference.'
    )
  }
  return null
}

/** Whole numbers, few distinct values, and neighbours mostly equal: what a label map looks like and an image does not. */
function labelMapEvidence(volume: Volume): { values: number; equalShare: number } | null {
  const data = volume.data
  const seen = new Set<number>()
  for (let n = 0; n < data.length; n++) {
    const v = data[n]!
    if (!Number.isInteger(v)) return null
    if (!seen.has(v)) {
      seen.add(v)
      if (seen.size > LABEL_MAP_MAX_VALUES) return null
    }
  }
  const nx = volume.dims[0]
  let pairs = 0
  let equal = 0
  for (let n = 0; n + 1 < data.length; n++) {
    if ((n + 1) % nx === 0) continue
    const a = data[n]!
    const b = data[n + 1]!
    if (a === 0 || b === 0) continue
    pairs++
    if (a === b) equal++
  }
  const equalShare = pairs === 0 ? 1 : equal / pairs
  return equalShare >= LABEL_MAP_MIN_EQUAL_NEIGHBOURS ? { values: seen.size, equalShare } : null
}

/** Loads the image to segment and refuses what cannot be segmented (a 4-D series needs a frame chosen). */
export async function loadSegmentationInput(path: string, options: { frame?: number } = {}): Promise<Awaited<ReturnType<typeof loadVolume>>> {
  const loaded = await loadVolume(path, options.frame === undefined ? {} : { frame: options.frame })
  const frames = loaded.info.frames
  if (frames > 1 && options.frame === undefined) {
    throw new PerceptError('VALIDATION', `${path} is a 4-D series of ${frames} frames: choose the frame to segment (0 to ${frames - 1}; --frame on the command line).`)
  }
  const problem = inputProblem(loaded.volume, path)
  if (problem) throw new PerceptError('VALIDATION', problem)
  return loaded
}

/** The whole pipeline on a volume already checked (loadSegmentationInput or inputProblem). */
export async function segmentVolume(volume: Volume, model: SegmentationModel, options: SegmentOptions = {}): Promise<SegmentationResult> {
  const started = performance.now()
  const { spec } = model
  await stage(options, 'preprocess')
  const prepared = preprocessVolume(volume, spec)
  await stage(options, 'infer')
  const patch = await predictPatch(model, prepared.input)
  await stage(options, 'native')
  const labels = toNativeGrid(patch.labels, prepared.grid)
  const confidence = toNativeGrid(patch.confidence, prepared.grid)
  const margin = toNativeGrid(patch.margin, prepared.grid)
  const table = segmentationColorTable(spec.labels)
  const present = new Map(labelStats(labelVolume(volume, labels), table).map((s) => [s.label, s]))
  const stats = spec.labels.slice(1).map((name, index) => {
    const found = present.get(index + 1)
    return { label: index + 1, name, voxels: found?.voxels ?? 0, volumeMl: found?.volumeMl ?? 0 }
  })
  return { dims: [...volume.dims], affine: [...volume.affine], labels, confidence, margin, stats, table, seconds: (performance.now() - started) / 1000 }
}

function labelVolume(grid: Pick<Volume, 'dims' | 'affine'>, labels: Int32Array): Volume {
  return { dims: [...grid.dims], affine: [...grid.affine], data: labels, components: 1, datatype: 'int32' }
}

export interface SegmentFileRequest {
  input: string
  /** 4-D series: the frame to segment. */
  frame?: number
  /** The label map (.nii or .nii.gz); its colour table is written beside it (colorTableCandidates' first name). */
  out: string
  /** Also write the confidence map (float32 NIfTI) here. */
  confidenceOut?: string
  /** A label map on the input's grid to score the result against. */
  reference?: string
}

export interface SegmentFileResult extends SegmentationResult {
  /** Per label of the result or the reference, when a reference was given. */
  dice?: { label: number; name: string; dice: number }[]
  /** The files written: the label map, its colour table, the confidence map when asked. */
  files: string[]
  /** Wall time from reading the input to the last file written. */
  seconds: number
}

/** Reads, checks, segments and writes (atomically, only once nothing can cancel any more). */
export async function segmentFile(model: SegmentationModel, request: SegmentFileRequest, options: SegmentOptions = {}): Promise<SegmentFileResult> {
  const started = performance.now()
  if (!/\.nii(\.gz)?$/i.test(request.out)) throw new PerceptError('VALIDATION', `The label map is written as NIfTI: name it .nii or .nii.gz, not ${request.out}.`)
  if (request.confidenceOut !== undefined && !/\.nii(\.gz)?$/i.test(request.confidenceOut)) {
    throw new PerceptError('VALIDATION', `The confidence map is written as NIfTI: name it .nii or .nii.gz, not ${request.confidenceOut}.`)
  }
  const { volume, info } = await loadSegmentationInput(request.input, request.frame === undefined ? {} : { frame: request.frame })
  const reference = request.reference === undefined ? undefined : await loadReference(request.reference, volume)

  const result = await segmentVolume(volume, model, options)
  const ras = reorientToRas(labelVolume(volume, result.labels)).volume
  const dice = reference
    ? diceByLabel(ras, reference, result.table).labels.map(({ label, name, dice }) => ({ label, name, dice }))
    : undefined

  await stage(options, 'write')
  const codes = { qform: { code: info.qformCode || info.sformCode || 1 }, sform: { code: info.sformCode || info.qformCode || 1 } }
  const description = `Percept segmentation, model ${model.spec.id}`.slice(0, 79)
  const labelType = model.spec.labels.length <= 256 ? 'uint8' : model.spec.labels.length <= 32768 ? 'int16' : 'int32'
  await writeNifti(request.out, labelVolume(volume, result.labels), { ...codes, datatype: labelType, description })
  const tablePath = colorTableCandidates(request.out)[0]!
  await writeColorTable(tablePath, result.table, 'itk-snap')
  const files = [request.out, tablePath]
  if (request.confidenceOut !== undefined) {
    const confidence: Volume = { dims: [...volume.dims], affine: [...volume.affine], data: result.confidence, components: 1, datatype: 'float32' }
    await writeNifti(request.confidenceOut, confidence, { ...codes, datatype: 'float32', description: `Percept segmentation confidence, model ${model.spec.id}`.slice(0, 79) })
    files.push(request.confidenceOut)
  }
  return { ...result, ...(dice ? { dice } : {}), files, seconds: (performance.now() - started) / 1000 }
}

/** The reference label map on its RAS+ grid, refused unless it is a label map on the input's grid. */
async function loadReference(path: string, image: Volume): Promise<Volume> {
  const { volume } = await loadVolume(path)
  labelValues(volume, `The reference ${path}`)
  // On the RAS+ grids (an exact reordering): one grid stored in two axis orders still compares.
  const reference = reorientToRas(volume).volume
  assertSameGrid(reorientToRas(image).volume, reference, ['the image', 'the reference'])
  return reference
}
