import type { Mat4, Vec3, Volume, VoxelArray } from '../../../../main/imaging/volume'

export const IDENTITY: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]

/** A label volume whose voxel (i, j, k) holds label(i, j, k). */
export function labelVolume<T extends VoxelArray>(
  dims: Vec3,
  make: (length: number) => T,
  label: (i: number, j: number, k: number) => number,
  affine: Mat4 = IDENTITY,
): Volume {
  const data = make(dims[0] * dims[1] * dims[2])
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      for (let i = 0; i < dims[0]; i++) data[i + dims[0] * (j + dims[1] * k)] = label(i, j, k)
    }
  }
  return { dims, affine, data, components: 1, datatype: 'int16' }
}
