import { describe, expect, it } from 'vitest'
import { meanFaceNormals } from '../../../main/faces/face-shape'
import { renderFace, syntheticFace } from '../../../main/faces/fixtures/synthetic-face'
import { lightFromAzimuthElevation, shading, type Vec3 } from '../../../main/faces/lambertian'
import { estimateLight, LEE_HO_KRIEGMAN_LIGHTS, relightFace } from '../../../main/faces/relight'

const angleDeg = (a: Vec3, b: Vec3): number => (Math.acos(Math.min(1, a[0] * b[0] + a[1] * b[1] + a[2] * b[2])) * 180) / Math.PI
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1]!

describe('relighting (Lambertian, equations 2 and 3)', () => {
  it('recovers light, ambient and albedo exactly when the albedo is uniform and the normals are true', () => {
    // I = 0.6 (max(n^T s, 0) + 0.08) is then exactly linear in (n, 1) on the lit pixels: the fit must return
    // s itself, a = 0.08, and I / (n^T s + a) = 0.6 wherever n^T s > 0.
    const face = { ...syntheticFace(5, 0, 48, 40), albedo: new Float64Array(1920).fill(0.6) }
    const light = lightFromAzimuthElevation(20, 10)
    const r = relightFace({ height: 48, width: 40, data: renderFace(face, light, { ambient: 0.08 }) }, face.normals)
    expect(angleDeg(r.light.direction, light)).toBeLessThan(1e-6)
    expect(r.light.ambient).toBeCloseTo(0.08, 9)
    const lit = shading(face.normals, light)
    let checked = 0
    lit.forEach((s, p) => {
      if (s > 0.3) {
        expect(r.albedo[p]).toBeCloseTo(0.6, 9)
        checked++
      }
    })
    expect(checked).toBeGreaterThan(1000)
  })

  it("recovers a synthetic identity's albedo: within 10% (median) on lit skin with its own normals, 20% with the generic ones", () => {
    for (const [index, az, el] of [
      [3, 20, 10],
      [2, -40, 0],
    ] as const) {
      const face = syntheticFace(5, index, 48, 40)
      const light = lightFromAzimuthElevation(az, el)
      const image = { height: 48, width: 40, data: renderFace(face, light, { ambient: 0.08, noise: 0.01, seed: 3 }) }
      const lit = shading(face.normals, light)
      const relError = (albedo: Float64Array): number => median(Array.from(lit.keys()).filter((p) => lit[p]! > 0.3).map((p) => Math.abs(albedo[p]! - face.albedo[p]!) / face.albedo[p]!))
      const own = relightFace(image, face.normals)
      expect(angleDeg(own.light.direction, light)).toBeLessThan(5)
      expect(relError(own.albedo)).toBeLessThan(0.1)
      const generic = relightFace(image, meanFaceNormals())
      expect(angleDeg(generic.light.direction, light)).toBeLessThan(12)
      expect(relError(generic.albedo)).toBeLessThan(0.2)
    }
  })

  it('renders the nine Lee-Ho-Kriegman lights as ρ max(n^T s_i, 0)', () => {
    expect(LEE_HO_KRIEGMAN_LIGHTS).toHaveLength(9)
    expect(LEE_HO_KRIEGMAN_LIGHTS[0]).toEqual([0, 0, 1])
    for (const s of LEE_HO_KRIEGMAN_LIGHTS) expect(Math.hypot(...s)).toBeCloseTo(1, 12)
    const face = syntheticFace(5, 1, 48, 40)
    const normals = meanFaceNormals()
    const r = relightFace({ height: 48, width: 40, data: renderFace(face, lightFromAzimuthElevation(0, 0)) }, normals)
    expect(r.images).toHaveLength(9)
    r.images.forEach((image, i) => {
      const s = shading(normals, LEE_HO_KRIEGMAN_LIGHTS[i]!)
      for (const p of [0, 500, 1000, 1500]) expect(image.data[p]).toBeCloseTo(r.albedo[p]! * s[p]!, 12)
    })
  })

  it('a light from the side is found on that side', () => {
    const face = syntheticFace(5, 4, 48, 40)
    for (const az of [-60, 60]) {
      const s = estimateLight({ height: 48, width: 40, data: renderFace(face, lightFromAzimuthElevation(az, 0)) }, meanFaceNormals()).direction
      expect(Math.sign(s[0])).toBe(Math.sign(az))
      expect(Math.abs(s[0])).toBeGreaterThan(0.6)
    }
  })
})
