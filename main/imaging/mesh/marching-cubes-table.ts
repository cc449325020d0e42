/**
 * The marching-cubes case table (Lorensen & Cline 1987), generated here rather than typed in, with one
 * rule for the ambiguous faces so that neighbouring cubes always agree and the surface has no cracks.
 *
 * Cube corner n sits at (n & 1, (n >> 1) & 1, (n >> 2) & 1). Edge `axis * 4 + m` joins the m-th corner
 * whose `axis` bit is 0 (in increasing order) to that corner plus one step along `axis`. Bit n of a case
 * index is set when corner n is inside.
 *
 * Ambiguous faces (two inside corners on a diagonal, Dürst 1988) are always resolved by separating the
 * inside corners. The rule depends only on the face, so the two cubes sharing it cut it the same way,
 * and the inside is 6-connected while the outside is 18-connected: a consistent digital topology.
 *
 * Each polygon is the boundary of an outside patch of the cube's surface, walked with the outside on
 * its left; its triangles are then counter-clockwise seen from outside the object (normal pointing from
 * inside to outside) in a right-handed index space.
 */

/** Each edge as [first corner, axis]; its second corner is first | (1 << axis). */
export const edgeCorners: ReadonlyArray<readonly [number, number]> = buildEdges()

export interface CaseTable {
  /** Triangles of case c: edges triangles[offsets[c] .. offsets[c + 1]), three per triangle. */
  offsets: Uint16Array
  triangles: Uint8Array
}

function buildEdges(): Array<readonly [number, number]> {
  const edges: Array<readonly [number, number]> = []
  for (let axis = 0; axis < 3; axis++) {
    for (let n = 0; n < 8; n++) if ((n & (1 << axis)) === 0) edges.push([n, axis] as const)
  }
  return edges
}

function edgeBetween(a: number, b: number): number {
  const low = Math.min(a, b)
  const axis = Math.log2(a ^ b)
  return edgeCorners.findIndex(([corner, edgeAxis]) => corner === low && edgeAxis === axis)
}

/** The 4 corners of each face, counter-clockwise seen from outside the cube. */
function buildFaces(): number[][] {
  const faces: number[][] = []
  for (let axis = 0; axis < 3; axis++) {
    const u = (axis + 1) % 3
    const v = (axis + 2) % 3
    for (const side of [0, 1]) {
      // (0,0) (1,0) (1,1) (0,1) in (u, v) is counter-clockwise seen from +axis, since e_u x e_v = e_axis.
      const ring = [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ].map(([du, dv]) => (side << axis) | (du! << u) | (dv! << v))
      faces.push(side === 1 ? ring : ring.reverse())
    }
  }
  return faces
}

const faces = buildFaces()
const faceEdges = faces.map((ring) => ring.map((corner, i) => edgeBetween(corner, ring[(i + 1) % 4]!)))

function shareFace(a: number, b: number): boolean {
  return faceEdges.some((edges) => edges.includes(a) && edges.includes(b))
}

/** The loops of crossing edges for one case, each oriented with the outside on its left. */
function caseLoops(inside: (corner: number) => boolean): number[][] {
  const next = new Map<number, number>()
  faces.forEach((ring, f) => {
    const crossings: Array<{ edge: number; start: boolean }> = []
    for (let i = 0; i < 4; i++) {
      const from = inside(ring[i]!)
      const to = inside(ring[(i + 1) % 4]!)
      if (from !== to) crossings.push({ edge: faceEdges[f]![i]!, start: !from })
    }
    // A segment runs from each outside-to-inside crossing to the next crossing counter-clockwise,
    // which cuts off each inside corner on its own: the "separate the inside" rule.
    crossings.forEach((crossing, i) => {
      if (crossing.start) next.set(crossing.edge, crossings[(i + 1) % crossings.length]!.edge)
    })
  })
  const loops: number[][] = []
  const seen = new Set<number>()
  for (const first of [...next.keys()].sort((a, b) => a - b)) {
    if (seen.has(first)) continue
    const loop: number[] = []
    for (let edge = first; !seen.has(edge); edge = next.get(edge)!) {
      seen.add(edge)
      loop.push(edge)
    }
    loops.push(loop)
  }
  return loops
}

/**
 * Triangulates a loop without any diagonal that lies in a cube face: such a diagonal could coincide
 * with one chosen by the neighbouring cube and leave an edge shared by four triangles.
 */
function triangulate(loop: number[]): number[] | undefined {
  if (loop.length === 3) return [...loop]
  const n = loop.length
  const first = loop[0]!
  const second = loop[1]!
  for (let k = 2; k < n; k++) {
    const apex = loop[k]!
    if (k > 2 && shareFace(second, apex)) continue
    if (k < n - 1 && shareFace(first, apex)) continue
    const left = k > 2 ? triangulate(loop.slice(1, k + 1)) : []
    const right = k < n - 1 ? triangulate([...loop.slice(k), first]) : []
    if (left && right) return [first, second, apex, ...left, ...right]
  }
  return undefined
}

function buildTable(): CaseTable {
  const perCase: number[][] = []
  for (let c = 0; c < 256; c++) {
    const loops = caseLoops((corner) => ((c >> corner) & 1) === 1)
    // Every loop of this rule (at most 7 edges) has such a triangulation; at most 5 triangles per case.
    perCase.push(
      loops.flatMap((loop) => {
        const triangles = triangulate(loop)
        if (!triangles) throw new Error(`marching cubes: no crack-free triangulation for case ${c}`)
        return triangles
      }),
    )
  }
  const offsets = new Uint16Array(257)
  perCase.forEach((triangles, c) => (offsets[c + 1] = offsets[c]! + triangles.length))
  return { offsets, triangles: Uint8Array.from(perCase.flat()) }
}

export const caseTable: CaseTable = buildTable()
