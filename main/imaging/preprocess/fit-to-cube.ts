import { PerceptError } from '../../core/errors'
import { voxelSize, type Mat4, type Vec3, type Volume } from '../volume'
import { multiplyMat4, scaleTranslateMat4 } from './affine'
import { resampleByIndexMap, type Interpolation } from './resample'

/**
 * Crop or pad and resize a volume to an n^3 cube for a model, and the exact way back.
 *
 * The cube's voxels are isotropic in millimetres (aspect kept; the shorter axes are padded) and its
 * axes are the source's axes, so the whole operation is a per-axis scale and shift of voxel
 * indices: cube voxel c sits at source index origin + scale * c. Recording that map (plus the
 * source grid) is all the inverse needs.
 */

export interface FitOptions {
  /**
   * The region the cube is centred on, which also sets its size unless voxelMm is given:
   * 'bbox' (the default) the bounding box of the non-zero voxels (the whole grid when there are
   * none), so a skull-stripped brain fills the cube; 'grid' the whole field of view.
   */
  centreOn?: 'bbox' | 'grid'
  /** Default 'trilinear' (images); 'nearest' for label maps. */
  interpolation?: Interpolation
  /** Added on each side of the region before fitting; default 0. */
  marginMm?: number
  /**
   * Fix the cube's voxel size instead of fitting the region: the cube is then only a crop or pad
   * around the region's centre (no resize when it equals the source's voxel size).
   */
  voxelMm?: number
}

/** Everything needed to map a cube back onto the source grid; plain JSON. */
export interface FitTransform {
  /** Cube side in voxels. */
  size: number
  centreOn: 'bbox' | 'grid'
  sourceDims: Vec3
  sourceAffine: Mat4
  /** Source voxels per cube voxel along each source axis. */
  scale: Vec3
  /** Source index (fractional) of cube voxel (0, 0, 0). */
  origin: Vec3
  /** The cube's isotropic voxel size in mm. */
  voxelMm: number
  /** Cube index to world mm: sourceAffine * (scale, origin). */
  cubeAffine: Mat4
  /** Inclusive voxel bounds of the non-zero voxels, or null when not used (or none are non-zero). */
  bbox: { min: Vec3; max: Vec3 } | null
}

/** Works out the cube for `volume` without resampling. */
export function planFit(volume: Pick<Volume, 'dims' | 'affine' | 'data' | 'components'>, n = 128, options: FitOptions = {}): FitTransform {
  if (!Number.isInteger(n) || n < 1) throw new PerceptError('VALIDATION', `The cube side must be a whole number of voxels, not ${n}.`)
  const centreOn = options.centreOn ?? 'bbox'
  const margin = options.marginMm ?? 0
  if (!(margin >= 0)) throw new PerceptError('VALIDATION', `The margin must be 0 mm or more, not ${margin}.`)
  const dims = volume.dims
  const size = voxelSize(volume.affine)
  const bbox = centreOn === 'bbox' ? nonZeroBounds(volume) : null
  // The region in source index units, edges half a voxel beyond the outermost voxel centres.
  const lo = [0, 1, 2].map((a) => (bbox ? bbox.min[a]! : 0) - 0.5 - margin / size[a]!)
  const hi = [0, 1, 2].map((a) => (bbox ? bbox.max[a]! : dims[a]! - 1) + 0.5 + margin / size[a]!)
  const voxelMm = options.voxelMm ?? Math.max(...[0, 1, 2].map((a) => (hi[a]! - lo[a]!) * size[a]!)) / n
  if (!(voxelMm > 0) || !Number.isFinite(voxelMm)) {
    throw new PerceptError('VALIDATION', `The cube's voxel size must be a positive number of mm, not ${voxelMm}.`)
  }
  const scale = [0, 1, 2].map((a) => {
    const s = voxelMm / size[a]!
    return Math.abs(s - 1) < 1e-9 ? 1 : s
  }) as Vec3
  const origin = [0, 1, 2].map((a) => {
    const o = (lo[a]! + hi[a]!) / 2 - ((n - 1) / 2) * scale[a]!
    // At scale 1 the cube's voxels land on source voxels, so the way back is a whole-voxel shift.
    return scale[a] === 1 ? Math.round(o) : o
  }) as Vec3
  return {
    size: n,
    centreOn,
    sourceDims: [...dims],
    sourceAffine: [...volume.affine],
    scale,
    origin,
    voxelMm,
    cubeAffine: multiplyMat4(volume.affine, scaleTranslateMat4(scale, origin)),
    bbox,
  }
}

/** Resamples `volume` (on the transform's source grid) into its cube, e.g. the label map of an image already fitted. */
export function applyFit(volume: Volume, transform: FitTransform, options: { interpolation?: Interpolation } = {}): Volume {
  checkTransform(transform)
  if (!sameDims(volume.dims, transform.sourceDims)) {
    throw new PerceptError(
      'VALIDATION',
      `The volume is ${volume.dims.join(' x ')} but the fit was planned for ${transform.sourceDims.join(' x ')}; plan it on this volume.`,
    )
  }
  const n = transform.size
  const indexMap = scaleTranslateMat4(transform.scale, transform.origin)
  return resampleByIndexMap(volume, [n, n, n], transform.cubeAffine, indexMap, options.interpolation ?? 'trilinear')
}

/** fitToCube = planFit + applyFit: the cube and the transform that undoes it. */
export function fitToCube(volume: Volume, n = 128, options: FitOptions = {}): { volume: Volume; transform: FitTransform } {
  const transform = planFit(volume, n, options)
  return { volume: applyFit(volume, transform, options), transform }
}

/**
 * Maps an n^3 prediction back onto the source grid (its dims and affine). The cube's geometry comes
 * from the transform, not from the prediction's affine, which a model's output array does not carry.
 * Source voxels outside the cube get 0. With nearest at scale 1 this is the exact inverse.
 */
export function inverseFit(prediction: Volume, transform: FitTransform, options: { interpolation?: Interpolation } = {}): Volume {
  checkTransform(transform)
  const n = transform.size
  if (!sameDims(prediction.dims, [n, n, n])) {
    throw new PerceptError('VALIDATION', `The prediction is ${prediction.dims.join(' x ')} but the transform expects ${n}^3.`)
  }
  const { scale, origin } = transform
  // Inverse of source = origin + scale * cube, per axis.
  const indexMap = scaleTranslateMat4(
    scale.map((s) => 1 / s) as Vec3,
    [0, 1, 2].map((a) => -origin[a]! / scale[a]!) as Vec3,
  )
  return resampleByIndexMap(prediction, transform.sourceDims, transform.sourceAffine, indexMap, options.interpolation ?? 'nearest')
}

/** Inclusive index bounds of the voxels that are neither 0 nor NaN (any component). */
export function nonZeroBounds(volume: Pick<Volume, 'dims' | 'data' | 'components'>): { min: Vec3; max: Vec3 } | null {
  const [nx, ny, nz] = volume.dims
  const { data, components } = volume
  let x0 = nx, y0 = ny, z0 = nz, x1 = -1, y1 = -1, z1 = -1
  let o = 0
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        let on = false
        for (let c = 0; c < components; c++, o++) {
          const v = data[o]!
          if (v > 0 || v < 0) on = true
        }
        if (!on) continue
        if (i < x0) x0 = i
        if (i > x1) x1 = i
        if (j < y0) y0 = j
        if (j > y1) y1 = j
        if (k < z0) z0 = k
        if (k > z1) z1 = k
      }
    }
  }
  return x1 < 0 ? null : { min: [x0, y0, z0], max: [x1, y1, z1] }
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === 3 && a[0] === b[0] && a[1] === b[1] && a[2] === b[2]
}

/** A transform read back from JSON must still have the shape the maps need. */
function checkTransform(t: FitTransform): void {
  const finite = (values: unknown, length: number): boolean =>
    Array.isArray(values) && values.length === length && values.every((v) => typeof v === 'number' && Number.isFinite(v))
  const ok =
    Number.isInteger(t.size) &&
    t.size >= 1 &&
    finite(t.sourceDims, 3) &&
    t.sourceDims.every((v) => Number.isInteger(v) && v >= 1) &&
    finite(t.sourceAffine, 16) &&
    finite(t.cubeAffine, 16) &&
    finite(t.scale, 3) &&
    t.scale.every((s) => s > 0) &&
    finite(t.origin, 3)
  if (!ok) throw new PerceptError('VALIDATION', 'The fit transform is incomplete or damaged; fit the volume again to get a new one.')
}
