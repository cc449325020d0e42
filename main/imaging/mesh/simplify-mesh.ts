import { MeshoptSimplifier } from 'meshoptimizer'
import { PerceptError } from '../../core/errors'
import { withNormals, type Geometry, type Mesh } from './mesh'

export interface SimplifyOptions {
  /** Fraction of the triangles to remove, 0 to 0.99. */
  reduction: number
  /** The largest deviation from the input surface allowed, in mm. */
  maxErrorMm: number
}

/** The largest reduction accepted: past it a structure collapses to a handful of triangles. */
export const maxReduction = 0.99

/** Throws a VALIDATION error a person can act on when the options are out of range. */
export function checkSimplifyOptions({ reduction, maxErrorMm }: SimplifyOptions): void {
  if (!(reduction >= 0 && reduction <= maxReduction)) {
    throw new PerceptError('VALIDATION', `The mesh reduction must be between 0 and ${maxReduction}; it was ${reduction}.`)
  }
  if (!(maxErrorMm >= 0)) {
    throw new PerceptError('VALIDATION', `The simplification error bound must be 0 mm or more; it was ${maxErrorMm}.`)
  }
}

/**
 * Edge-collapse simplification by meshoptimizer (quadric error metric, Garland & Heckbert 1997) towards
 * (1 - reduction) of the triangles, stopping earlier where the next collapse would move the surface by
 * more than maxErrorMm: the count reached may be above the target, never below what the bound allows.
 *
 * Flags: 'ErrorAbsolute' only, so the bound is in mm (the positions' unit) rather than a fraction of the
 * mesh's extent, and means the same for a small nucleus and a whole hemisphere. Not 'Prune', which would
 * delete small islands of a label (they are part of the structure), nor 'LockBorder' (a label surface is
 * closed, it has no border), nor the sloppy simplifier, which ignores topology. The collapses keep a
 * closed surface closed, but where a thin part flattens they can leave a fin: the same triangle twice,
 * back to back. Fins enclose nothing and make edges shared by four triangles, so they are removed.
 *
 * The vertices the simplified triangles no longer use are dropped; normals are recomputed.
 */
export async function simplifyMesh(mesh: Mesh, options: SimplifyOptions): Promise<Mesh> {
  const simplified = await simplifyGeometry(mesh, options)
  return simplified === mesh ? mesh : withNormals(simplified)
}

/** simplifyMesh without the normals, for a pipeline that computes them once at its end. */
export async function simplifyGeometry(geometry: Geometry, options: SimplifyOptions): Promise<Geometry> {
  checkSimplifyOptions(options)
  const { reduction, maxErrorMm } = options
  const target = Math.floor((geometry.indices.length / 3) * (1 - reduction)) * 3
  if (reduction === 0 || target >= geometry.indices.length) return geometry
  await MeshoptSimplifier.ready
  const [collapsed] = MeshoptSimplifier.simplify(geometry.indices, geometry.positions, 3, target, maxErrorMm, ['ErrorAbsolute'])
  const simplified = removeFins(collapsed, geometry.positions.length / 3)
  // compactMesh renumbers the indices in place and returns, per old vertex, its new index (~0 if unused).
  const [remap, kept] = MeshoptSimplifier.compactMesh(simplified)
  const positions = new Float32Array(kept * 3)
  for (let v = 0; v < remap.length; v++) {
    const to = remap[v]!
    if (to === 0xffffffff) continue
    positions[to * 3] = geometry.positions[v * 3]!
    positions[to * 3 + 1] = geometry.positions[v * 3 + 1]!
    positions[to * 3 + 2] = geometry.positions[v * 3 + 2]!
  }
  return { positions, indices: simplified }
}

/**
 * Removes pairs of triangles with the same three vertices and opposite windings. Only triangles on a
 * directed edge that occurs twice can be in such a pair; those are found with each vertex's outgoing
 * edges in compressed rows (a handful per vertex), so a mesh without fins costs two passes over its
 * triangles and no hashing.
 */
export function removeFins(indices: Uint32Array, vertices: number): Uint32Array {
  const start = new Uint32Array(vertices + 1)
  for (let i = 0; i < indices.length; i++) start[indices[i]! + 1]! += 1
  for (let v = 0; v < vertices; v++) start[v + 1]! += start[v]!
  const fill = start.slice(0, vertices)
  const target = new Uint32Array(indices.length)
  const owner = new Uint32Array(indices.length)
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i]!
    const slot = fill[from]!++
    target[slot] = indices[i % 3 === 2 ? i - 2 : i + 1]!
    owner[slot] = i - (i % 3)
  }
  const candidates = new Set<number>()
  for (let v = 0; v < vertices; v++) {
    for (let a = start[v]!; a < start[v + 1]!; a++) {
      for (let b = a + 1; b < start[v + 1]!; b++) {
        if (target[a] === target[b]) candidates.add(owner[a]!).add(owner[b]!)
      }
    }
  }
  if (candidates.size === 0) return indices
  const waiting = new Map<string, [number, number]>()
  const drop = new Set<number>()
  for (const t of candidates) {
    const corners = [indices[t]!, indices[t + 1]!, indices[t + 2]!]
    // Rotate the smallest vertex first: (m, p, q) and (m, q, p) are the same triangle, opposite ways.
    const first = corners.indexOf(Math.min(...corners))
    const p = corners[(first + 1) % 3]!
    const q = corners[(first + 2) % 3]!
    const key = `${corners[first]},${Math.min(p, q)},${Math.max(p, q)}`
    const way = p < q ? 0 : 1
    const open = waiting.get(key) ?? [-1, -1]
    const partner = open[1 - way]!
    if (partner >= 0) {
      drop.add(partner).add(t)
      open[1 - way] = -1
    } else {
      open[way] = t
    }
    waiting.set(key, open)
  }
  if (drop.size === 0) return indices
  const kept = new Uint32Array(indices.length - drop.size * 3)
  let at = 0
  for (let t = 0; t < indices.length; t += 3) {
    if (drop.has(t)) continue
    kept[at++] = indices[t]!
    kept[at++] = indices[t + 1]!
    kept[at++] = indices[t + 2]!
  }
  return kept
}
