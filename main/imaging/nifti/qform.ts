import type { Mat4, Vec3 } from '../volume'

/**
 * The qform of a NIfTI header: a rotation stored as the quaternion (b, c, d) with a = sqrt(1 - b² - c² - d²),
 * voxel sizes from pixdim[1..3], qfac = sign of pixdim[0] for a left-handed grid, and qoffset (nifti1.h,
 * "METHOD 2"). The matrix-to-quaternion direction follows the same document's formulas with the rotation
 * taken as the orthogonal polar factor, so an affine with a little shear still gets its nearest rotation.
 */

export interface Quatern {
  b: number
  c: number
  d: number
  offset: Vec3
  /** Voxel size along i, j, k (pixdim[1..3]). */
  pixdim: Vec3
  /** +1 or -1 (pixdim[0]). */
  qfac: 1 | -1
}

/** nifti1.h METHOD 2: [x y z] = R · [pixdim1·i, pixdim2·j, qfac·pixdim3·k] + qoffset. */
export function quaternToAffine(q: Quatern): Mat4 {
  let { b, c, d } = q
  let a = 1 - (b * b + c * c + d * d)
  if (a < 1e-7) {
    // A 180° rotation: (b, c, d) is stored without a and may be off unit length by rounding.
    const norm = 1 / Math.sqrt(b * b + c * c + d * d)
    b *= norm
    c *= norm
    d *= norm
    a = 0
  } else {
    a = Math.sqrt(a)
  }
  // nifti1.h: a non-positive pixdim is taken as 1.
  const [dx, dy, dz] = q.pixdim.map((v) => (v > 0 ? v : 1)) as Vec3
  const zd = q.qfac < 0 ? -dz : dz
  return [
    (a * a + b * b - c * c - d * d) * dx, 2 * (b * c - a * d) * dy, 2 * (b * d + a * c) * zd, q.offset[0],
    2 * (b * c + a * d) * dx, (a * a + c * c - b * b - d * d) * dy, 2 * (c * d - a * b) * zd, q.offset[1],
    2 * (b * d - a * c) * dx, 2 * (c * d + a * b) * dy, (a * a + d * d - c * c - b * b) * zd, q.offset[2],
    0, 0, 0, 1,
  ]
}

type Mat3 = [number, number, number, number, number, number, number, number, number]

function det3(m: Mat3): number {
  return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6])
}

/** Inverse transpose, for the polar iteration. */
function inverseTranspose3(m: Mat3): Mat3 {
  const det = det3(m)
  // Cofactor matrix divided by the determinant is the inverse transposed.
  return [
    (m[4] * m[8] - m[5] * m[7]) / det, -(m[3] * m[8] - m[5] * m[6]) / det, (m[3] * m[7] - m[4] * m[6]) / det,
    -(m[1] * m[8] - m[2] * m[7]) / det, (m[0] * m[8] - m[2] * m[6]) / det, -(m[0] * m[7] - m[1] * m[6]) / det,
    (m[1] * m[5] - m[2] * m[4]) / det, -(m[0] * m[5] - m[2] * m[3]) / det, (m[0] * m[4] - m[1] * m[3]) / det,
  ]
}

/** Orthogonal polar factor by Newton's iteration X <- (X + X^-T) / 2 (Higham, "Computing the polar decomposition", 1986). */
function orthogonalPart(m: Mat3): Mat3 {
  let x = m
  for (let iteration = 0; iteration < 100; iteration++) {
    const it = inverseTranspose3(x)
    const next = x.map((v, n) => 0.5 * (v + it[n]!)) as Mat3
    const change = next.reduce((sum, v, n) => sum + Math.abs(v - x[n]!), 0)
    x = next
    if (change < 1e-12) break
  }
  return x
}

/** The qform that best represents an affine: exact when its 3x3 part is a rotation (or reflection) times scales. */
export function affineToQuatern(affine: Mat4): Quatern {
  const offset: Vec3 = [affine[3], affine[7], affine[11]]
  const columns: Vec3[] = [0, 1, 2].map((c) => [affine[c]!, affine[4 + c]!, affine[8 + c]!])
  const pixdim = columns.map((col) => Math.hypot(...col)) as Vec3
  const unit = columns.map((col, c) => (pixdim[c]! > 0 ? col.map((v) => v / pixdim[c]!) : [0, 0, 0].map((_, r) => (r === c ? 1 : 0))))
  pixdim.forEach((v, c) => {
    if (!(v > 0)) pixdim[c] = 1
  })
  let r: Mat3 = [
    unit[0]![0]!, unit[1]![0]!, unit[2]![0]!,
    unit[0]![1]!, unit[1]![1]!, unit[2]![1]!,
    unit[0]![2]!, unit[1]![2]!, unit[2]![2]!,
  ]
  r = orthogonalPart(r)
  // A left-handed grid: store the proper rotation and flip k with qfac.
  const qfac: 1 | -1 = det3(r) > 0 ? 1 : -1
  if (qfac < 0) {
    r[2] = -r[2]
    r[5] = -r[5]
    r[8] = -r[8]
  }
  const [r11, r12, r13, r21, r22, r23, r31, r32, r33] = r
  let a = r11 + r22 + r33 + 1
  let b: number
  let c: number
  let d: number
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a)
    b = (0.25 * (r32 - r23)) / a
    c = (0.25 * (r13 - r31)) / a
    d = (0.25 * (r21 - r12)) / a
  } else {
    // Near a 180° turn the trace form loses precision: start from the largest diagonal term instead.
    const xd = 1 + r11 - (r22 + r33)
    const yd = 1 + r22 - (r11 + r33)
    const zd = 1 + r33 - (r11 + r22)
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd)
      c = (0.25 * (r12 + r21)) / b
      d = (0.25 * (r13 + r31)) / b
      a = (0.25 * (r32 - r23)) / b
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd)
      b = (0.25 * (r12 + r21)) / c
      d = (0.25 * (r23 + r32)) / c
      a = (0.25 * (r13 - r31)) / c
    } else {
      d = 0.5 * Math.sqrt(zd)
      b = (0.25 * (r13 + r31)) / d
      c = (0.25 * (r23 + r32)) / d
      a = (0.25 * (r21 - r12)) / d
    }
    // q and -q are the same rotation; the header keeps a >= 0 implicitly.
    if (a < 0) {
      b = -b
      c = -c
      d = -d
    }
  }
  return { b, c, d, offset, pixdim, qfac }
}
