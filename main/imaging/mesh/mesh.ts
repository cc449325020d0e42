/**
 * An indexed triangle mesh in world millimetres (RAS+), as the surface functions produce it and the
 * viewer draws it. Triangles are counter-clockwise seen from outside, so (b - a) x (c - a) points out.
 */
export interface Mesh {
  /** V x 3 vertex positions, world mm. */
  positions: Float32Array
  /** V x 3 unit vertex normals, pointing outward. */
  normals: Float32Array
  /** T x 3 vertex indices. */
  indices: Uint32Array
}

/** Positions and triangles only: a stage of the surface pipeline before its normals are computed. */
export type Geometry = Pick<Mesh, 'positions' | 'indices'>

/** The geometry with its vertex normals. */
export function withNormals(geometry: Geometry): Mesh {
  return { positions: geometry.positions, normals: vertexNormals(geometry.positions, geometry.indices), indices: geometry.indices }
}

export function emptyMesh(): Mesh {
  return { positions: new Float32Array(0), normals: new Float32Array(0), indices: new Uint32Array(0) }
}

export function vertexCount(mesh: Mesh): number {
  return mesh.positions.length / 3
}

export function triangleCount(mesh: Mesh): number {
  return mesh.indices.length / 3
}

/**
 * Area-weighted vertex normals: the sum of the un-normalised face normals (b - a) x (c - a) around each
 * vertex, then normalised. A vertex no triangle uses gets (0, 0, 0).
 */
export function vertexNormals(positions: Float32Array, indices: Uint32Array): Float32Array {
  const sums = new Float64Array(positions.length)
  const normal = new Float64Array(3)
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]! * 3
    const b = indices[t + 1]! * 3
    const c = indices[t + 2]! * 3
    faceNormal(positions, a, b, c, normal)
    const nx = normal[0]!
    const ny = normal[1]!
    const nz = normal[2]!
    sums[a]! += nx
    sums[a + 1]! += ny
    sums[a + 2]! += nz
    sums[b]! += nx
    sums[b + 1]! += ny
    sums[b + 2]! += nz
    sums[c]! += nx
    sums[c + 1]! += ny
    sums[c + 2]! += nz
  }
  const normals = new Float32Array(positions.length)
  for (let v = 0; v < sums.length; v += 3) {
    const length = Math.hypot(sums[v]!, sums[v + 1]!, sums[v + 2]!)
    if (length === 0) continue
    normals[v] = sums[v]! / length
    normals[v + 1] = sums[v + 1]! / length
    normals[v + 2] = sums[v + 2]! / length
  }
  return normals
}

/** (b - a) x (c - a), unnormalised, of the triangle whose vertices start at offsets a, b, c of `p`, into `out`. */
export function faceNormal(p: Float32Array, a: number, b: number, c: number, out: Float64Array): void {
  const ux = p[b]! - p[a]!
  const uy = p[b + 1]! - p[a + 1]!
  const uz = p[b + 2]! - p[a + 2]!
  const vx = p[c]! - p[a]!
  const vy = p[c + 1]! - p[a + 1]!
  const vz = p[c + 2]! - p[a + 2]!
  out[0] = uy * vz - uz * vy
  out[1] = uz * vx - ux * vz
  out[2] = ux * vy - uy * vx
}

/**
 * Enclosed volume in mm^3 by the divergence theorem: the sum over triangles of the signed volumes of the
 * tetrahedra they span with a reference point, a . (b x c) / 6. Positive for a closed mesh whose triangles
 * are counter-clockwise seen from outside; meaningless for an open one. The reference point is the first
 * vertex, which keeps the float64 sums small (less cancellation) without changing a closed mesh's result.
 */
export function meshVolumeMm3(mesh: Geometry): number {
  const { positions: p, indices } = mesh
  if (indices.length === 0) return 0
  const ox = p[0]!
  const oy = p[1]!
  const oz = p[2]!
  let sum = 0
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]! * 3
    const b = indices[t + 1]! * 3
    const c = indices[t + 2]! * 3
    const ax = p[a]! - ox
    const ay = p[a + 1]! - oy
    const az = p[a + 2]! - oz
    const bx = p[b]! - ox
    const by = p[b + 1]! - oy
    const bz = p[b + 2]! - oz
    const cx = p[c]! - ox
    const cy = p[c + 1]! - oy
    const cz = p[c + 2]! - oz
    sum += ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx)
  }
  return sum / 6
}

/** Surface area in mm^2: the sum of |(b - a) x (c - a)| / 2. */
export function meshArea(mesh: Geometry): number {
  const { positions: p, indices } = mesh
  let sum = 0
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]! * 3
    const b = indices[t + 1]! * 3
    const c = indices[t + 2]! * 3
    const ux = p[b]! - p[a]!
    const uy = p[b + 1]! - p[a + 1]!
    const uz = p[b + 2]! - p[a + 2]!
    const vx = p[c]! - p[a]!
    const vy = p[c + 1]! - p[a + 1]!
    const vz = p[c + 2]! - p[a + 2]!
    sum += Math.hypot(uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx)
  }
  return sum / 2
}
