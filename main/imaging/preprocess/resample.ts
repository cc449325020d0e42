import { PerceptError } from '../../core/errors'
import { voxelSize, type Mat4, type Vec3, type Volume } from '../volume'
import { invertMat4, multiplyMat4, scaleTranslateMat4 } from './affine'
import { sampleNearest, sampleTrilinear, type Interpolation } from './sampling'

export type { Interpolation } from './sampling'

/**
 * Resamples `volume` onto the grid of `dims` voxels whose index-to-world map is `affine`: each
 * target voxel's world position goes back to a source index through the source's inverse affine.
 */
export function resampleToGrid(volume: Volume, dims: Vec3, affine: Mat4, interpolation: Interpolation): Volume {
  const indexMap = multiplyMat4(invertMat4(volume.affine), affine)
  return resampleByIndexMap(volume, dims, affine, indexMap, interpolation)
}

/**
 * The same with the target-index to source-index map given directly (`source = indexMap * target`),
 * for callers that know it exactly (fitToCube and its inverse) and want no round-off from inverting
 * an affine: a shift by whole voxels then moves labels without a single voxel changing.
 */
export function resampleByIndexMap(
  volume: Volume,
  dims: Vec3,
  affine: Mat4,
  indexMap: Mat4,
  interpolation: Interpolation,
): Volume {
  if (volume.components !== 1) {
    throw new PerceptError('VALIDATION', 'Resampling takes single-component volumes; convert the RGB volume to grey first.')
  }
  checkDims(dims)
  const data =
    interpolation === 'nearest'
      ? sampleNearest(volume.data, volume.dims, dims, indexMap)
      : sampleTrilinear(volume.data, volume.dims, dims, indexMap)
  return {
    dims: [...dims],
    affine: [...affine],
    data,
    components: 1,
    datatype: interpolation === 'nearest' ? volume.datatype : 'float32',
  }
}

/**
 * The grid resampleIsotropic builds: same axes and field-of-view centre, voxels of `mm`, and the
 * map from its indices to the source's (`source = indexMap * target`).
 */
export function isotropicGrid(dims: Vec3, affine: Mat4, mm: number): { dims: Vec3; affine: Mat4; indexMap: Mat4 } {
  if (!(mm > 0) || !Number.isFinite(mm)) {
    throw new PerceptError('VALIDATION', `The target voxel size must be a positive number of mm, not ${mm}.`)
  }
  const size = voxelSize(affine)
  const newDims = [0, 1, 2].map((a) => Math.max(1, Math.round((dims[a]! * size[a]!) / mm))) as Vec3
  // Source voxels per new voxel along each axis; the new grid is centred on the old field of view
  // so that, when n * old / new is a whole number, both edges coincide exactly.
  const step = [0, 1, 2].map((a) => mm / size[a]!) as Vec3
  const origin = [0, 1, 2].map((a) => (dims[a]! - 1) / 2 - ((newDims[a]! - 1) / 2) * step[a]!) as Vec3
  const indexMap = scaleTranslateMat4(step, origin)
  return { dims: newDims, affine: multiplyMat4(affine, indexMap), indexMap }
}

/**
 * A new grid of `mm` voxels along each axis over the same field of view, with the input's axis
 * directions (columns of the affine rescaled, so world positions agree): new n = round(n * old / new).
 * Trilinear gives Float32 intensities; nearest keeps the input's array type (labels stay integers).
 */
export function resampleIsotropic(volume: Volume, mm: number, options: { interpolation: Interpolation }): Volume {
  const grid = isotropicGrid(volume.dims, volume.affine, mm)
  return resampleByIndexMap(volume, grid.dims, grid.affine, grid.indexMap, options.interpolation)
}

function checkDims(dims: Vec3): void {
  if (!dims.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new PerceptError('VALIDATION', `The target grid needs whole, positive dimensions, not ${dims.join(' x ')}.`)
  }
}
