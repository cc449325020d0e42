/**
 * The Lambertian image formation model of equation 2, I = ρ max(n^T s, 0), with an optional ambient
 * term (I = ρ (max(n^T s, 0) + a)) for the synthetic faces, whose shadows are not perfectly black.
 *
 * Axes, shared by every file of the domain: x to the image's right, y up (against the row index), z
 * out of the image towards the camera. A frontal surface has n = (0, 0, 1); s points from the face to
 * the light. Normal maps are row-major, three values (nx, ny, nz) per pixel.
 */
export type Vec3 = [number, number, number]

/** A unit light direction from azimuth (towards +x, the image's right) and elevation (towards +y), in degrees. */
export function lightFromAzimuthElevation(azimuthDeg: number, elevationDeg: number): Vec3 {
  const az = (azimuthDeg * Math.PI) / 180
  const el = (elevationDeg * Math.PI) / 180
  return [Math.sin(az) * Math.cos(el), Math.sin(el), Math.cos(az) * Math.cos(el)]
}

/** A unit light direction from the angle θ to the viewing axis and the angle φ around it (from +x towards +y), in degrees. */
export function lightFromPolar(thetaDeg: number, phiDeg: number): Vec3 {
  const t = (thetaDeg * Math.PI) / 180
  const p = (phiDeg * Math.PI) / 180
  return [Math.sin(t) * Math.cos(p), Math.sin(t) * Math.sin(p), Math.cos(t)]
}

/** max(n^T s, 0) at every pixel. */
export function shading(normals: Float64Array, light: Vec3): Float64Array {
  const out = new Float64Array(normals.length / 3)
  for (let p = 0; p < out.length; p++) {
    out[p] = Math.max(0, normals[3 * p]! * light[0] + normals[3 * p + 1]! * light[1] + normals[3 * p + 2]! * light[2])
  }
  return out
}

/** ρ (max(n^T s, 0) + ambient) at every pixel. */
export function renderLambertian(albedo: Float64Array, normals: Float64Array, light: Vec3, ambient = 0): Float64Array {
  const s = shading(normals, light)
  for (let p = 0; p < s.length; p++) s[p] = albedo[p]! * (s[p]! + ambient)
  return s
}
