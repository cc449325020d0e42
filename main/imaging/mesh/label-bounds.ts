import { PerceptError } from '../../core/errors'
import type { Vec3, Volume } from '../volume'

/** An inclusive box of voxel indices. */
export interface VoxelBox {
  min: Vec3
  max: Vec3
}

export interface LabelBounds extends VoxelBox {
  label: number
  /** Voxels holding the label. */
  voxels: number
}

/** Label surfaces need one value per voxel; an RGB volume is not a label map. */
export function assertLabelVolume(volume: Volume): void {
  if (volume.components !== 1) {
    throw new PerceptError('VALIDATION', 'Surfaces are built from a label map; this volume is RGB. Choose an integer label volume.')
  }
}

/**
 * The bounding box and voxel count of every value in a label volume, in one pass over the data. Label
 * maps are piecewise constant, so the scan works on runs of equal values along i and touches the map
 * once per run, not once per voxel. NaN voxels are skipped.
 */
export function labelBounds(volume: Volume): Map<number, LabelBounds> {
  assertLabelVolume(volume)
  const [nx, ny, nz] = volume.dims
  const data = volume.data
  const bounds = new Map<number, LabelBounds>()
  const record = (label: number, i0: number, i1: number, j: number, k: number): void => {
    if (Number.isNaN(label)) return
    const box = bounds.get(label)
    if (!box) {
      bounds.set(label, { label, voxels: i1 - i0 + 1, min: [i0, j, k], max: [i1, j, k] })
      return
    }
    box.voxels += i1 - i0 + 1
    if (i0 < box.min[0]) box.min[0] = i0
    if (i1 > box.max[0]) box.max[0] = i1
    if (j < box.min[1]) box.min[1] = j
    if (j > box.max[1]) box.max[1] = j
    if (k < box.min[2]) box.min[2] = k
    if (k > box.max[2]) box.max[2] = k
  }
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k)
      let start = 0
      let value = data[row]!
      for (let i = 1; i < nx; i++) {
        const v = data[row + i]!
        if (v === value) continue
        record(value, start, i - 1, j, k)
        start = i
        value = v
      }
      if (nx > 0) record(value, start, nx - 1, j, k)
    }
  }
  return bounds
}
