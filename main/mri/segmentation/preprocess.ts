/**
 * The native volume onto the model's grid, keeping every transform so that native-grid.ts can go back exactly.
 *
 * 1. Reorient to the model's orientation: an exact permutation and flip of the axes (reorient), no resampling.
 *    Everything after works on the reoriented voxels, so one head stored LPS or RAS gives bit-identical input.
 * 2. The head: voxels brighter than t = p2 + 0.1 (p98 - p2), BET's brain/background threshold (Smith 2002,
 *    "Fast robust automated brain extraction", p2 and p98 the robust range of all voxels). Its centre of mass
 *    (unweighted: each head voxel counts once, so a bright vessel or marker does not pull it) centres the patch;
 *    the centre of mass, not the bounding box, because one bright speck in the air would move a box.
 * 3. Resample to the model's spacing and crop/pad to its patch in one trilinear pass: model voxel c (i, j, k)
 *    reads the reoriented volume at index origin + scale * c, scale = model spacing / native voxel size per
 *    axis. Where scale is 1 the origin is rounded to a whole voxel, so model voxels are native voxels (no blur).
 *    Model voxels beyond the field of view are padded with air (p2, before normalisation).
 * 4. Intensity, with statistics of the head voxels of the whole volume (not of the patch, so that any patch of
 *    one volume is normalised alike):
 *    - zscore: (v - mean) / std (nnU-Net's MRI scheme, Isensee et al. 2021; no clipping);
 *    - minmax: (v - p0.5) / (p99.5 - p0.5), clipped to [0, 1] (robust percentiles of the head voxels).
 *    Both are monotone and affine (minmax up to its clip), so doing them after the trilinear pass is the same
 *    as before it.
 * The patch comes out as a Float32Array in NIfTI order (i fastest), which is the row-major order of the
 * model's [1, D, H, W, 1] input: no transpose.
 */
import { PerceptError } from '../../core/errors'
import { multiplyMat4, resampleByIndexMap, scaleTranslateMat4 } from '../../imaging/preprocess'
import { reorient, type AxisMapping } from '../../imaging/reorient'
import { percentiles } from '../../imaging/volume-stats'
import { voxelCount, voxelSize, type Mat4, type Vec3, type Volume } from '../../imaging/volume'
import type { SegmentationSpec } from './segmentation-model'

/** Where the model grid lies: all native-grid.ts needs to map a native voxel to a model voxel. */
export interface ModelGrid {
  nativeDims: Vec3
  nativeAffine: Mat4
  /** Reoriented axis a is native axis axes[a], reversed where flip[a]. */
  mapping: AxisMapping
  orientedDims: Vec3
  /** Model grid voxels along i, j, k: [w, h, d]. */
  dims: Vec3
  /** Model voxel c sits at reoriented index origin + scale * c (per axis). */
  scale: Vec3
  origin: Vec3
  /** Model index to world mm. */
  affine: Mat4
}

export interface IntensityParams {
  kind: 'zscore' | 'minmax'
  /** The head threshold t and the voxels above it. */
  threshold: number
  headVoxels: number
  /** Air (p2 of all voxels): the raw value padding takes. */
  background: number
  /** zscore: v -> (v - offset) / divisor; minmax: (clip(v, offset, offset + divisor) - offset) / divisor. */
  offset: number
  divisor: number
}

export interface Preprocessed {
  /** The model's input, [D, H, W] row-major (i fastest). */
  input: Float32Array
  grid: ModelGrid
  intensity: IntensityParams
  /** The head's centre of mass in world mm. */
  headCentreMm: Vec3
}

/** A voxel-size ratio this close to 1 is 1 (float32 sforms round 1.2 mm to 1.2000000477). */
const UNIT_SCALE_TOLERANCE = 1e-6
/** sampling.ts's field of view: voxel centres +- half a voxel, with its tolerance. */
const EDGE_TOLERANCE = 1e-6
const MIN_DIVISOR = 1e-8

export function preprocessVolume(native: Volume, spec: SegmentationSpec): Preprocessed {
  if (native.components !== 1) throw new PerceptError('VALIDATION', 'The image is an RGB volume; segmentation takes a grey-scale MRI.')
  const { volume: oriented, axes, flip } = reorient(native, spec.orientation)
  const head = headOf(oriented)
  const size = voxelSize(oriented.affine)
  const dims: Vec3 = [spec.patch[2], spec.patch[1], spec.patch[0]]
  const scale = [0, 1, 2].map((a) => {
    const s = spec.spacingMm[a]! / size[a]!
    return Math.abs(s - 1) < UNIT_SCALE_TOLERANCE ? 1 : s
  }) as Vec3
  const origin = [0, 1, 2].map((a) => {
    const o = head.centre[a]! - ((dims[a]! - 1) / 2) * scale[a]!
    return scale[a] === 1 ? Math.round(o) : o
  }) as Vec3
  const indexMap = scaleTranslateMat4(scale, origin)
  const affine = multiplyMat4(oriented.affine, indexMap)
  const sampled = resampleByIndexMap(oriented, dims, affine, indexMap, 'trilinear').data as Float32Array

  const intensity = intensityParams(oriented, head, spec.intensity)
  padOutside(sampled, dims, oriented.dims, scale, origin, intensity.background)
  normalize(sampled, intensity)
  const c = head.centre
  const a = oriented.affine
  return {
    input: sampled,
    grid: { nativeDims: [...native.dims], nativeAffine: [...native.affine], mapping: { axes, flip }, orientedDims: [...oriented.dims], dims, scale, origin, affine },
    intensity,
    headCentreMm: [0, 1, 2].map((r) => a[4 * r]! * c[0] + a[4 * r + 1]! * c[1] + a[4 * r + 2]! * c[2] + a[4 * r + 3]!) as Vec3,
  }
}

interface Head {
  threshold: number
  background: number
  voxels: number
  /** Centre of mass in (reoriented) voxel indices. */
  centre: Vec3
}

function headOf(volume: Volume): Head {
  const [p2, p98] = percentiles(volume, [2, 98]) as [number, number]
  if (!Number.isFinite(p2) || !Number.isFinite(p98)) throw new PerceptError('VALIDATION', 'The image holds no finite values to segment.')
  const threshold = p2 + 0.1 * (p98 - p2)
  const [nx, ny, nz] = volume.dims
  const data = volume.data
  let sx = 0, sy = 0, sz = 0, voxels = 0
  for (let k = 0, n = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, n++) {
        if (!(data[n]! > threshold)) continue
        sx += i
        sy += j
        sz += k
        voxels++
      }
    }
  }
  if (voxels === 0) throw new PerceptError('VALIDATION', 'The image is flat (no voxel stands out from the background): there is no head to segment.')
  return { threshold, background: p2, voxels, centre: [sx / voxels, sy / voxels, sz / voxels] }
}

function intensityParams(volume: Volume, head: Head, kind: 'zscore' | 'minmax'): IntensityParams {
  const data = volume.data
  const count = voxelCount(volume.dims)
  const base = { kind, threshold: head.threshold, headVoxels: head.voxels, background: head.background }
  if (kind === 'minmax') {
    const values = new Float32Array(head.voxels)
    for (let n = 0, at = 0; n < count; n++) if (data[n]! > head.threshold) values[at++] = data[n]!
    const [low, high] = percentiles({ dims: [values.length, 1, 1], affine: volume.affine, data: values, components: 1, datatype: 'float32' }, [0.5, 99.5]) as [number, number]
    return { ...base, offset: low, divisor: Math.max(high - low, MIN_DIVISOR) }
  }
  // Two passes (mean, then squared deviations) in float64 for accuracy.
  let sum = 0
  for (let n = 0; n < count; n++) if (data[n]! > head.threshold) sum += data[n]!
  const mean = sum / head.voxels
  let squares = 0
  for (let n = 0; n < count; n++) {
    const v = data[n]!
    if (v > head.threshold) squares += (v - mean) * (v - mean)
  }
  return { ...base, offset: mean, divisor: Math.max(Math.sqrt(squares / head.voxels), MIN_DIVISOR) }
}

/** Model voxels whose sample falls outside the source's field of view (where the sampler gives 0) become air. */
function padOutside(values: Float32Array, dims: Vec3, sourceDims: Vec3, scale: Vec3, origin: Vec3, air: number): void {
  const inside = [0, 1, 2].map((a) =>
    Array.from({ length: dims[a]! }, (_, c) => {
      const x = origin[a]! + scale[a]! * c
      return x >= -0.5 - EDGE_TOLERANCE && x <= sourceDims[a]! - 0.5 + EDGE_TOLERANCE
    }),
  )
  const [nx, ny, nz] = dims
  for (let k = 0, n = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const rowInside = inside[2]![k]! && inside[1]![j]!
      for (let i = 0; i < nx; i++, n++) if (!rowInside || !inside[0]![i]!) values[n] = air
    }
  }
}

function normalize(values: Float32Array, p: IntensityParams): void {
  const { offset, divisor } = p
  if (p.kind === 'zscore') {
    for (let n = 0; n < values.length; n++) values[n] = (values[n]! - offset) / divisor
    return
  }
  for (let n = 0; n < values.length; n++) {
    const v = (values[n]! - offset) / divisor
    values[n] = v < 0 ? 0 : v > 1 ? 1 : v
  }
}
