import { describe, expect, it } from 'vitest'
import { labelBounds, marchingCubes, meshVolumeMm3 } from '../../../../main/imaging/mesh'
import { voxelVolumeMm3, type Mat4, type Vec3 } from '../../../../main/imaging/volume'
import { ballVolume, countLabel, edgeDefects, labelVolume, scaled, seededRandom } from './mesh-phantoms'

const closed = { unpaired: 0, repeated: 0, degenerate: 0 }

/**
 * Marching cubes on a 0/1 mask puts every vertex at an edge midpoint, so for an a x b x c box of voxels
 * the enclosed volume is exact (in voxel units): interior cubes count 1, cubes across a face 1/2, along
 * an edge 1/8 (a prism with a right triangle of legs 1/2), and the 8 corner cubes 1/48 (a tetrahedron
 * with legs 1/2). A single voxel gives the octahedron of volume 1/6.
 */
function boxVolumeVoxels(a: number, b: number, c: number): number {
  const [x, y, z] = [a - 1, b - 1, c - 1]
  return x * y * z + (x * y + y * z + x * z) + (x + y + z) / 2 + 1 / 6
}

describe('marchingCubes', () => {
  it('closes every one of the 256 cube configurations with outward triangles', () => {
    for (let config = 1; config < 256; config++) {
      const volume = labelVolume([2, 2, 2], scaled([1, 1, 1]), (i, j, k) => (config >> (i + 2 * j + 4 * k)) & 1)
      const mesh = marchingCubes(volume, 1)
      expect(edgeDefects(mesh), `configuration ${config}`).toEqual(closed)
      expect(meshVolumeMm3(mesh), `configuration ${config}`).toBeGreaterThan(0)
    }
  })

  it('closes random masks, where ambiguous faces abound', () => {
    const random = seededRandom(7)
    for (let trial = 0; trial < 5; trial++) {
      const volume = labelVolume([9, 8, 7], scaled([1, 1, 1]), () => (random() < 0.5 ? 1 : 0))
      const mesh = marchingCubes(volume, 1)
      expect(edgeDefects(mesh)).toEqual(closed)
      // Each inside voxel owns at most its own cell, so the enclosed volume is below the voxel count.
      expect(meshVolumeMm3(mesh)).toBeGreaterThan(0)
      expect(meshVolumeMm3(mesh)).toBeLessThan(countLabel(volume, 1))
    }
  })

  it('gives a single voxel the octahedron of volume 1/6 voxel', () => {
    const volume = labelVolume([3, 3, 3], scaled([2, 3, 4]), (i, j, k) => (i === 1 && j === 1 && k === 1 ? 5 : 0))
    const mesh = marchingCubes(volume, 5)
    expect(mesh.indices.length / 3).toBe(8)
    expect(mesh.positions.length / 3).toBe(6)
    expect(meshVolumeMm3(mesh)).toBeCloseTo(24 / 6, 5)
  })

  it('closes a box that touches the volume border, with its exact volume', () => {
    // i 0..3 (touches i = 0), j 0..4 (the whole axis), k 2..3 (touches k = nz - 1).
    const spacing: Vec3 = [0.8, 1.2, 2.5]
    const volume = labelVolume([6, 5, 4], scaled(spacing, [-10, 4, 7]), (i, _j, k) => (i <= 3 && k >= 2 ? 3 : 0))
    const mesh = marchingCubes(volume, 3)
    expect(edgeDefects(mesh)).toEqual(closed)
    expect(meshVolumeMm3(mesh)).toBeCloseTo(boxVolumeVoxels(4, 5, 2) * spacing[0] * spacing[1] * spacing[2], 4)
  })

  it('meshes a ball on an anisotropic grid: closed, outward, and its volume within 3% of 4/3 pi r^3', () => {
    const spacing: Vec3 = [0.9, 1.1, 1.3]
    const centre: Vec3 = [20.3, 21.1, 22.7]
    const radius = 10
    const volume = ballVolume([46, 40, 36], scaled(spacing), [{ centre, radiusMm: radius, label: 1 }])
    const mesh = marchingCubes(volume, 1)
    expect(edgeDefects(mesh)).toEqual(closed)
    const enclosed = meshVolumeMm3(mesh)
    const counted = countLabel(volume, 1) * voxelVolumeMm3(volume.affine)
    // The digitised ball deviates from the sphere by under half a voxel, with errors of both signs that
    // largely cancel; marching cubes then only trims the voxel cells' edges and corners (prisms and
    // tetrahedra of legs 1/2 voxel), under an eighth of a voxel layer over the surface: 3 (h / 8) / r
    // is about 4% for h = 1.3 mm, r = 10 mm, and the trims cover only part of the surface.
    expect(Math.abs(enclosed / ((4 / 3) * Math.PI * radius ** 3) - 1)).toBeLessThan(0.03)
    expect(enclosed).toBeLessThan(counted)
    expect(enclosed / counted).toBeGreaterThan(0.97)
    // Every vertex normal points away from the centre (outward), and every vertex lies within a voxel
    // diagonal of the sphere.
    for (let v = 0; v < mesh.positions.length; v += 3) {
      const d = [0, 1, 2].map((a) => mesh.positions[v + a]! - centre[a]!)
      const r = Math.hypot(d[0]!, d[1]!, d[2]!)
      expect(Math.abs(r - radius)).toBeLessThan(Math.hypot(...spacing))
      const dot = d.reduce((sum, x, a) => sum + x * mesh.normals[v + a]!, 0)
      expect(dot).toBeGreaterThan(0)
    }
  })

  it('keeps triangles outward under a mirroring affine (negative determinant)', () => {
    const spacing: Vec3 = [0.9, 1.1, 1.3]
    const direct = scaled(spacing)
    const mirrored: Mat4 = [-0.9, 0, 0, 40, 0, 1.1, 0, 0, 0, 0, 1.3, 0, 0, 0, 0, 1]
    const label = (i: number, j: number, k: number): number => (Math.hypot(i - 20, (j - 18) * 1.1, (k - 15) * 1.3) <= 9 ? 1 : 0)
    const a = marchingCubes(labelVolume([44, 38, 32], direct, label), 1)
    const b = marchingCubes(labelVolume([44, 38, 32], mirrored, label), 1)
    expect(edgeDefects(b)).toEqual(closed)
    expect(meshVolumeMm3(b)).toBeGreaterThan(0)
    expect(meshVolumeMm3(b)).toBeCloseTo(meshVolumeMm3(a), 3)
    // The mirror image lies where the affine puts it: x = 40 - 0.9 i, centre at voxel i = 20.
    let sumX = 0
    for (let v = 0; v < b.positions.length; v += 3) sumX += b.positions[v]!
    expect(sumX / (b.positions.length / 3)).toBeCloseTo(40 - 0.9 * 20, 1)
    // Normals outward: on the +x side of the mirrored ball (voxel i < 20) they point to +x.
    for (let v = 0; v < b.positions.length; v += 3) {
      if (b.positions[v]! > 40 - 0.9 * 20 + 6) expect(b.normals[v]!).toBeGreaterThan(0)
    }
  })

  it('gives an absent label an empty mesh', () => {
    const volume = labelVolume([4, 4, 4], scaled([1, 1, 1]), () => 1)
    const mesh = marchingCubes(volume, 2)
    expect(mesh.positions.length).toBe(0)
    expect(mesh.indices.length).toBe(0)
  })
})

describe('labelBounds', () => {
  it('finds every label box and voxel count in one scan', () => {
    const volume = labelVolume([6, 5, 4], scaled([1, 1, 1]), (i, j, k) => (i >= 1 && i <= 2 && j === 3 && k >= 1 ? 4 : i === 5 ? 9 : 0))
    const bounds = labelBounds(volume)
    expect([...bounds.keys()].sort((a, b) => a - b)).toEqual([0, 4, 9])
    expect(bounds.get(4)).toEqual({ label: 4, voxels: 2 * 1 * 3, min: [1, 3, 1], max: [2, 3, 3] })
    expect(bounds.get(9)).toEqual({ label: 9, voxels: 5 * 4, min: [5, 0, 0], max: [5, 4, 3] })
    expect(bounds.get(0)!.voxels).toBe(6 * 5 * 4 - 6 - 20)
  })

  it('refuses an RGB volume', () => {
    const volume = { ...labelVolume([2, 2, 2], scaled([1, 1, 1]), () => 1), components: 3 as const }
    expect(() => labelBounds(volume)).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
  })
})
