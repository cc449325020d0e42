import type { Mat4, Volume } from '../volume'
import { assertLabelVolume, labelBounds, type VoxelBox } from './label-bounds'
import { caseTable, edgeCorners } from './marching-cubes-table'
import { emptyMesh, withNormals, type Geometry, type Mesh } from './mesh'

/**
 * The surface of one label by marching cubes (Lorensen & Cline 1987) on its binary mask at iso 0.5.
 *
 * Samples are voxel centres, so on a 0/1 mask every crossing lies at an edge's midpoint. The cubes cover
 * the label's bounding box grown by one voxel on every side, and samples outside the volume count as
 * outside, so an object touching the border is still closed. Each crossing's vertex is made once and
 * shared by every cube around its edge: the mesh is indexed and, for any mask, closed and manifold along
 * its edges (the table resolves ambiguous faces the same way in both cubes that share them).
 *
 * Positions go through the volume's affine to world mm. Triangles are counter-clockwise seen from outside
 * in index space; an affine with a negative determinant mirrors space, so their winding is then reversed.
 */
export function marchingCubes(volume: Volume, label: number, box?: VoxelBox): Mesh {
  return withNormals(marchingCubesGeometry(volume, label, box))
}

/** marchingCubes without the normals, for a pipeline that moves the vertices afterwards anyway. */
export function marchingCubesGeometry(volume: Volume, label: number, box?: VoxelBox): Geometry {
  assertLabelVolume(volume)
  const bounds = box ?? labelBounds(volume).get(label)
  if (!bounds) return emptyMesh()
  return extract(paddedMask(volume, label, bounds), volume.affine)
}

/** A 0/1 mask over the box grown by one voxel per side; `origin` is its first sample's voxel index. */
interface PaddedMask {
  data: Uint8Array
  size: [number, number, number]
  origin: [number, number, number]
}

function paddedMask(volume: Volume, label: number, box: VoxelBox): PaddedMask {
  const [nx, ny, nz] = volume.dims
  const origin: [number, number, number] = [box.min[0] - 1, box.min[1] - 1, box.min[2] - 1]
  const size: [number, number, number] = [box.max[0] - box.min[0] + 3, box.max[1] - box.min[1] + 3, box.max[2] - box.min[2] + 3]
  const data = new Uint8Array(size[0] * size[1] * size[2])
  const i0 = Math.max(0, box.min[0])
  const i1 = Math.min(nx - 1, box.max[0])
  for (let k = Math.max(0, box.min[2]); k <= Math.min(nz - 1, box.max[2]); k++) {
    for (let j = Math.max(0, box.min[1]); j <= Math.min(ny - 1, box.max[1]); j++) {
      const source = nx * (j + ny * k)
      const target = size[0] * (j - origin[1] + size[1] * (k - origin[2])) - origin[0]
      for (let i = i0; i <= i1; i++) if (volume.data[source + i] === label) data[target + i] = 1
    }
  }
  return { data, size, origin }
}

function determinant3(a: Mat4): number {
  return a[0] * (a[5] * a[10] - a[6] * a[9]) - a[1] * (a[4] * a[10] - a[6] * a[8]) + a[2] * (a[4] * a[9] - a[5] * a[8])
}

/** Each edge's first corner and axis, as flat arrays for the inner loop. */
const edgeStartCorner = Uint8Array.from(edgeCorners, ([corner]) => corner)
const edgeAxis = Uint8Array.from(edgeCorners, ([, axis]) => axis)

function extract(mask: PaddedMask, affine: Mat4): Geometry {
  const [sx, sy, sz] = mask.size
  const m = mask.data
  const plane = sx * sy
  const out = new Extraction(mask, affine)
  const { offsets, triangles } = caseTable
  for (let layer = 0; layer < sz - 1; layer++) {
    for (let y = 0; y < sy - 1; y++) {
      const row = sx * y + plane * layer
      // The four samples of column x (corners 0, 2, 4, 6); each step reuses the previous column's
      // x + 1 samples (corners 1, 3, 5, 7) instead of reading all eight again.
      let left = m[row]! | (m[row + sx]! << 2) | (m[row + plane]! << 4) | (m[row + sx + plane]! << 6)
      for (let x = 0; x < sx - 1; x++) {
        const base = row + x + 1
        const right = (m[base]! << 1) | (m[base + sx]! << 3) | (m[base + plane]! << 5) | (m[base + sx + plane]! << 7)
        const cube = left | right
        left = right >> 1
        if (cube === 0 || cube === 255) continue
        for (let t = offsets[cube]!; t < offsets[cube + 1]!; t++) out.addIndex(out.vertexOn(triangles[t]!, x, y, layer))
      }
    }
    out.nextLayer()
  }
  const positions = out.positions.slice(0, out.vertices * 3)
  const indices = out.indices.slice(0, out.indexCount)
  if (determinant3(affine) < 0) {
    for (let t = 0; t < indices.length; t += 3) {
      const b = indices[t + 1]!
      indices[t + 1] = indices[t + 2]!
      indices[t + 2] = b
    }
  }
  return { positions, indices }
}

/** The growing output and the vertex ids already made, for one label's extraction. */
class Extraction {
  positions = new Float32Array(3 * 1024)
  vertices = 0
  indices = new Uint32Array(3 * 2048)
  indexCount = 0
  // Vertex ids of the crossings on the x and y edges of the cube layer's lower and upper planes, and on
  // the z edges between them; a layer's upper plane becomes the next layer's lower one.
  private lower: Int32Array
  private upper: Int32Array
  private readonly between: Int32Array
  private readonly sx: number
  private readonly plane: number

  constructor(
    private readonly mask: PaddedMask,
    private readonly affine: Mat4,
  ) {
    this.sx = mask.size[0]
    this.plane = mask.size[0] * mask.size[1]
    this.lower = new Int32Array(2 * this.plane).fill(-1)
    this.upper = new Int32Array(2 * this.plane).fill(-1)
    this.between = new Int32Array(this.plane).fill(-1)
  }

  nextLayer(): void {
    const done = this.lower
    this.lower = this.upper
    this.upper = done.fill(-1)
    this.between.fill(-1)
  }

  addIndex(id: number): void {
    if (this.indexCount === this.indices.length) {
      const grown = new Uint32Array(this.indices.length * 2)
      grown.set(this.indices)
      this.indices = grown
    }
    this.indices[this.indexCount++] = id
  }

  /** The id of the vertex on edge `edge` of cube (x, y, layer), made on first use. */
  vertexOn(edge: number, x: number, y: number, layer: number): number {
    const corner = edgeStartCorner[edge]!
    const axis = edgeAxis[edge]!
    const ex = x + (corner & 1)
    const ey = y + ((corner >> 1) & 1)
    const top = (corner >> 2) & 1
    const slot = ex + this.sx * ey
    const cache = axis === 2 ? this.between : top ? this.upper : this.lower
    const at = axis === 2 ? slot : axis * this.plane + slot
    const known = cache[at]!
    if (known >= 0) return known
    // The crossing is the edge's midpoint, in the volume's voxel indices.
    const [ox, oy, oz] = this.mask.origin
    const i = ox + ex + (axis === 0 ? 0.5 : 0)
    const j = oy + ey + (axis === 1 ? 0.5 : 0)
    const k = oz + layer + top + (axis === 2 ? 0.5 : 0)
    if (this.vertices * 3 === this.positions.length) {
      const grown = new Float32Array(this.positions.length * 2)
      grown.set(this.positions)
      this.positions = grown
    }
    const a = this.affine
    const p = this.vertices * 3
    this.positions[p] = a[0] * i + a[1] * j + a[2] * k + a[3]
    this.positions[p + 1] = a[4] * i + a[5] * j + a[6] * k + a[7]
    this.positions[p + 2] = a[8] * i + a[9] * j + a[10] * k + a[11]
    cache[at] = this.vertices
    return this.vertices++
  }
}
