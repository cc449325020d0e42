import { describe, expect, it } from 'vitest'
import { mriMethods } from '../../../../main/api/mri'
import { defaultReduction, defaultSmoothIterations, labelSurface, type Mesh } from '../../../../main/imaging/mesh'
import type { Vec3 } from '../../../../main/imaging/volume'
import { ballVolume, scaled } from './mesh-phantoms'

// The viewer's surfaces with the default settings: smooth enough that a 1 mm label map does not show its
// voxel terraces when zoomed in, and drawn with smooth (per-vertex, shared) normals rather than flat ones.

const centre: Vec3 = [24.6, 25.2, 24.9]
const radius = 20.3
const ball = ballVolume([50, 50, 50], scaled([1, 1, 1]), [{ centre, radiusMm: radius, label: 1 }])

/** Mean angle (degrees) between each vertex normal and the ball's true normal there (radial). */
function meanNormalError(mesh: Mesh): number {
  const { positions: p, normals: n } = mesh
  let sum = 0
  for (let v = 0; v < p.length; v += 3) {
    const d = [p[v]! - centre[0], p[v + 1]! - centre[1], p[v + 2]! - centre[2]]
    const cos = (d[0]! * n[v]! + d[1]! * n[v + 1]! + d[2]! * n[v + 2]!) / Math.hypot(d[0]!, d[1]!, d[2]!)
    sum += (Math.acos(Math.min(1, cos)) * 180) / Math.PI
  }
  return sum / (p.length / 3)
}

describe('default surface settings', () => {
  it('are 30 Taubin iterations and a quarter of the triangles removed, in the API as in the library', () => {
    expect([defaultSmoothIterations, defaultReduction]).toEqual([30, 0.25])
    expect(mriMethods['mri.meshes'].input.parse({ id: 'v1' })).toMatchObject({ smoothing: defaultSmoothIterations, reduction: defaultReduction })
  })

  it('follow a ball at 1 mm more closely than the former 10 iterations and half the triangles', async () => {
    const now = await labelSurface(ball, 1)
    const before = await labelSurface(ball, 1, { smoothIterations: 10, reduction: 0.5 })
    expect(meanNormalError(before)).toBeGreaterThan(5.5)
    expect(meanNormalError(now)).toBeLessThan(4.2)
  })

  it('share every vertex among its triangles, so each normal is the average of its faces (smooth shading)', async () => {
    const mesh = await labelSurface(ball, 1)
    const vertices = mesh.positions.length / 3
    const triangles = mesh.indices.length / 3
    // A closed surface of genus 0: V - E + F = 2 with E = 3F / 2, so V = F / 2 + 2 (flat shading would need 3F).
    expect(vertices).toBe(triangles / 2 + 2)
    // Neighbouring vertices' normals turn gently: a few degrees apart on average, not a facet's jump.
    let turn = 0
    const { normals: n, indices } = mesh
    for (let t = 0; t < indices.length; t += 3) {
      const [a, b] = [indices[t]! * 3, indices[t + 1]! * 3]
      turn += (Math.acos(Math.min(1, n[a]! * n[b]! + n[a + 1]! * n[b + 1]! + n[a + 2]! * n[b + 2]!)) * 180) / Math.PI
    }
    expect(turn / triangles).toBeLessThan(6)
  })
})
