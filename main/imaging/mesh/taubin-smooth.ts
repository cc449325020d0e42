import { withNormals, type Geometry, type Mesh } from './mesh'

export interface TaubinOptions {
  /** Pairs of steps; 0 returns the mesh unchanged. */
  iterations: number
  /** The shrinking step's factor (Taubin's lambda), > 0. Default 0.5. */
  lambda?: number
  /** The inflating step's factor (Taubin's mu), < -lambda. Default -0.53. */
  mu?: number
}

/**
 * Taubin's lambda|mu smoothing (G. Taubin, "A signal processing approach to fair surface design",
 * SIGGRAPH 1995): each iteration moves every vertex by lambda times its umbrella Laplacian (the mean of
 * its neighbours minus itself), then by mu times the new Laplacian. With mu < -lambda it is a low-pass
 * filter with pass-band k_PB = 1/lambda + 1/mu (about 0.11 for the defaults): the staircase of a voxel
 * surface is removed while, unlike plain Laplacian smoothing, the object does not shrink.
 *
 * Neighbours come from the triangles' directed edges: a -> b makes b a neighbour of a. On a closed,
 * consistently oriented mesh (what marching cubes gives) each edge is walked once in each direction, so
 * every neighbour is counted exactly once; on an open mesh a border vertex misses the neighbour across
 * its border edge, which only shifts its average slightly. Normals are recomputed.
 */
export function taubinSmooth(mesh: Mesh, options: TaubinOptions): Mesh {
  if (options.iterations <= 0 || mesh.indices.length === 0) return mesh
  return withNormals(smoothGeometry(mesh, options))
}

/** taubinSmooth without the normals, for a pipeline that computes them once at its end. */
export function smoothGeometry(geometry: Geometry, options: TaubinOptions): Geometry {
  const { iterations, lambda = 0.5, mu = -0.53 } = options
  if (iterations <= 0 || geometry.indices.length === 0) return geometry
  const { start, neighbours } = adjacency(geometry.indices, geometry.positions.length / 3)
  // The typed-array constructors copy in bulk; .from() would go element by element through an iterator.
  let current = new Float64Array(geometry.positions)
  let next = new Float64Array(current.length)
  for (let i = 0; i < iterations; i++) {
    for (const factor of [lambda, mu]) {
      umbrellaStep(current, next, start, neighbours, factor)
      const swap = current
      current = next
      next = swap
    }
  }
  return { positions: new Float32Array(current), indices: geometry.indices }
}

/** to = from + factor * (mean of the neighbours - from), per vertex; a vertex with none stays. */
function umbrellaStep(from: Float64Array, to: Float64Array, start: Uint32Array, neighbours: Uint32Array, factor: number): void {
  for (let v = 0; v + 1 < start.length; v++) {
    const first = start[v]!
    const end = start[v + 1]!
    const p = v * 3
    if (first === end) {
      to[p] = from[p]!
      to[p + 1] = from[p + 1]!
      to[p + 2] = from[p + 2]!
      continue
    }
    let x = 0
    let y = 0
    let z = 0
    for (let n = first; n < end; n++) {
      const q = neighbours[n]! * 3
      x += from[q]!
      y += from[q + 1]!
      z += from[q + 2]!
    }
    const scale = 1 / (end - first)
    to[p] = from[p]! + factor * (x * scale - from[p]!)
    to[p + 1] = from[p + 1]! + factor * (y * scale - from[p + 1]!)
    to[p + 2] = from[p + 2]! + factor * (z * scale - from[p + 2]!)
  }
}

/** Compressed rows: vertex v's neighbours are neighbours[start[v] .. start[v + 1]). */
function adjacency(indices: Uint32Array, vertices: number): { start: Uint32Array; neighbours: Uint32Array } {
  const start = new Uint32Array(vertices + 1)
  for (let t = 0; t < indices.length; t++) start[indices[t]! + 1]! += 1
  for (let v = 0; v < vertices; v++) start[v + 1]! += start[v]!
  const fill = start.slice(0, vertices)
  const neighbours = new Uint32Array(indices.length)
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]!
    const b = indices[t + 1]!
    const c = indices[t + 2]!
    neighbours[fill[a]!++] = b
    neighbours[fill[b]!++] = c
    neighbours[fill[c]!++] = a
  }
  return { start, neighbours }
}
