import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../../../../main/compute/seeded-random'
import type { Vec3 } from '../../../../../main/imaging/volume'
import { BSplineField, INJECTIVE_FRACTION, type AxisGrid } from '../../../../../main/mri/segmentation/cohort/bspline-field'

/** Every point of a grid with its field value(s), row by row as the evaluator gives them. */
function sampleGrid(field: BSplineField, grid: AxisGrid): Float64Array {
  const [nx, ny, nz] = grid.dims
  const C = field.components
  const out = new Float64Array(nx * ny * nz * C)
  const rows = field.rows(grid)
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) out.set(rows.row(j, k), C * nx * (j + ny * k))
  return out
}

describe('BSplineField', () => {
  it('reproduces a constant and a linear function of the control index exactly (cubic B-spline identities)', () => {
    // Control value 3 + 2a along x (a the lattice index), the same for every b, e: the field is 3 + 2 (x - origin) / spacing.
    const dims: Vec3 = [7, 5, 5]
    const values = new Float64Array(7 * 5 * 5)
    for (let e = 0; e < 5; e++) for (let b = 0; b < 5; b++) for (let a = 0; a < 7; a++) values[a + 7 * (b + 5 * e)] = 3 + 2 * a
    const field = new BSplineField([-20, -10, -10], 10, dims, 1, values)
    for (const p of [[0, 0, 0], [7.5, 3, -2], [-4.25, 9, 11], [21, -1, 5]] as Vec3[]) {
      expect(field.at(p)[0]).toBeCloseTo(3 + (2 * (p[0] + 20)) / 10, 12)
    }
    const constant = new BSplineField([0, 0, 0], 10, [5, 5, 5], 3, new Float64Array(3 * 125).fill(-1.5))
    expect([...constant.at([12.3, 17.9, 25])]).toEqual([-1.5, -1.5, -1.5].map((v) => expect.closeTo(v, 12)))
  })

  it('a random displacement stays within its amplitude and keeps a positive Jacobian determinant at the injectivity bound', () => {
    const spacing = 10
    const amplitude = INJECTIVE_FRACTION * spacing
    const box = { min: [0, 0, 0] as Vec3, max: [30, 30, 30] as Vec3 }
    const field = BSplineField.random(box, spacing, amplitude, 3, seededRandom(11))
    const h = 1
    const grid: AxisGrid = { dims: [31, 31, 31], originMm: [0, 0, 0], stepMm: [h, h, h] }
    const u = sampleGrid(field, grid)
    const [nx, ny, nz] = grid.dims
    let largest = 0
    for (let p = 0; p < nx * ny * nz; p++) largest = Math.max(largest, Math.hypot(u[3 * p]!, u[3 * p + 1]!, u[3 * p + 2]!))
    expect(largest).toBeLessThanOrEqual(amplitude + 1e-12)
    // It is no zero field: a random field of this amplitude moves some point by over a quarter of it.
    expect(largest).toBeGreaterThan(amplitude / 4)

    // det(I + du/dx) by central differences at every interior point.
    let smallest = Infinity
    const at = (i: number, j: number, k: number, c: number): number => u[3 * (i + nx * (j + ny * k)) + c]!
    for (let k = 1; k < nz - 1; k++) {
      for (let j = 1; j < ny - 1; j++) {
        for (let i = 1; i < nx - 1; i++) {
          const J = [0, 1, 2].map((c) => [
            (at(i + 1, j, k, c) - at(i - 1, j, k, c)) / (2 * h) + (c === 0 ? 1 : 0),
            (at(i, j + 1, k, c) - at(i, j - 1, k, c)) / (2 * h) + (c === 1 ? 1 : 0),
            (at(i, j, k + 1, c) - at(i, j, k - 1, c)) / (2 * h) + (c === 2 ? 1 : 0),
          ])
          const det =
            J[0]![0]! * (J[1]![1]! * J[2]![2]! - J[1]![2]! * J[2]![1]!) -
            J[0]![1]! * (J[1]![0]! * J[2]![2]! - J[1]![2]! * J[2]![0]!) +
            J[0]![2]! * (J[1]![0]! * J[2]![1]! - J[1]![1]! * J[2]![0]!)
          smallest = Math.min(smallest, det)
        }
      }
    }
    expect(smallest).toBeGreaterThan(0)
  })

  it('a random scalar field stays within [-a, a], changes by at most 2a/spacing per mm, and rows agree with points', () => {
    const a = Math.log(1.3)
    const spacing = 40
    const field = BSplineField.random({ min: [-50, -60, -40], max: [50, 60, 40] }, spacing, a, 1, seededRandom(5))
    const grid: AxisGrid = { dims: [26, 31, 21], originMm: [-50, -60, -40], stepMm: [4, 4, 4] }
    const b = sampleGrid(field, grid)
    const [nx, ny] = grid.dims
    expect(Math.max(...b)).toBeLessThanOrEqual(a)
    expect(Math.min(...b)).toBeGreaterThanOrEqual(-a)
    // The derivative of a cubic B-spline is a quadratic B-spline of control differences / spacing, each at most 2a.
    const bound = (2 * a * 4) / spacing
    let steepest = 0
    for (let p = 0; p < b.length; p++) {
      if (p % nx !== nx - 1) steepest = Math.max(steepest, Math.abs(b[p + 1]! - b[p]!))
      if (p + nx * ny < b.length) steepest = Math.max(steepest, Math.abs(b[p + nx * ny]! - b[p]!))
    }
    expect(steepest).toBeLessThanOrEqual(bound)
    expect(steepest).toBeGreaterThan(0)
    expect(field.at([-50 + 4 * 3, -60 + 4 * 7, -40 + 4 * 11])[0]).toBeCloseTo(b[3 + nx * (7 + ny * 11)]!, 12)
  })
})
