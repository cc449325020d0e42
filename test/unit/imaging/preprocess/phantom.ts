import { voxelCount, voxelToWorld, type Mat4, type Vec3, type Volume } from '../../../../main/imaging/volume'

/** Test phantoms with known geometry: nested ellipsoids (analytic volumes), ramps, single markers. */

export interface Shell {
  label: number
  /** Semi-axes along world x, y, z in mm. */
  radii: Vec3
}

/** Axis-aligned scale + translate affine: world = origin + size * index. */
export function diagonalAffine(size: Vec3, origin: Vec3 = [0, 0, 0]): Mat4 {
  return [size[0], 0, 0, origin[0], 0, size[1], 0, origin[1], 0, 0, size[2], origin[2], 0, 0, 0, 1]
}

/**
 * Nested ellipsoids about `centre` (world mm), shells listed outermost first; each voxel takes the
 * label of the innermost shell that contains its centre.
 */
export function ellipsoidLabels(dims: Vec3, affine: Mat4, centre: Vec3, shells: Shell[]): Volume {
  const data = new Uint8Array(voxelCount(dims))
  let o = 0
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      for (let i = 0; i < dims[0]; i++, o++) {
        const x = affine[0] * i + affine[1] * j + affine[2] * k + affine[3] - centre[0]
        const y = affine[4] * i + affine[5] * j + affine[6] * k + affine[7] - centre[1]
        const z = affine[8] * i + affine[9] * j + affine[10] * k + affine[11] - centre[2]
        for (const { label, radii } of shells) {
          if ((x / radii[0]) ** 2 + (y / radii[1]) ** 2 + (z / radii[2]) ** 2 <= 1) data[o] = label
        }
      }
    }
  }
  return { dims, affine, data, components: 1, datatype: 'uint8' }
}

/** A float volume whose value at each voxel is f(world position). */
export function worldFunction(dims: Vec3, affine: Mat4, f: (w: Vec3) => number): Volume {
  const data = new Float32Array(voxelCount(dims))
  let o = 0
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      for (let i = 0; i < dims[0]; i++, o++) data[o] = f(voxelToWorld(affine, i, j, k))
    }
  }
  return { dims, affine, data, components: 1, datatype: 'float32' }
}

export function ellipsoidVolume(r: Vec3): number {
  return (4 / 3) * Math.PI * r[0] * r[1] * r[2]
}

/** Knud Thomsen's approximation of an ellipsoid's surface area (relative error under 1.1%). */
export function ellipsoidArea(r: Vec3): number {
  const p = 1.6075
  const [a, b, c] = r.map((x) => x ** p) as Vec3
  return 4 * Math.PI * ((a * b + a * c + b * c) / 3) ** (1 / p)
}

/** Voxels holding `label`. */
export function countLabel(volume: Volume, label: number): number {
  let n = 0
  for (let i = 0; i < volume.data.length; i++) if (volume.data[i] === label) n++
  return n
}

/** Dice of every label of `b` (but 0) between two integer label maps on the same grid, in one pass. */
export function diceByLabel(a: Volume, b: Volume): Map<number, number> {
  let size = 1
  for (let i = 0; i < a.data.length; i++) size = Math.max(size, a.data[i]! + 1, b.data[i]! + 1)
  const both = new Float64Array(size), na = new Float64Array(size), nb = new Float64Array(size)
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i]!, y = b.data[i]!
    na[x]!++
    nb[y]!++
    if (x === y) both[x]!++
  }
  const out = new Map<number, number>()
  for (let l = 1; l < size; l++) if (nb[l]! > 0) out.set(l, (2 * both[l]!) / (na[l]! + nb[l]!))
  return out
}

/** Dice of one label between two volumes on the same grid. */
export function dice(a: Volume, b: Volume, label: number): number {
  let both = 0, na = 0, nb = 0
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i] === label, y = b.data[i] === label
    if (x) na++
    if (y) nb++
    if (x && y) both++
  }
  return na + nb === 0 ? 1 : (2 * both) / (na + nb)
}

/** World centroid of the voxels, each weighted by its value. */
export function weightedCentroid(volume: Volume): Vec3 {
  const sum: Vec3 = [0, 0, 0]
  let total = 0
  let o = 0
  const [nx, ny, nz] = volume.dims
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, o++) {
        const v = volume.data[o]!
        if (v === 0) continue
        const w = voxelToWorld(volume.affine, i, j, k)
        sum[0] += v * w[0]
        sum[1] += v * w[1]
        sum[2] += v * w[2]
        total += v
      }
    }
  }
  return [sum[0] / total, sum[1] / total, sum[2] / total]
}

/** How many elements differ (vitest's deep equality is far too slow on millions of voxels). */
export function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.max(a.length, b.length)
  let n = 0
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++
  return n
}
