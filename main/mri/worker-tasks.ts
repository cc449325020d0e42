import type { LabelEntry, VolumeInfo } from '../api'
import { readModelPackage } from '../compute/model-package'
import { PerceptError } from '../core/errors'
import { labelStats } from '../imaging/labels'
import { labelSurfaces, meshToBuffer, type SurfaceOptions } from '../imaging/mesh'
import { reorientToRas } from '../imaging/reorient'
import type { Volume } from '../imaging/volume'
import { loadDisplayVolume, type DisplayOptions, type DisplayVolume } from './display-volume'
import { inputProblem, loadSegmentationInput, segmentVolume, type SegmentLabel, type SegmentStage } from './segmentation/segment'
import { openSegmentationModel } from './segmentation/segmentation-model'

/** The heavy MRI work, done in a thread of its own (main/app/mri-worker.ts) so the core keeps answering. */
export type MriTask =
  | { task: 'open'; path: string; options: DisplayOptions }
  | { task: 'meshes'; volume: Volume; labels: number[]; options: SurfaceOptions }
  | SegmentTask

/**
 * Segment an image: the volume the viewer holds (native grid), or a frame of a 4-D file read again; with the
 * model package at `modelDir` (checked by the service), named `modelId`.
 */
export interface SegmentTask {
  task: 'segment'
  source: { volume: Volume } | { path: string; frame: number }
  /** The image's facts (for the label map's own). */
  info: VolumeInfo
  modelDir: string
  modelId: string
}

export interface SegmentedVolume {
  /** The label map as the viewer takes it: on the image's display grid, with its native grid for Dice, export and surfaces. */
  labels: DisplayVolume
  /** Per voxel top probability, on the native grid (for saving) and the display grid (for the overlay). */
  confidence: { native: Float32Array; display: Float32Array; min: number; mean: number }
  structures: SegmentLabel[]
  model: { id: string; name: string }
  seconds: number
}

export interface BuiltMesh {
  label: number
  vertices: number
  triangles: number
  /** meshToBuffer's layout (see main/api/mri.ts). */
  buffer: Uint8Array
}

export type MriTaskResult = { task: 'open'; volume: DisplayVolume } | { task: 'meshes'; meshes: BuiltMesh[] } | ({ task: 'segment' } & SegmentedVolume)

export type Progress = (fraction: number, stage: string) => void

export async function runMriTask(task: MriTask, progress: Progress, signal?: AbortSignal): Promise<MriTaskResult> {
  signal?.throwIfAborted()
  if (task.task === 'open') {
    progress(0, 'reading')
    return { task: 'open', volume: await loadDisplayVolume(task.path, task.options) }
  }
  if (task.task === 'segment') return { task: 'segment', ...(await segmentTask(task, progress, signal)) }
  const surfaces = await labelSurfaces(task.volume, task.labels, task.options, (done, total, label) => {
    // Thrown here, between two labels, the abort leaves labelSurfaces (in a worker the thread is ended instead).
    signal?.throwIfAborted()
    progress(done / total, `label ${label}`)
  })
  return {
    task: 'meshes',
    meshes: surfaces.map(({ label, mesh }) => ({ label, vertices: mesh.positions.length / 3, triangles: mesh.indices.length / 3, buffer: meshToBuffer(mesh) })),
  }
}

/** The arrays a result can hand over without copying. */
export function transferables(result: MriTaskResult): ArrayBuffer[] {
  if (result.task === 'open') {
    const buffers = new Set([result.volume.voxels.buffer as ArrayBuffer])
    if (result.volume.native) buffers.add(result.volume.native.data.buffer as ArrayBuffer)
    return [...buffers]
  }
  if (result.task === 'segment') {
    const arrays = [result.labels.voxels, result.labels.native?.data, result.confidence.native, result.confidence.display]
    return [...new Set(arrays.filter((a) => a !== undefined).map((a) => a.buffer as ArrayBuffer))]
  }
  return result.meshes.map((m) => m.buffer.buffer as ArrayBuffer)
}

const SEGMENT_STAGES: Record<SegmentStage, string> = {
  preprocess: 'preparing the image',
  infer: 'running the model',
  native: 'mapping the labels onto the image grid',
  write: 'finishing',
}

/** The input checked (before the model loads), the pipeline of segmentation/segment.ts, the answer made ready for the viewer. */
async function segmentTask(task: SegmentTask, progress: Progress, signal?: AbortSignal): Promise<SegmentedVolume> {
  const cancelled = (): void => {
    if (signal?.aborted) throw new PerceptError('CANCELLED', 'The segmentation was cancelled; nothing was written.')
  }
  progress(0, 'checking the image')
  let volume: Volume
  if ('volume' in task.source) {
    volume = task.source.volume
    const problem = inputProblem(volume, 'The image')
    if (problem) throw new PerceptError('VALIDATION', problem)
  } else {
    volume = (await loadSegmentationInput(task.source.path, { frame: task.source.frame })).volume
  }
  cancelled()
  progress(0.02, 'opening the model')
  const model = await openSegmentationModel({ ...(await readModelPackage(task.modelDir)), id: task.modelId })
  try {
    const result = await segmentVolume(volume, model, {
      ...(signal ? { signal } : {}),
      onProgress: ({ stage, fraction }) => progress(0.05 + 0.9 * fraction, SEGMENT_STAGES[stage]),
    })
    progress(0.96, 'measuring the structures')
    const native: Volume = { dims: [...volume.dims], affine: [...volume.affine], data: result.labels, components: 1, datatype: 'int32' }
    const display = reorientToRas(native)
    const labels: LabelEntry[] = labelStats(native, result.table).map(({ label, name, color, voxels, volumeMl }) => ({ label, name, color: [color[0], color[1], color[2]], voxels, volumeMl }))
    const maxLabel = labels.reduce((m, l) => Math.max(m, l.label), 0)
    let sum = 0
    for (let n = 0; n < result.labels.length; n++) sum += result.labels[n]!
    const confidenceNative: Volume = { ...native, data: result.confidence, datatype: 'float32' }
    const confidenceDisplay = reorientToRas(confidenceNative).volume.data as Float32Array
    const info: VolumeInfo = {
      ...task.info,
      datatype: 'int32',
      frames: 1,
      frame: 0,
      min: 0,
      max: maxLabel,
      mean: result.labels.length ? sum / result.labels.length : 0,
      description: `Percept segmentation, model ${model.spec.id}`.slice(0, 79),
    }
    return {
      labels: {
        kind: 'labels',
        info,
        dims: display.volume.dims,
        affine: display.volume.affine,
        toNative: { axes: display.axes, flip: display.flip },
        voxels: display.volume.data as Int32Array,
        window: { low: 0, high: Math.max(1, maxLabel) },
        labels,
        native,
        tableWarnings: [],
      },
      confidence: { native: result.confidence, display: confidenceDisplay, ...seenConfidence(result.confidence) },
      structures: result.stats,
      model: { id: model.spec.id, name: model.spec.name },
      seconds: result.seconds,
    }
  } finally {
    await model.release()
  }
}

/** Lowest and mean top probability over the voxels the model saw (0 marks the voxels it did not). */
function seenConfidence(values: Float32Array): { min: number; mean: number } {
  let min = Infinity
  let sum = 0
  let seen = 0
  for (let n = 0; n < values.length; n++) {
    const v = values[n]!
    if (v <= 0) continue
    if (v < min) min = v
    sum += v
    seen++
  }
  return seen ? { min, mean: sum / seen } : { min: 0, mean: 0 }
}
