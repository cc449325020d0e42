import { voxelCount, type Mat4, type Vec3, type VoxelArray } from '../volume'

/**
 * The inner loops of resampling: every target voxel (i, j, k) reads the source at index
 * m * [i, j, k, 1]. An axis-aligned m (a scale and shift per axis, what isotropic resampling and
 * fitting to a cube produce) takes a separable path whose taps are worked out once per axis;
 * anything else (oblique or permuted grids) the general one. Both compute the same positions and
 * interpolate in the same order, so they agree exactly on an axis-aligned map.
 */

/** Trilinear for images, nearest neighbour for label maps (it never invents a label). */
export type Interpolation = 'trilinear' | 'nearest'

/**
 * A sample is inside the source when it lies in the source's field of view, voxel centres at
 * integer indices and the edges half a voxel beyond them: [-0.5, n - 0.5] on each axis (NIfTI's
 * voxel-centre convention). In the outer half voxel the edge voxel's value is used (no
 * extrapolation, so intensities never overshoot); beyond it the value is 0. The tolerance absorbs
 * rounding in affines built from non-representable voxel sizes.
 */
const EDGE_TOLERANCE = 1e-6

export function sampleNearest(src: VoxelArray, srcDims: Vec3, dims: Vec3, m: Mat4): VoxelArray {
  const out = allocLike(src, voxelCount(dims))
  if (isAxisAligned(m)) {
    const [tx, ty, tz] = [0, 1, 2].map((a) => axisTaps(srcDims[a]!, dims[a]!, m[5 * a]!, m[4 * a + 3]!, true))
    const nx = srcDims[0], sxy = srcDims[0] * srcDims[1]
    const [dx, dy, dz] = dims
    for (let k = 0, o = 0; k < dz; k++) {
      const kk = tz!.i0[k]!
      if (kk < 0) { o += dx * dy; continue }
      for (let j = 0; j < dy; j++, o += dx) {
        const jj = ty!.i0[j]!
        if (jj < 0) continue
        const row = nx * jj + sxy * kk
        for (let i = 0; i < dx; i++) {
          const ii = tx!.i0[i]!
          if (ii >= 0) out[o + i] = src[row + ii]!
        }
      }
    }
    return out
  }
  const [nx, ny, nz] = srcDims
  const [dx, dy, dz] = dims
  const sxy = nx * ny
  let o = 0
  for (let k = 0; k < dz; k++) {
    for (let j = 0; j < dy; j++) {
      const bx = m[1] * j + m[2] * k + m[3]
      const by = m[5] * j + m[6] * k + m[7]
      const bz = m[9] * j + m[10] * k + m[11]
      for (let i = 0; i < dx; i++, o++) {
        // Computed afresh per voxel (not accumulated) so ties round the same way everywhere.
        const x = bx + m[0] * i, y = by + m[4] * i, z = bz + m[8] * i
        if (outside(x, nx) || outside(y, ny) || outside(z, nz)) continue
        out[o] = src[nearestIndex(x, nx) + nx * nearestIndex(y, ny) + sxy * nearestIndex(z, nz)]!
      }
    }
  }
  return out
}

export function sampleTrilinear(src: VoxelArray, srcDims: Vec3, dims: Vec3, m: Mat4): Float32Array {
  const out = new Float32Array(voxelCount(dims))
  const [nx, ny, nz] = srcDims
  const [dx, dy, dz] = dims
  const sxy = nx * ny
  if (isAxisAligned(m)) {
    const [tx, ty, tz] = [0, 1, 2].map((a) => axisTaps(srcDims[a]!, dims[a]!, m[5 * a]!, m[4 * a + 3]!, false))
    for (let k = 0, o = 0; k < dz; k++) {
      const k0 = tz!.i0[k]!
      if (k0 < 0) { o += dx * dy; continue }
      const k1 = tz!.i1[k]!, fz = tz!.w[k]!
      for (let j = 0; j < dy; j++, o += dx) {
        const j0 = ty!.i0[j]!
        if (j0 < 0) continue
        const j1 = ty!.i1[j]!, fy = ty!.w[j]!
        const r00 = nx * j0 + sxy * k0, r10 = nx * j1 + sxy * k0
        const r01 = nx * j0 + sxy * k1, r11 = nx * j1 + sxy * k1
        for (let i = 0; i < dx; i++) {
          const i0 = tx!.i0[i]!
          if (i0 < 0) continue
          out[o + i] = trilinear(src, r00, r10, r01, r11, i0, tx!.i1[i]!, tx!.w[i]!, fy, fz)
        }
      }
    }
    return out
  }
  let o = 0
  for (let k = 0; k < dz; k++) {
    for (let j = 0; j < dy; j++) {
      const bx = m[1] * j + m[2] * k + m[3]
      const by = m[5] * j + m[6] * k + m[7]
      const bz = m[9] * j + m[10] * k + m[11]
      for (let i = 0; i < dx; i++, o++) {
        const x = bx + m[0] * i, y = by + m[4] * i, z = bz + m[8] * i
        if (outside(x, nx) || outside(y, ny) || outside(z, nz)) continue
        const cx = clampPosition(x, nx), cy = clampPosition(y, ny), cz = clampPosition(z, nz)
        const i0 = Math.floor(cx), j0 = Math.floor(cy), k0 = Math.floor(cz)
        const i1 = i0 < nx - 1 ? i0 + 1 : i0
        const j1 = j0 < ny - 1 ? j0 + 1 : j0
        const k1 = k0 < nz - 1 ? k0 + 1 : k0
        const r00 = nx * j0 + sxy * k0, r10 = nx * j1 + sxy * k0
        const r01 = nx * j0 + sxy * k1, r11 = nx * j1 + sxy * k1
        out[o] = trilinear(src, r00, r10, r01, r11, i0, i1, cx - i0, cy - j0, cz - k0)
      }
    }
  }
  return out
}

/** Interpolates along i on four rows, then along j, then along k (the same order on both paths). */
function trilinear(
  src: VoxelArray,
  r00: number, r10: number, r01: number, r11: number,
  i0: number, i1: number, fx: number, fy: number, fz: number,
): number {
  const c00 = src[r00 + i0]! + (src[r00 + i1]! - src[r00 + i0]!) * fx
  const c10 = src[r10 + i0]! + (src[r10 + i1]! - src[r10 + i0]!) * fx
  const c01 = src[r01 + i0]! + (src[r01 + i1]! - src[r01 + i0]!) * fx
  const c11 = src[r11 + i0]! + (src[r11 + i1]! - src[r11 + i0]!) * fx
  const c0 = c00 + (c10 - c00) * fy
  const c1 = c01 + (c11 - c01) * fy
  return c0 + (c1 - c0) * fz
}

/** Per target index along one axis: source taps i0 and i1 (i0 = -1 outside) and the weight of i1. */
interface AxisTaps {
  i0: Int32Array
  i1: Int32Array
  w: Float64Array
}

function axisTaps(n: number, count: number, scale: number, shift: number, nearest: boolean): AxisTaps {
  const taps: AxisTaps = { i0: new Int32Array(count), i1: new Int32Array(count), w: new Float64Array(count) }
  for (let t = 0; t < count; t++) {
    // shift + scale * t is exactly what the general path computes when the other terms are zero.
    const x = shift + scale * t
    if (outside(x, n)) {
      taps.i0[t] = -1
    } else if (nearest) {
      taps.i0[t] = nearestIndex(x, n)
    } else {
      const c = clampPosition(x, n)
      const i0 = Math.floor(c)
      taps.i0[t] = i0
      taps.i1[t] = i0 < n - 1 ? i0 + 1 : i0
      taps.w[t] = c - i0
    }
  }
  return taps
}

/**
 * A per-axis scale and shift: no term mixes the axes. Terms under 1e-12 source voxels per target
 * voxel (round-off from inverting an affine) count as zero; over any real grid they move a sample
 * by less than 1e-8 voxel.
 */
function isAxisAligned(m: Mat4): boolean {
  return [m[1], m[2], m[4], m[6], m[8], m[9]].every((v) => Math.abs(v) < 1e-12)
}

function outside(x: number, n: number): boolean {
  return !(x >= -0.5 - EDGE_TOLERANCE && x <= n - 0.5 + EDGE_TOLERANCE)
}

/** Clamped into [0, n - 1]: the outer half voxel takes the edge value. */
function clampPosition(x: number, n: number): number {
  return x < 0 ? 0 : x > n - 1 ? n - 1 : x
}

/** Rounds half up, clamped into the grid. */
function nearestIndex(x: number, n: number): number {
  const i = Math.floor(x + 0.5)
  return i < 0 ? 0 : i >= n ? n - 1 : i
}

/** An empty array of the same element type, so a label map keeps its integer type. */
function allocLike(data: VoxelArray, length: number): VoxelArray {
  const Ctor = data.constructor as new (length: number) => VoxelArray
  return new Ctor(length)
}
