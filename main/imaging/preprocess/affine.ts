import { PerceptError } from '../../core/errors'
import type { Mat4, Vec3 } from '../volume'

/**
 * The few 4x4 operations preprocessing needs, on row-major Mat4 (world = M * [i, j, k, 1]). Written
 * here because the runtime dependencies hold no matrix library for the Node side.
 */

export const IDENTITY: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]

/** a * b (apply b first, then a). */
export function multiplyMat4(a: Mat4, b: Mat4): Mat4 {
  const out = new Array<number>(16)
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      out[r * 4 + c] =
        a[r * 4]! * b[c]! + a[r * 4 + 1]! * b[4 + c]! + a[r * 4 + 2]! * b[8 + c]! + a[r * 4 + 3]! * b[12 + c]!
    }
  }
  return out as Mat4
}

/**
 * The inverse by Gauss-Jordan elimination with partial pivoting (Golub & Van Loan, Matrix
 * Computations, 3.4), which stays accurate for the badly scaled affines headers sometimes carry.
 * A singular matrix (a zero voxel size, collinear axes) is a damaged header, hence INVALID_FILE.
 */
export function invertMat4(m: Mat4): Mat4 {
  const a = [...m]
  const inv = [...IDENTITY]
  const scale = Math.max(...m.map(Math.abs), 1e-300)
  for (let col = 0; col < 4; col++) {
    let pivot = col
    for (let r = col + 1; r < 4; r++) if (Math.abs(a[r * 4 + col]!) > Math.abs(a[pivot * 4 + col]!)) pivot = r
    const p = a[pivot * 4 + col]!
    if (Math.abs(p) <= scale * 1e-12) {
      throw new PerceptError(
        'INVALID_FILE',
        'The volume\'s affine is singular (a zero voxel size or two axes along one direction); fix the sform/qform of the header.',
      )
    }
    if (pivot !== col) {
      for (let c = 0; c < 4; c++) {
        swap(a, col * 4 + c, pivot * 4 + c)
        swap(inv, col * 4 + c, pivot * 4 + c)
      }
    }
    for (let c = 0; c < 4; c++) {
      a[col * 4 + c]! /= p
      inv[col * 4 + c]! /= p
    }
    for (let r = 0; r < 4; r++) {
      if (r === col) continue
      const f = a[r * 4 + col]!
      if (f === 0) continue
      for (let c = 0; c < 4; c++) {
        a[r * 4 + c]! -= f * a[col * 4 + c]!
        inv[r * 4 + c]! -= f * inv[col * 4 + c]!
      }
    }
  }
  return inv as Mat4
}

/** M * [x, y, z, 1], dropping the homogeneous coordinate (affines keep it at 1). */
export function transformPoint(m: Mat4, p: Vec3): Vec3 {
  const [x, y, z] = p
  return [
    m[0] * x + m[1] * y + m[2] * z + m[3],
    m[4] * x + m[5] * y + m[6] * z + m[7],
    m[8] * x + m[9] * y + m[10] * z + m[11],
  ]
}

/** The index map x -> origin + scale * x per axis, as a matrix. */
export function scaleTranslateMat4(scale: Vec3, origin: Vec3): Mat4 {
  return [scale[0], 0, 0, origin[0], 0, scale[1], 0, origin[1], 0, 0, scale[2], origin[2], 0, 0, 0, 1]
}

function swap(values: number[], a: number, b: number): void {
  const t = values[a]!
  values[a] = values[b]!
  values[b] = t
}
