import type { Mat4, Vec3, Volume } from '../../../../main/imaging/volume'
import type { Mesh } from '../../../../main/imaging/mesh'

/** A diagonal affine: voxel (i, j, k) at origin + (i * sx, j * sy, k * sz) mm. */
export function scaled(spacing: Vec3, origin: Vec3 = [0, 0, 0]): Mat4 {
  return [spacing[0], 0, 0, origin[0], 0, spacing[1], 0, origin[1], 0, 0, spacing[2], origin[2], 0, 0, 0, 1]
}

/** A uint8 label volume whose voxel gets `label(i, j, k)`. */
export function labelVolume(dims: Vec3, affine: Mat4, label: (i: number, j: number, k: number) => number): Volume {
  const data = new Uint8Array(dims[0] * dims[1] * dims[2])
  for (let k = 0; k < dims[2]; k++) {
    for (let j = 0; j < dims[1]; j++) {
      for (let i = 0; i < dims[0]; i++) data[i + dims[0] * (j + dims[1] * k)] = label(i, j, k)
    }
  }
  return { dims, affine, data, components: 1, datatype: 'uint8' }
}

export interface Ball {
  centre: Vec3
  radiusMm: number
  label: number
}

/** Balls in world mm: a voxel holds a ball's label when its centre lies inside it. */
export function ballVolume(dims: Vec3, affine: Mat4, balls: Ball[]): Volume {
  return labelVolume(dims, affine, (i, j, k) => {
    const x = affine[0] * i + affine[1] * j + affine[2] * k + affine[3]
    const y = affine[4] * i + affine[5] * j + affine[6] * k + affine[7]
    const z = affine[8] * i + affine[9] * j + affine[10] * k + affine[11]
    const ball = balls.find((b) => Math.hypot(x - b.centre[0], y - b.centre[1], z - b.centre[2]) <= b.radiusMm)
    return ball?.label ?? 0
  })
}

export function countLabel(volume: Volume, label: number): number {
  let count = 0
  for (const value of volume.data) if (value === label) count++
  return count
}

/**
 * How far a mesh is from a closed, consistently oriented surface: directed edges that occur more than
 * once, or whose reverse is missing (0 for both means every edge is shared by exactly two triangles that
 * traverse it in opposite directions), and degenerate triangles (a repeated vertex).
 */
export function edgeDefects(mesh: Mesh): { unpaired: number; repeated: number; degenerate: number } {
  const vertices = mesh.positions.length / 3
  const directed = new Map<number, number>()
  let degenerate = 0
  const { indices } = mesh
  for (let t = 0; t < indices.length; t += 3) {
    const tri = [indices[t]!, indices[t + 1]!, indices[t + 2]!]
    if (tri[0] === tri[1] || tri[1] === tri[2] || tri[2] === tri[0]) degenerate++
    for (let e = 0; e < 3; e++) {
      const key = tri[e]! * vertices + tri[(e + 1) % 3]!
      directed.set(key, (directed.get(key) ?? 0) + 1)
    }
  }
  let unpaired = 0
  let repeated = 0
  for (const [key, count] of directed) {
    if (count > 1) repeated++
    const from = Math.floor(key / vertices)
    const to = key % vertices
    if (!directed.has(to * vertices + from)) unpaired++
  }
  return { unpaired, repeated, degenerate }
}

/** Mean and standard deviation of the vertices' distances to a point. */
export function radialSpread(mesh: Mesh, centre: Vec3): { mean: number; sd: number } {
  const p = mesh.positions
  const n = p.length / 3
  let sum = 0
  let sumSquares = 0
  for (let v = 0; v < p.length; v += 3) {
    const r = Math.hypot(p[v]! - centre[0], p[v + 1]! - centre[1], p[v + 2]! - centre[2])
    sum += r
    sumSquares += r * r
  }
  const mean = sum / n
  return { mean, sd: Math.sqrt(Math.max(0, sumSquares / n - mean * mean)) }
}

/** A small seeded generator (mulberry32) so random masks are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
