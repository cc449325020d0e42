import { describe, expect, it } from 'vitest'
import {
  labelSurface,
  labelSurfaces,
  marchingCubes,
  meshArea,
  meshVolumeMm3,
  presentLabels,
  removeFins,
  simplifyMesh,
  taubinSmooth,
} from '../../../../main/imaging/mesh'
import type { Vec3 } from '../../../../main/imaging/volume'
import { ballVolume, edgeDefects, radialSpread, scaled } from './mesh-phantoms'

const closed = { unpaired: 0, repeated: 0, degenerate: 0 }
const spacing: Vec3 = [0.9, 1.1, 1.3]
const centre: Vec3 = [20.3, 21.1, 22.7]
const radius = 10
const ballMm3 = (4 / 3) * Math.PI * radius ** 3
const ball = ballVolume([46, 40, 36], scaled(spacing), [{ centre, radiusMm: radius, label: 1 }])
const raw = marchingCubes(ball, 1)

describe('taubinSmooth', () => {
  it('removes the staircase without shrinking, unlike plain Laplacian smoothing', () => {
    const smooth = taubinSmooth(raw, { iterations: 10 })
    expect(edgeDefects(smooth)).toEqual(closed)
    // Taubin's filter passes the low frequencies (the sphere) unchanged: volume within 2% of the ball's.
    expect(Math.abs(meshVolumeMm3(smooth) / ballMm3 - 1)).toBeLessThan(0.02)
    // Roughness (spread of the vertices' distances to the centre) at least a third lower, and the
    // staircase's extra area (a voxel surface has more area than the sphere) mostly gone.
    expect(radialSpread(smooth, centre).sd).toBeLessThan((2 / 3) * radialSpread(raw, centre).sd)
    const sphereArea = 4 * Math.PI * radius ** 2
    expect(meshArea(smooth) - sphereArea).toBeLessThan(0.5 * (meshArea(raw) - sphereArea))
    // The same number of lambda steps without the mu steps shrinks the ball by several per cent.
    const laplacian = taubinSmooth(raw, { iterations: 10, mu: 0 })
    expect(meshVolumeMm3(laplacian)).toBeLessThan(0.97 * ballMm3)
    // Normals stay unit and outward.
    for (let v = 0; v < smooth.normals.length; v += 3) {
      const n = [smooth.normals[v]!, smooth.normals[v + 1]!, smooth.normals[v + 2]!]
      expect(Math.hypot(n[0]!, n[1]!, n[2]!)).toBeCloseTo(1, 5)
      const out = n.reduce((sum, x, a) => sum + x * (smooth.positions[v + a]! - centre[a]!), 0)
      expect(out).toBeGreaterThan(0)
    }
  })

  it('returns the mesh unchanged for 0 iterations', () => {
    expect(taubinSmooth(raw, { iterations: 0 })).toBe(raw)
  })
})

describe('simplifyMesh', () => {
  it('reaches 25% of the triangles, stays closed and keeps the volume within 2%', async () => {
    const smooth = taubinSmooth(raw, { iterations: 10 })
    const target = Math.floor((smooth.indices.length / 3) * 0.25)
    const simple = await simplifyMesh(smooth, { reduction: 0.75, maxErrorMm: 1 })
    expect(simple.indices.length / 3).toBeLessThanOrEqual(target)
    expect(simple.indices.length / 3).toBeGreaterThan(0.8 * target)
    expect(edgeDefects(simple)).toEqual(closed)
    expect(Math.abs(meshVolumeMm3(simple) / meshVolumeMm3(smooth) - 1)).toBeLessThan(0.02)
    // Unused vertices are dropped: every vertex is used.
    const used = new Set(simple.indices)
    expect(used.size).toBe(simple.positions.length / 3)
  })

  it('stops short of the target when the error bound forbids it', async () => {
    const loose = await simplifyMesh(raw, { reduction: 0.9, maxErrorMm: 5 })
    const tight = await simplifyMesh(raw, { reduction: 0.9, maxErrorMm: 0.01 })
    expect(tight.indices.length).toBeGreaterThan(loose.indices.length)
  })

  it('removes fins (one triangle twice, back to back) and nothing else', () => {
    // A tetrahedron, counter-clockwise from outside, plus a fin on its edge 0-1 out to vertex 4.
    const tetrahedron = [0, 2, 1, 0, 1, 3, 1, 2, 3, 0, 3, 2]
    const finned = Uint32Array.from([...tetrahedron, 0, 1, 4, 4, 1, 0])
    expect(Array.from(removeFins(finned, 5))).toEqual(tetrahedron)
    const clean = Uint32Array.from(tetrahedron)
    expect(removeFins(clean, 4)).toBe(clean)
  })

  it('refuses a reduction outside 0..0.99', async () => {
    await expect(simplifyMesh(raw, { reduction: 1, maxErrorMm: 1 })).rejects.toMatchObject({ code: 'VALIDATION' })
  })
})

describe('labelSurfaces', () => {
  const spacing2: Vec3 = [1, 1.2, 0.9]
  const two = ballVolume([50, 30, 30], scaled(spacing2), [
    { centre: [12, 15, 13], radiusMm: 7, label: 2 },
    { centre: [36, 15, 13], radiusMm: 9, label: 5 },
  ])

  it('gives each label its own closed mesh around its own ball, and an absent label an empty one', async () => {
    const progress: Array<[number, number, number]> = []
    const surfaces = await labelSurfaces(two, [5, 2, 3], { smoothIterations: 10, reduction: 0.5 }, (done, total, label) =>
      progress.push([done, total, label]),
    )
    expect(surfaces.map((s) => s.label)).toEqual([5, 2, 3])
    expect(progress).toEqual([
      [1, 3, 5],
      [2, 3, 2],
      [3, 3, 3],
    ])
    const [five, twoBall, absent] = surfaces
    for (const [surface, c, r] of [
      [five!, [36, 15, 13], 9],
      [twoBall!, [12, 15, 13], 7],
    ] as const) {
      expect(edgeDefects(surface.mesh)).toEqual(closed)
      expect(Math.abs(meshVolumeMm3(surface.mesh) / ((4 / 3) * Math.PI * r ** 3) - 1)).toBeLessThan(0.04)
      expect(Math.abs(radialSpread(surface.mesh, c as unknown as Vec3).mean - r)).toBeLessThan(0.5)
    }
    expect(absent!.voxels).toBe(0)
    expect(absent!.mesh.indices.length).toBe(0)
    expect(presentLabels(two)).toEqual([2, 5])
  })

  it('labelSurface matches labelSurfaces for one label', async () => {
    const one = await labelSurface(two, 2, { smoothIterations: 5, reduction: 0 })
    const [many] = await labelSurfaces(two, [2], { smoothIterations: 5, reduction: 0 })
    expect(one.positions).toEqual(many!.mesh.positions)
    expect(one.indices).toEqual(many!.mesh.indices)
  })

  it('refuses options a person got wrong', async () => {
    await expect(labelSurfaces(two, [2], { smoothIterations: -1 })).rejects.toMatchObject({ code: 'VALIDATION' })
    await expect(labelSurfaces(two, [2], { reduction: 2 })).rejects.toMatchObject({ code: 'VALIDATION' })
  })
})
