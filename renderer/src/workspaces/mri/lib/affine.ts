/**
 * 4x4 affines as the MRI API sends them: row-major, world (RAS+ mm) = A * [i, j, k, 1]
 * (NIfTI-1 header documentation, "method 3" sform). The renderer may not import the core's
 * main/imaging/volume.ts at run time, so the few operations the viewer needs live here.
 */

export type Vec3 = [number, number, number]

/** Row-major 4x4; only the top three rows are read (the last is [0, 0, 0, 1] for every NIfTI affine). */
export type Mat4 = readonly number[]

/** A * [x, y, z, 1], the first three components. */
export function applyAffine(a: Mat4, x: number, y: number, z: number): Vec3 {
  return [
    a[0]! * x + a[1]! * y + a[2]! * z + a[3]!,
    a[4]! * x + a[5]! * y + a[6]! * z + a[7]!,
    a[8]! * x + a[9]! * y + a[10]! * z + a[11]!,
  ]
}

/** The lengths of the first three columns: the voxel size in mm along each index axis. */
export function columnLengths(a: Mat4): Vec3 {
  const column = (c: number): number => Math.hypot(a[c]!, a[4 + c]!, a[8 + c]!)
  return [column(0), column(1), column(2)]
}

/**
 * The inverse of an affine [M t; 0 1]: [M^-1, -M^-1 t; 0 1], with M^-1 by the adjugate (Cramer's rule).
 * Throws for a singular M (a header with a zero voxel size), which no volume the core opens has.
 */
export function invertAffine(a: Mat4): number[] {
  const [m00, m01, m02, t0, m10, m11, m12, t1, m20, m21, m22, t2] = a as number[] as [
    number, number, number, number, number, number, number, number, number, number, number, number,
  ]
  const c00 = m11 * m22 - m12 * m21
  const c01 = m02 * m21 - m01 * m22
  const c02 = m01 * m12 - m02 * m11
  const c10 = m12 * m20 - m10 * m22
  const c11 = m00 * m22 - m02 * m20
  const c12 = m02 * m10 - m00 * m12
  const c20 = m10 * m21 - m11 * m20
  const c21 = m01 * m20 - m00 * m21
  const c22 = m00 * m11 - m01 * m10
  const det = m00 * c00 + m01 * c10 + m02 * c20
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error('The affine is singular: a voxel axis has no length.')
  const r = [c00 / det, c01 / det, c02 / det, c10 / det, c11 / det, c12 / det, c20 / det, c21 / det, c22 / det] as const
  return [
    r[0], r[1], r[2], -(r[0] * t0 + r[1] * t1 + r[2] * t2),
    r[3], r[4], r[5], -(r[3] * t0 + r[4] * t1 + r[5] * t2),
    r[6], r[7], r[8], -(r[6] * t0 + r[7] * t1 + r[8] * t2),
    0, 0, 0, 1,
  ]
}

/** a * b (both affines): first b, then a. */
export function multiplyAffine(a: Mat4, b: Mat4): number[] {
  const out = new Array<number>(16).fill(0)
  for (let row = 0; row < 4; row++) {
    for (let col = 0; col < 4; col++) {
      let sum = 0
      for (let k = 0; k < 4; k++) sum += a[row * 4 + k]! * b[k * 4 + col]!
      out[row * 4 + col] = sum
    }
  }
  return out
}
