/**
 * An ONNX segmentation model package (model.json task 'mri-segmentation'), read and checked against its graph
 * before any volume is touched, so that a package whose labels or input size do not fit is refused up front.
 *
 * The contract any package meets (ours or anyone's):
 * - one float32 input [N, D, H, W, 1], channels last, D = z, H = y, W = x of the volume in `orientation`
 *   (voxel axes i, j, k = W, H, D); N may be symbolic or 1; D, H, W fixed numbers equal to `patch`, or symbolic
 *   (a fully convolutional graph), then `patch` sets them;
 * - the first output [N, D, H, W, labels.length]: per-voxel class scores in `labels` order, label value = index
 *   (index 0 is the background, its name whatever the package says);
 * - preprocessing `{ spacingMm: [x, y, z], orientation: 'RAS', intensity: 'zscore' | 'minmax', patch: [d, h, w] }`
 *   (main/api/models.ts), plus an optional `output: 'probabilities' | 'logits'` (default probabilities: softmax
 *   already applied; 'logits' has us apply it). spacingMm is along the voxel axes of `orientation`.
 */
import { z } from 'zod'
import type { ModelMeta } from '../../api/models'
import { PerceptError } from '../../core/errors'
import { bundledIdPrefix, listBundledPackages, metaMismatches, openModelChoice, readModelPackage, type ChosenModel, type ModelPackage } from '../../compute/model-package'
import { defaultIntraOpThreads, openOnnxSession, type OnnxModelSession } from '../../compute/onnx'
import { isOrientationCode } from '../../imaging/orientation'
import type { Vec3 } from '../../imaging/volume'

/** Largest patch edge and voxel count we accept: 256^3 floats are 64 MiB in, times the labels out. */
const MAX_PATCH_EDGE = 512
const MAX_PATCH_VOXELS = 256 ** 3

const preprocessingSchema = z.object({
  spacingMm: z.tuple([z.number().positive().max(20), z.number().positive().max(20), z.number().positive().max(20)]),
  orientation: z.string().refine((code) => isOrientationCode(code.toUpperCase()), 'three letters, one of R/L, A/P and S/I each, e.g. "RAS"'),
  intensity: z.enum(['zscore', 'minmax']),
  patch: z.tuple([patchEdge(), patchEdge(), patchEdge()]),
  output: z.enum(['probabilities', 'logits']).optional(),
})

function patchEdge(): z.ZodNumber {
  return z.number().int().min(1).max(MAX_PATCH_EDGE)
}

/** What the pipeline needs from a package, checked. */
export interface SegmentationSpec {
  /** The package id as the person named it (folder name, zip name, installed or bundled id). */
  id: string
  name: string
  /** Label names in output order; the label value is the index, 0 the background. */
  labels: string[]
  inputName: string
  outputName: string
  /** Model grid edges [d, h, w] = voxels along z, y, x (k, j, i). */
  patch: Vec3
  /** Voxel size along the model grid's i, j, k (x, y, z) in mm. */
  spacingMm: Vec3
  /** Orientation code of the model grid's voxel axes, upper case. */
  orientation: string
  intensity: 'zscore' | 'minmax'
  output: 'probabilities' | 'logits'
  onnxPath: string
}

/** A checked package with its session open; `release` frees the session. */
export interface SegmentationModel {
  spec: SegmentationSpec
  session: OnnxModelSession
  release(): Promise<void>
}

const shapeText = (shape: readonly (number | string)[]): string => `[${shape.join(', ')}]`

function refuse(id: string, reason: string): never {
  throw new PerceptError('VALIDATION', `The model ${id} cannot segment: ${reason}`)
}

/**
 * Reads model.json's side of the contract (task, labels, input and output shapes, preprocessing); every
 * problem is refused naming the field, before the graph is loaded.
 */
export function segmentationSpec(pkg: Pick<ModelPackage, 'id' | 'meta' | 'onnxPath'>): SegmentationSpec {
  const { id, meta } = pkg
  if (meta.task !== 'mri-segmentation') refuse(id, `it is a ${meta.task} model; give one whose model.json says task "mri-segmentation".`)
  const parsed = preprocessingSchema.safeParse(meta.preprocessing)
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 4).map((i) => `preprocessing.${i.path.join('.') || '(all)'}: ${i.message}`)
    refuse(id, `model.json's preprocessing must be { spacingMm: [x, y, z], orientation, intensity: "zscore" | "minmax", patch: [d, h, w] } (${issues.join('; ')}).`)
  }
  const pre = parsed.data
  const patch = [...pre.patch] as Vec3
  if (patch[0] * patch[1] * patch[2] > MAX_PATCH_VOXELS) refuse(id, `its patch ${shapeText(patch)} holds more than 256^3 voxels.`)
  const labels = meta.labels ?? []
  if (labels.length < 2) refuse(id, 'model.json lists fewer than 2 labels (the background and at least one structure, in output order).')
  const blank = labels.findIndex((name) => name.trim() === '')
  if (blank >= 0) refuse(id, `model.json's label ${blank} has no name.`)
  if (meta.inputs.length !== 1) refuse(id, `it takes ${meta.inputs.length} inputs; a segmentation model takes one image [N, D, H, W, 1].`)
  const input = meta.inputs[0]!
  const output = meta.outputs[0]!
  if (input.dtype !== 'float32') refuse(id, `its input '${input.name}' is ${input.dtype}; the image goes in as float32.`)
  checkDeclaredShape(id, 'input', input.name, input.shape, patch, 1)
  checkDeclaredShape(id, 'output', output.name, output.shape, patch, labels.length)
  return {
    id,
    name: meta.name,
    labels: [...labels],
    inputName: input.name,
    outputName: output.name,
    patch,
    spacingMm: [...pre.spacingMm] as Vec3,
    orientation: pre.orientation.toUpperCase(),
    intensity: pre.intensity,
    output: pre.output ?? 'probabilities',
    onnxPath: pkg.onnxPath,
  }
}

/**
 * A 5-D channels-last shape: batch 1 or symbolic, D, H, W the patch (or symbolic), last `channels` (or
 * symbolic). Used for model.json's declared shapes and for the graph's own.
 */
function checkDeclaredShape(
  id: string,
  side: 'input' | 'output',
  name: string,
  shape: readonly (number | string)[] | null,
  patch: Vec3,
  channels: number,
  where = "model.json's",
): void {
  if (shape === null) return
  const layout = side === 'input' ? '[N, D, H, W, 1]' : '[N, D, H, W, labels]'
  if (shape.length !== 5) refuse(id, `${where} ${side} '${name}' has shape ${shapeText(shape)}; a segmentation model's ${side} is ${layout}, channels last.`)
  const fixed = (d: number | string): d is number => typeof d === 'number' && d >= 0
  if (fixed(shape[0]!) && shape[0] !== 1) refuse(id, `${where} ${side} '${name}' has batch ${shape[0]}; it must be 1 or symbolic.`)
  for (let axis = 1; axis <= 3; axis++) {
    const dim = shape[axis]!
    if (fixed(dim) && dim !== patch[axis - 1]) {
      refuse(id, `${where} ${side} '${name}' is ${shapeText(shape)} but preprocessing.patch is [${patch.join(', ')}] (D, H, W must agree).`)
    }
  }
  const last = shape[4]!
  if (fixed(last) && last !== channels) {
    refuse(
      id,
      side === 'input'
        ? `${where} input '${name}' has ${last} channels; the image is one channel (${layout}).`
        : `${where} output '${name}' gives ${last} classes ${shapeText(shape)} but model.json lists ${channels} labels.`,
    )
  }
}

/** The graph's own shapes against the spec (and model.json against the graph); throws before any work. */
export function checkSegmentationGraph(spec: SegmentationSpec, meta: ModelMeta, session: OnnxModelSession): void {
  // The labels and the patch first: their messages say what to fix; then the rest of model.json.
  const input = session.inputs.find((i) => i.name === spec.inputName)
  const output = session.outputs.find((o) => o.name === spec.outputName)
  if (input) checkDeclaredShape(spec.id, 'input', input.name, input.shape, spec.patch, 1, "the graph's")
  if (output) checkDeclaredShape(spec.id, 'output', output.name, output.shape, spec.patch, spec.labels.length, "the graph's")
  const problems = metaMismatches(meta, session)
  if (problems.length) refuse(spec.id, `model.json does not match model.onnx: ${problems.join('; ')}.`)
}

/** Reads, checks and opens a package (onnxruntime's CPU provider, one intra-op thread per core). */
export async function openSegmentationModel(pkg: ModelPackage, options: { intraOpThreads?: number } = {}): Promise<SegmentationModel> {
  const spec = segmentationSpec(pkg)
  const session = await openOnnxSession(pkg.onnxPath, { intraOpThreads: options.intraOpThreads ?? defaultIntraOpThreads() })
  try {
    checkSegmentationGraph(spec, pkg.meta, session)
  } catch (error) {
    await session.release()
    throw error
  }
  return { spec, session, release: () => session.release() }
}

const nothingToRelease = async (): Promise<void> => {}

/**
 * The package a person names: a folder, a .zip, an installed id, or a bundled id (bundled/<name>); without a
 * choice, the segmentation model bundled under models/mri/. A package for another task is refused.
 */
export async function resolveSegmentationModel(choice: string | undefined, modelsDir: string, bundledDir: string | null): Promise<ChosenModel> {
  const segmenters = async (): Promise<{ id: string; dir: string }[]> =>
    (await listBundledPackages(bundledDir, 'mri')).filter((p) => p.meta.task === 'mri-segmentation')
  if (choice?.startsWith(bundledIdPrefix)) {
    const found = (await segmenters()).find((p) => p.id === choice)
    if (!found) throw new PerceptError('NOT_FOUND', `No bundled segmentation model "${choice}".`)
    return { pkg: { ...(await readModelPackage(found.dir)), id: found.id }, source: 'bundled', release: nothingToRelease }
  }
  if (choice) {
    const chosen = await openModelChoice(choice, modelsDir)
    if (chosen.pkg.meta.task !== 'mri-segmentation') {
      await chosen.release()
      throw new PerceptError('VALIDATION', `${choice} is a ${chosen.pkg.meta.task} model, not a brain segmentation model (task "mri-segmentation").`)
    }
    return chosen
  }
  const bundled = (await segmenters())[0]
  if (!bundled) {
    throw new PerceptError('NOT_FOUND', 'No segmentation model ships with this build yet: pass --model <package folder, .zip or installed id> of an "mri-segmentation" model.')
  }
  return { pkg: { ...(await readModelPackage(bundled.dir)), id: bundled.id }, source: 'bundled', release: nothingToRelease }
}
