/**
 * The model's answer back on the input's own grid (same dims, same affine), and its colour table.
 *
 * For every native voxel n, the model voxel it falls in: reoriented index r = P n (the exact permutation and
 * flip of preprocess.ts, integer entries), then model index c = (r - origin) / scale; nearest neighbour (labels
 * are never blended; the confidence is the one of the voxel the label came from). This is the world-position
 * route, native index -> world -> model index, with the two affines' products cancelled by hand, so no inverted
 * affine adds round-off: where the spacing matched (scale 1, whole-voxel origin) the map is exact integers.
 * Native voxels outside the model's patch get label 0 and confidence 0 (the model did not see them).
 */
import { ColorTable, distinctColor } from '../../imaging/labels'
import { resampleByIndexMap } from '../../imaging/preprocess'
import type { Mat4, Volume, VoxelArray } from '../../imaging/volume'
import type { ModelGrid } from './preprocess'

/** Native voxel index -> model voxel index (row-major 4x4 on [i, j, k, 1]). */
export function nativeToModelIndex(grid: ModelGrid): Mat4 {
  const m: Mat4 = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
  const { axes, flip } = grid.mapping
  for (let a = 0; a < 3; a++) {
    const axis = axes[a]!
    const scale = grid.scale[a]!
    // r_a = flip ? (N - 1 - n_axis) : n_axis, then c_a = (r_a - origin_a) / scale_a.
    m[4 * a + axis] = (flip[a] ? -1 : 1) / scale
    m[4 * a + 3] = ((flip[a] ? grid.nativeDims[axis]! - 1 : 0) - grid.origin[a]!) / scale
  }
  return m
}

/** Model-grid values (i fastest, as the model's output) on the native grid; the array type is kept. */
export function toNativeGrid<T extends Int32Array | Float32Array>(values: T, grid: ModelGrid): T {
  const patch: Volume = { dims: [...grid.dims], affine: [...grid.affine], data: values as VoxelArray, components: 1, datatype: values instanceof Int32Array ? 'int32' : 'float32' }
  return resampleByIndexMap(patch, grid.nativeDims, grid.nativeAffine, nativeToModelIndex(grid), 'nearest').data as T
}

/** The model's labels (the background, 0, left out) named in output order, each in its distinct colour. */
export function segmentationColorTable(labels: readonly string[]): ColorTable {
  const table = new ColorTable()
  labels.forEach((name, label) => {
    if (label > 0) table.set(label, { name, color: distinctColor(label) })
  })
  return table
}
