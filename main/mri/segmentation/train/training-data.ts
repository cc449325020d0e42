/**
 * A segmentation dataset (dataset.ts) prepared for training: every image put on the model's grid by
 * preprocess.ts's preprocessVolume, the very function `percept mri segment` runs, so training sees what inference
 * will give the model; its labels carried onto the same grid by the same index map (reorient, then model voxel c
 * reads reoriented index origin + scale * c), by nearest neighbour, label 0 outside the field of view.
 *
 * The label names come from the dataset's colour table (the companion file of the first label map that has one,
 * e.g. the cohort's <id>_labels.label): label value = output index, 0 the background. Values without a name are
 * called "Label <n>".
 */
import { PerceptError } from '../../../core/errors'
import { findColorTableFor } from '../../../imaging/labels'
import { readNifti } from '../../../imaging/nifti'
import { resampleByIndexMap, scaleTranslateMat4 } from '../../../imaging/preprocess'
import { reorient } from '../../../imaging/reorient'
import type { Vec3 } from '../../../imaging/volume'
import type { SegmentationDataset } from '../dataset'
import { preprocessVolume, type IntensityParams } from '../preprocess'
import type { SegmentationSpec } from '../segmentation-model'

/** Output channels we train at most: label values are output indices, so a map numbered 1001, 1002 ... needs relabelling. */
export const MAX_TRAINING_LABELS = 64
export const BACKGROUND_NAME = 'Background'

/** The model's side of the contract, as it will be written to model.json. */
export interface TrainingGrid {
  /** Cube edge (voxels). */
  size: number
  spacingMm: Vec3
  orientation: string
  intensity: 'zscore' | 'minmax'
}

export interface PreparedSubject {
  id: string
  /** [D, H, W] row-major, normalised. */
  image: Float32Array
  labels: Uint8Array
  /** The normalised value of air, what augmentation fills in. */
  air: number
}

/** Label names in output order (index 0 the background) from the dataset's colour table and label values. */
export async function datasetLabelNames(dataset: SegmentationDataset): Promise<string[]> {
  let table = null
  for (const pair of dataset.pairs) {
    table = await findColorTableFor(pair.labels)
    if (table) break
  }
  const valueMax = Math.max(...dataset.pairs.flatMap((p) => p.labelValues))
  const tableMax = table ? Math.max(0, ...[...table.keys()].filter((k) => Number.isInteger(k) && k > 0 && k < MAX_TRAINING_LABELS)) : 0
  const top = Math.max(valueMax, tableMax)
  if (top >= MAX_TRAINING_LABELS) {
    throw new PerceptError(
      'VALIDATION',
      `The label maps hold the value ${top}; a trained model has one output per label value, so values run from 1 to at most ${MAX_TRAINING_LABELS - 1}. Relabel the structures 1, 2, 3, ... first.`,
    )
  }
  return [BACKGROUND_NAME, ...Array.from({ length: top }, (_, i) => table?.get(i + 1)?.name?.trim() || `Label ${i + 1}`)]
}

/** The spec preprocessVolume reads, for a model about to be trained (names as the exported graph will have them). */
export function trainingSpec(grid: TrainingGrid, labels: string[]): SegmentationSpec {
  return {
    id: 'training',
    name: 'training',
    labels,
    inputName: 'image',
    outputName: 'probabilities',
    patch: [grid.size, grid.size, grid.size],
    spacingMm: [...grid.spacingMm],
    orientation: grid.orientation,
    intensity: grid.intensity,
    output: 'probabilities',
    onnxPath: '',
  }
}

/** Air's value after normalisation (padding is raw p2 before it). */
export function normalisedAir(p: IntensityParams): number {
  const v = (p.background - p.offset) / p.divisor
  return p.kind === 'minmax' ? Math.min(1, Math.max(0, v)) : v
}

/** One pair read and put on the model grid. */
export async function prepareSubject(pair: { id: string; image: string; labels: string }, spec: SegmentationSpec): Promise<PreparedSubject> {
  const [{ volume: image }, { volume: labels }] = await Promise.all([readNifti(pair.image), readNifti(pair.labels)])
  const prepared = preprocessVolume(image, spec)
  const { grid } = prepared
  const oriented = reorient(labels, spec.orientation).volume
  const sampled = resampleByIndexMap(oriented, grid.dims, grid.affine, scaleTranslateMat4(grid.scale, grid.origin), 'nearest').data
  const out = new Uint8Array(sampled.length)
  const top = spec.labels.length - 1
  for (let n = 0; n < sampled.length; n++) {
    const v = sampled[n]!
    if (v > top) throw new PerceptError('VALIDATION', `${pair.labels} holds the label ${v}, beyond the ${top} structures the model is trained for.`)
    out[n] = v
  }
  return { id: pair.id, image: prepared.input, labels: out, air: normalisedAir(prepared.intensity) }
}
