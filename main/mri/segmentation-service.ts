/**
 * Segmenting in the MRI workspace (issue 13): the mri.segmentationModels, mri.segment, mri.cancelSegment and
 * mri.saveSegmentation methods of MriService (service.ts), which keeps the open volumes and hands this class the
 * few things it needs of them (SegmentationHost).
 */
import { randomBytes } from 'node:crypto'
import { basename, dirname, join } from 'node:path'
import type { LabelEntry, MethodInput, MethodOutput, SegmentationModelInfo } from '../api'
import { bundledIdPrefix, listBundledPackages, listModelPackages } from '../compute/model-package'
import type { EventBus } from '../core/event-bus'
import { PerceptError } from '../core/errors'
import type { WriteTargets } from '../core/write-target'
import { ColorTable, colorTableCandidates, distinctColor, writeColorTable } from '../imaging/labels'
import { writeNifti } from '../imaging/nifti'
import { invertMapping, permuteAxes } from '../imaging/reorient'
import type { Mat4, Volume } from '../imaging/volume'
import type { DisplayVolume } from './display-volume'
import { describe, type OpenedVolume } from './opened-volume'
import { segmentationSpec } from './segmentation/segmentation-model'
import type { MriTaskRunner } from './worker-client'

/** How to get a segmentation model, said wherever none is at hand. */
const GET_A_MODEL = 'train one with `percept mri train`, or import an "mri-segmentation" package on the Models page (`percept models import`)'

/** What the segmentation methods need of the service that holds the open volumes. */
export interface SegmentationHost {
  /** An open volume (image or label map), or undefined. */
  find(id: string): OpenedVolume | undefined
  /** An open label map, or a typed error saying why not. */
  labelMap(id: string): OpenedVolume
  /** Keeps a new volume open (closing the least recently used beyond the service's capacity). */
  add(volume: OpenedVolume): void
  /** Puts a volume in the recent list. */
  remember(volume: OpenedVolume): void
}

export interface SegmentationServiceOptions {
  /** How the heavy work runs. */
  run: MriTaskRunner
  writeTargets: WriteTargets
  events?: EventBus
  /** The workspace's models folder (segmentation models installed there); default: none. */
  modelsDir?: string
  /** The app's bundled models (models/ with a folder per domain), or null. */
  bundledDir?: string | null
}

export class MriSegmentationService {
  private readonly run: MriTaskRunner
  private readonly writeTargets: WriteTargets

  constructor(
    private readonly host: SegmentationHost,
    private readonly options: SegmentationServiceOptions,
  ) {
    this.run = options.run
    this.writeTargets = options.writeTargets
  }

  /** The 'mri-segmentation' packages installed and bundled; a package whose model.json does not fit says why in `problem`. */
  async segmentationModels(): Promise<SegmentationModelInfo[]> {
    const installed = this.options.modelsDir ? await listModelPackages(this.options.modelsDir) : []
    const bundled = await listBundledPackages(this.options.bundledDir ?? null, 'mri')
    return [...installed, ...bundled]
      .filter((p) => p.meta.task === 'mri-segmentation')
      .map((p) => {
        const pre = p.meta.preprocessing as { patch?: unknown; spacingMm?: unknown }
        const triple = (v: unknown): v is [number, number, number] => Array.isArray(v) && v.length === 3 && v.every((n) => typeof n === 'number' && n > 0)
        let problem: string | null = null
        try {
          segmentationSpec({ id: p.id, meta: p.meta, onnxPath: join(p.dir, 'model.onnx') })
        } catch (error) {
          problem = error instanceof Error ? error.message : String(error)
        }
        return {
          id: p.id,
          name: p.meta.name,
          bundled: p.bundled === true,
          labels: p.meta.labels ?? [],
          patch: triple(pre.patch) && pre.patch.every(Number.isInteger) ? pre.patch : null,
          spacingMm: triple(pre.spacingMm) ? pre.spacingMm : null,
          provenance: p.meta.provenance,
          problem,
        }
      })
  }

  /**
   * Segments an open image in the MRI thread; the label map opens on the image's grid, with its confidence map.
   * Refused before any work: an unknown image or model, a label map, a model whose model.json does not fit, a
   * 4-D series without a frame, a second run on the same image; the thread refuses what the image cannot be
   * (segment.ts's inputProblem) before the model loads. Cancelled (mri.cancelSegment, mri.close): CANCELLED.
   */
  async segment(input: MethodInput<'mri.segment'>): Promise<MethodOutput<'mri.segment'>> {
    const image = this.host.find(input.id)
    if (!image) throw new PerceptError('NOT_FOUND', `No open image ${input.id}: open it again.`)
    if (image.display.kind !== 'image') throw new PerceptError('VALIDATION', `${image.name} is a label map: segment the T1 image itself (a label map to compare with goes in Compare).`)
    image.lastUsed = Date.now()
    const packages = await this.segmentationModels()
    const model = packages.find((m) => m.id === input.model)
    if (!model) {
      const known = packages.map((m) => m.id)
      throw new PerceptError(
        'NOT_FOUND',
        `No segmentation model "${input.model}" (${known.length ? `there are: ${known.slice(0, 5).join(', ')}` : 'none is installed'}): ${GET_A_MODEL}.`,
      )
    }
    if (model.problem) throw new PerceptError('VALIDATION', model.problem)
    const modelDir = await this.modelDir(model.id)
    const info = image.display.info
    if (info.datatype === 'rgb24') throw new PerceptError('VALIDATION', `${image.name} is an RGB volume; segmentation takes a grey-scale T1 MRI.`)
    if (info.frames > 1 && input.frame === undefined) {
      throw new PerceptError('VALIDATION', `${image.name} is a 4-D series of ${info.frames} frames: choose the frame to segment (0 to ${info.frames - 1}; the viewer shows frame ${info.frame}).`)
    }
    const frame = input.frame ?? info.frame
    if (frame >= info.frames) throw new PerceptError('VALIDATION', `${image.name} has ${info.frames} frame${info.frames > 1 ? 's' : ''} (0 to ${info.frames - 1}); there is no frame ${frame}.`)
    if (image.segmenting) throw new PerceptError('VALIDATION', `${image.name} is being segmented already: wait for it, or cancel it first.`)
    const run = new AbortController()
    image.segmenting = run
    let result
    try {
      result = await this.run(
        {
          task: 'segment',
          // The frame shown is the volume held (back on its native grid, exactly); another frame is read again.
          source: frame === info.frame ? { volume: nativeImage(image.display) } : { path: image.path, frame },
          info,
          modelDir,
          modelId: model.id,
        },
        (fraction, stage) => this.options.events?.emit('mri.progress', { task: 'segment', target: image.id, fraction, stage }),
        run.signal,
      )
    } finally {
      if (image.segmenting === run) image.segmenting = undefined
    }
    if (result.task !== 'segment') throw new PerceptError('INTERNAL', 'The MRI thread answered the wrong task.')
    const stem = image.name.replace(/\.(nii(\.gz)?|hdr|img(\.gz)?)$/i, '')
    const suggestedPath = join(dirname(image.path), `${stem}-segmentation.nii.gz`)
    const opened: OpenedVolume = {
      id: `v${randomBytes(6).toString('hex')}`,
      path: suggestedPath,
      name: `${stem} segmentation`,
      display: result.labels,
      meshes: new Map(),
      meshSettings: null,
      builds: new Set(),
      lastUsed: Date.now(),
      segmentation: { confidence: { native: result.confidence.native, display: result.confidence.display }, table: tableOf(result.labels.labels ?? [], result.structures), modelId: model.id },
    }
    this.host.add(opened)
    return {
      labels: describe(opened),
      confidence: { voxels: `res/mri/${opened.id}/confidence`, min: result.confidence.min, mean: result.confidence.mean },
      model: result.model,
      structures: result.structures,
      frame,
      seconds: result.seconds,
      suggestedPath,
    }
  }

  /** Stops the segmentation of an open image; answers how many were stopped (0 or 1). */
  cancelSegment(id: string): { cancelled: number } {
    const image = this.host.find(id)
    if (!image) throw new PerceptError('NOT_FOUND', `No open image ${id}: open it again.`)
    const run = image.segmenting
    if (!run) return { cancelled: 0 }
    image.segmenting = undefined
    run.abort(new PerceptError('CANCELLED', `The segmentation of ${image.name} was cancelled; nothing was written.`))
    return { cancelled: 1 }
  }

  /**
   * Writes a segmentation: the label map (NIfTI on the image's grid, header geometry kept), its colour table
   * beside it (found again when the map is opened), and the confidence map when asked; each file atomic. The
   * open label map then stands for the file written.
   */
  async saveSegmentation(input: MethodInput<'mri.saveSegmentation'>): Promise<MethodOutput<'mri.saveSegmentation'>> {
    const volume = this.host.labelMap(input.id)
    const made = volume.segmentation
    if (!made) throw new PerceptError('VALIDATION', `${volume.name} was opened from a file, not made by Segment: export it with Export labels.`)
    const target = this.writeTargets.file(input.path, 'segmentations', ['.nii.gz', '.nii'])
    const tablePath = this.writeTargets.file(colorTableCandidates(target)[0]!, 'colour tables', ['.txt'])
    const confidencePath = input.confidence ? this.writeTargets.file(target.replace(/(\.nii(\.gz)?)$/i, '-confidence$1'), 'confidence maps', ['.nii.gz', '.nii']) : null
    const native = volume.display.native!
    const { sformCode, qformCode, description } = volume.display.info
    const codes = { qform: { code: qformCode || sformCode || 1 }, sform: { code: sformCode || qformCode || 1 } }
    const max = volume.display.labels!.reduce((m, l) => Math.max(m, l.label), 0)
    await writeNifti(target, native, { ...codes, datatype: max <= 255 ? 'uint8' : max <= 32767 ? 'int16' : 'int32', description })
    await writeColorTable(tablePath, made.table, 'itk-snap')
    const files = [target, tablePath]
    if (confidencePath) {
      const confidence: Volume = { ...native, data: made.confidence.native, datatype: 'float32' }
      await writeNifti(confidencePath, confidence, { ...codes, datatype: 'float32', description: `Percept segmentation confidence, model ${made.modelId}`.slice(0, 79) })
      files.push(confidencePath)
    }
    volume.path = target
    volume.name = basename(target)
    this.host.remember(volume)
    return { files, labels: describe(volume) }
  }

  /** The folder of a listed segmentation model (installed or bundled). */
  private async modelDir(id: string): Promise<string> {
    const lists = id.startsWith(bundledIdPrefix)
      ? await listBundledPackages(this.options.bundledDir ?? null, 'mri')
      : this.options.modelsDir
        ? await listModelPackages(this.options.modelsDir)
        : []
    const found = lists.find((p) => p.id === id)
    if (!found) throw new PerceptError('NOT_FOUND', `The segmentation model ${id} is gone: ${GET_A_MODEL}.`)
    return found.dir
  }
}

/** An image's voxels back on its native grid, exactly (the display grid is a permutation and flip of it). */
function nativeImage(display: DisplayVolume): Volume {
  const shown: Volume = { dims: [...display.dims], affine: [...display.affine], data: display.voxels, components: 1, datatype: 'float32' }
  const back = permuteAxes(shown, invertMapping(display.toNative)).volume
  // The header's own affine, not one recomputed through the permutation.
  return { ...back, affine: [...display.info.affine] as Mat4 }
}

/** The colour table a segmentation is saved with: every structure of the model, in the colours shown. */
function tableOf(shown: readonly LabelEntry[], structures: readonly { label: number; name: string }[]): ColorTable {
  const table = new ColorTable()
  const colours = new Map(shown.map((l) => [l.label, l.color]))
  for (const { label, name } of structures) table.set(label, { name, color: colours.get(label) ?? distinctColor(label) })
  return table
}
