/**
 * A volume as every imaging module sees it, whatever file it came from.
 *
 * Voxel (i, j, k) sits at data[i + nx * (j + ny * k)] (NIfTI's order, i fastest). The affine maps a
 * voxel index to world millimetres in RAS+ (x to the subject's Right, y Anterior, z Superior: NIfTI's
 * convention; DICOM's LPS is converted on import). Nothing here resamples: orientation is a property
 * of the affine, and reorientation permutes and flips the grid exactly.
 */

/** The stored voxel types we read and write (NIfTI's names, lower case). */
export type VoxelType = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'float32' | 'float64' | 'rgb24'

export type VoxelArray = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Float32Array | Float64Array

/** Row-major 4x4: world = affine * [i, j, k, 1]. */
export type Mat4 = [
  number, number, number, number,
  number, number, number, number,
  number, number, number, number,
  number, number, number, number,
]

export type Vec3 = [number, number, number]

export interface Volume {
  /** Voxels along i, j, k. */
  dims: Vec3
  /** Voxel index to RAS+ world millimetres. */
  affine: Mat4
  /**
   * Intensities after scl_slope / scl_inter (or DICOM rescale). The stored type's own array when the
   * scaling is the identity (labels stay integers), Float32Array otherwise. RGB24: 3 bytes per voxel.
   */
  data: VoxelArray
  /** 1, or 3 for RGB24. */
  components: 1 | 3
  /** How the file stored the voxels (before scaling). */
  datatype: VoxelType
}

export function voxelCount(dims: Vec3): number {
  return dims[0] * dims[1] * dims[2]
}

export function voxelIndex(dims: Vec3, i: number, j: number, k: number): number {
  return i + dims[0] * (j + dims[1] * k)
}

/** Voxel size in mm: the lengths of the affine's first three columns. */
export function voxelSize(affine: Mat4): Vec3 {
  const column = (c: number): number => Math.hypot(affine[c]!, affine[4 + c]!, affine[8 + c]!)
  return [column(0), column(1), column(2)]
}

/** Volume of one voxel in mm^3 (|det| of the affine's 3x3 part). */
export function voxelVolumeMm3(affine: Mat4): number {
  const [a, b, c, , d, e, f, , g, h, i] = affine
  return Math.abs(a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g))
}

/** world = affine * [i, j, k, 1]. */
export function voxelToWorld(affine: Mat4, i: number, j: number, k: number): Vec3 {
  return [
    affine[0] * i + affine[1] * j + affine[2] * k + affine[3],
    affine[4] * i + affine[5] * j + affine[6] * k + affine[7],
    affine[8] * i + affine[9] * j + affine[10] * k + affine[11],
  ]
}
