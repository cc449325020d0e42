import type { Vec3 } from './affine'
import type { Dims } from './grid'

/**
 * Where to show a structure: the voxel of `label` nearest to the label's centroid (the centroid
 * itself may fall outside a curved structure such as the caudate or a ventricle). Display indices of
 * the label grid; null when no voxel has the label. Two passes over the volume, no allocation.
 */
export function labelLocation(voxels: Int32Array, dims: Dims, label: number): Vec3 | null {
  const [nx, ny, nz] = dims
  let count = 0
  let sx = 0
  let sy = 0
  let sz = 0
  let offset = 0
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        if (voxels[offset++] === label) {
          count++
          sx += x
          sy += y
          sz += z
        }
      }
    }
  }
  if (count === 0) return null
  const cx = sx / count
  const cy = sy / count
  const cz = sz / count
  let best: Vec3 = [0, 0, 0]
  let bestDistance = Infinity
  offset = 0
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        if (voxels[offset++] !== label) continue
        const distance = (x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2
        if (distance < bestDistance) {
          bestDistance = distance
          best = [x, y, z]
        }
      }
    }
  }
  return best
}
