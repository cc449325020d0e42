import type { Vec3 } from '../../../imaging/volume'

/**
 * A smooth random field in world millimetres: a cubic B-spline over a coarse lattice of control values
 * (Rueckert et al. 1999, "Nonrigid registration using free-form deformations"), with 1 component (a log
 * bias field) or 3 (a displacement in mm).
 *
 * Cubic B-spline weights are non-negative and sum to 1, so every value of the field is a convex
 * combination of 4^3 control values: a displacement field whose control vectors lie in a ball of radius
 * d never moves a point more than d, and a scalar field stays within its control values' range. A
 * displacement whose control components stay below 0.4 of the spacing is one-to-one, its Jacobian
 * determinant positive everywhere (Choi & Lee 2000, "Injectivity conditions of 2D and 3D uniform cubic
 * B-spline functions": the bound is 1/K with K about 2.48).
 */

/** The bound of Choi & Lee 2000 on control displacements (a fraction of the spacing) that keeps an FFD one-to-one. */
export const INJECTIVE_FRACTION = 0.4

/** A grid whose axes run along world x, y, z (RAS+): point (i, j, k) is at originMm + stepMm * (i, j, k). */
export interface AxisGrid {
  dims: Vec3
  originMm: Vec3
  stepMm: Vec3
}

/** The four cubic B-spline weights at fraction t in [0, 1). */
function weights(t: number, out: Float64Array, at: number): void {
  const s = 1 - t
  out[at] = (s * s * s) / 6
  out[at + 1] = (3 * t * t * t - 6 * t * t + 4) / 6
  out[at + 2] = (-3 * t * t * t + 3 * t * t + 3 * t + 1) / 6
  out[at + 3] = (t * t * t) / 6
}

/** Per grid index along one axis: the first of its four control indices and their weights. */
interface Taps {
  first: Int32Array
  w: Float64Array
}

export class BSplineField {
  /**
   * Control value (component c, lattice a, b, e) is values[c * n + a + nx * (b + ny * e)] (n the lattice
   * size) and sits at originMm + spacingMm * (a, b, e).
   */
  constructor(
    readonly originMm: Vec3,
    readonly spacingMm: number,
    readonly controlDims: Vec3,
    readonly components: number,
    readonly values: Float64Array,
  ) {}

  /**
   * A random field over the box [min, max] (mm): control values uniform in [-amplitude, amplitude] (one
   * component) or uniform in the ball of that radius (three). The lattice reaches one spacing beyond the
   * box on each side, so every point of the box has its four control points a side.
   */
  static random(box: { min: Vec3; max: Vec3 }, spacingMm: number, amplitude: number, components: 1 | 3, random: () => number): BSplineField {
    const controlDims = [0, 1, 2].map((a) => Math.max(1, Math.ceil((box.max[a]! - box.min[a]!) / spacingMm)) + 3) as Vec3
    const originMm = box.min.map((v) => v - spacingMm) as Vec3
    const n = controlDims[0] * controlDims[1] * controlDims[2]
    const values = new Float64Array(n * components)
    const uniform = (): number => (2 * random() - 1) * amplitude
    for (let p = 0; p < n; p++) {
      if (components === 1) {
        values[p] = uniform()
        continue
      }
      // Rejection sampling: uniform in the cube until inside the ball (about 52% of draws are).
      let x: number, y: number, z: number
      do {
        x = uniform()
        y = uniform()
        z = uniform()
      } while (x * x + y * y + z * z > amplitude * amplitude)
      values[p] = x
      values[n + p] = y
      values[2 * n + p] = z
    }
    return new BSplineField(originMm, spacingMm, controlDims, components, values)
  }

  private taps(axis: number, count: number, origin: number, step: number): Taps {
    const first = new Int32Array(count)
    const w = new Float64Array(4 * count)
    const last = this.controlDims[axis]! - 4
    for (let i = 0; i < count; i++) {
      const u = (origin + step * i - this.originMm[axis]!) / this.spacingMm
      // Outside the lattice the nearest end's taps are used: the field continues flat-ish, never undefined.
      const cell = Math.min(Math.max(Math.floor(u), 1), last + 1)
      const t = Math.min(Math.max(u - cell, 0), 1)
      first[i] = cell - 1
      weights(t, w, 4 * i)
    }
    return { first, w }
  }

  /** The field at one world point; component c at index c. */
  at(p: Vec3): Float64Array {
    const evaluator = this.rows({ dims: [1, 1, 1], originMm: p, stepMm: [1, 1, 1] })
    return evaluator.row(0, 0).slice(0, this.components)
  }

  /**
   * Evaluates the field on a grid one row (fixed j, k) at a time, separably: the lattice is reduced along
   * z once per slice, along y once per row, and only 4 taps along x remain per point. row(j, k) returns
   * the values of points (0..nx-1, j, k), components interleaved, in an array reused by the next call.
   */
  rows(grid: AxisGrid): { row(j: number, k: number): Float64Array } {
    const [cx, cy] = this.controlDims
    const n = this.controlDims[0] * this.controlDims[1] * this.controlDims[2]
    const C = this.components
    const [tx, ty, tz] = [0, 1, 2].map((a) => this.taps(a, grid.dims[a]!, grid.originMm[a]!, grid.stepMm[a]!)) as [Taps, Taps, Taps]
    const plane = new Float64Array(C * cx * cy)
    const line = new Float64Array(C * cx)
    const out = new Float64Array(C * grid.dims[0])
    const values = this.values
    let planeK = -1
    return {
      row: (j: number, k: number): Float64Array => {
        if (k !== planeK) {
          plane.fill(0)
          for (let m = 0; m < 4; m++) {
            const weight = tz.w[4 * k + m]!
            const base = cx * cy * (tz.first[k]! + m)
            for (let c = 0; c < C; c++) {
              for (let q = 0; q < cx * cy; q++) plane[c * cx * cy + q]! += weight * values[c * n + base + q]!
            }
          }
          planeK = k
        }
        line.fill(0)
        for (let m = 0; m < 4; m++) {
          const weight = ty.w[4 * j + m]!
          const base = cx * (ty.first[j]! + m)
          for (let c = 0; c < C; c++) for (let a = 0; a < cx; a++) line[c * cx + a]! += weight * plane[c * cx * cy + base + a]!
        }
        for (let i = 0; i < grid.dims[0]; i++) {
          const f = tx.first[i]!
          const w0 = tx.w[4 * i]!, w1 = tx.w[4 * i + 1]!, w2 = tx.w[4 * i + 2]!, w3 = tx.w[4 * i + 3]!
          for (let c = 0; c < C; c++) {
            const r = c * cx + f
            out[C * i + c] = w0 * line[r]! + w1 * line[r + 1]! + w2 * line[r + 2]! + w3 * line[r + 3]!
          }
        }
        return out
      },
    }
  }
}
