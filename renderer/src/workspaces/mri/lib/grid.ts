import type { OpenVolume } from '../../../../../main/api'
import { applyAffine, invertAffine, type Mat4, type Vec3 } from './affine'

/**
 * The viewer's grid: the volume as the core reoriented it to RAS+ (display index x grows to the
 * subject's Right, y Anterior, z Superior), with the way back to the file's own (native) indices and
 * forward to world millimetres. See `openVolumeSchema.display` in main/api/mri.ts.
 */
export type DisplayGrid = OpenVolume['display']
export type ToNative = DisplayGrid['toNative']
export type Dims = readonly [number, number, number]

/** Where voxel (x, y, z) sits in the display array (x fastest, like NIfTI). */
export function voxelOffset(dims: Dims, x: number, y: number, z: number): number {
  return x + dims[0] * (y + dims[1] * z)
}

/** The native grid's dims: native axis a is display axis axes[a]. */
export function nativeDims(toNative: ToNative, displayDims: Dims): Vec3 {
  const { axes } = toNative
  return [displayDims[axes[0]]!, displayDims[axes[1]]!, displayDims[axes[2]]!]
}

/** Display index to the file's own index: native[a] = display[axes[a]], flipped (n - 1 - v) where flip[a]. */
export function displayToNative(toNative: ToNative, displayDims: Dims, index: readonly number[]): Vec3 {
  const out: Vec3 = [0, 0, 0]
  for (let a = 0; a < 3; a++) {
    const axis = toNative.axes[a]!
    const value = index[axis]!
    out[a] = toNative.flip[a] ? displayDims[axis]! - 1 - value : value
  }
  return out
}

/** The file's own index to the display index (the inverse of displayToNative). */
export function nativeToDisplay(toNative: ToNative, displayDims: Dims, native: readonly number[]): Vec3 {
  const out: Vec3 = [0, 0, 0]
  for (let a = 0; a < 3; a++) {
    const axis = toNative.axes[a]!
    const value = native[a]!
    out[axis] = toNative.flip[a] ? displayDims[axis]! - 1 - value : value
  }
  return out
}

/** World mm (RAS+) of a display index (voxel centres at integer indices, NIfTI's convention). */
export function displayToWorld(grid: { affine: Mat4 }, index: readonly number[]): Vec3 {
  return applyAffine(grid.affine, index[0]!, index[1]!, index[2]!)
}

/** The continuous display index of a world point (mm). */
export function worldToDisplay(grid: { affine: Mat4 }, mm: readonly number[]): Vec3 {
  return applyAffine(invertAffine(grid.affine), mm[0]!, mm[1]!, mm[2]!)
}

/** Whether a continuous index falls within the grid's voxels (each voxel reaches half a voxel around its centre). */
export function insideGrid(dims: Dims, index: readonly number[]): boolean {
  for (let a = 0; a < 3; a++) {
    const value = index[a]!
    if (!(value >= -0.5 && value < dims[a]! - 0.5)) return false
  }
  return true
}

/** The nearest voxel to a continuous index, kept inside the grid. */
export function clampIndex(dims: Dims, index: readonly number[]): Vec3 {
  const clamp = (a: number): number => Math.min(dims[a]! - 1, Math.max(0, Math.round(index[a]!)))
  return [clamp(0), clamp(1), clamp(2)]
}

/** The middle voxel, where the crosshair starts. */
export function centreIndex(dims: Dims): Vec3 {
  return [Math.floor(dims[0] / 2), Math.floor(dims[1] / 2), Math.floor(dims[2] / 2)]
}
