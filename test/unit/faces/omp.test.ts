import { describe, expect, it } from 'vitest'
import { fromColumns } from '../../../main/faces/linear-algebra'
import { orthogonalMatchingPursuit } from '../../../main/faces/omp'

describe('orthogonal matching pursuit', () => {
  // Worked by hand. Atoms d0 = (1, 0, 0), d1 = (0.6, 0.8, 0), d2 = (0, 0, 1) (unit length); y = (1, 1, 0.5).
  // Step 1: |d^T y| = 1, 1.4, 0.5 -> d1; coefficient 1.4, residual y - 1.4 d1 = (0.16, -0.12, 0.5), norm
  //   sqrt(0.0256 + 0.0144 + 0.25) = sqrt(0.29).
  // Step 2: |d^T r| = 0.16, 0, 0.5 -> d2; least squares on {d1, d2}: 1.4 and 0.5 (orthogonal atoms), residual
  //   (0.16, -0.12, 0), norm 0.2.
  // Step 3: d0; y = a d0 + b d1 + c d2 exactly: c = 0.5, 0.8 b = 1 -> b = 1.25, a = 1 - 0.6 * 1.25 = 0.25. The
  //   refit changes d1's coefficient from 1.4 to 1.25 (what makes it orthogonal MP, not plain MP); residual 0.
  const d = fromColumns([
    [1, 0, 0],
    [0.6, 0.8, 0],
    [0, 0, 1],
  ])
  const y = [1, 1, 0.5]

  it('T = 1 picks the most correlated atom', () => {
    const r = orthogonalMatchingPursuit(d, y, 1)
    expect(r.support).toEqual([1])
    expect(Array.from(r.coefficients)).toEqual([0, expect.closeTo(1.4, 12), 0])
    expect(r.residualNorm).toBeCloseTo(Math.sqrt(0.29), 12)
  })

  it('T = 2 adds the atom most correlated with the residual', () => {
    const r = orthogonalMatchingPursuit(d, y, 2)
    expect(r.support).toEqual([1, 2])
    expect(r.coefficients[0]).toBe(0)
    expect(r.coefficients[1]).toBeCloseTo(1.4, 12)
    expect(r.coefficients[2]).toBeCloseTo(0.5, 12)
    expect(r.residualNorm).toBeCloseTo(0.2, 12)
  })

  it('T = 3 refits every coefficient by least squares', () => {
    const r = orthogonalMatchingPursuit(d, y, 3)
    expect(r.support).toEqual([1, 2, 0])
    expect(r.coefficients[0]).toBeCloseTo(0.25, 12)
    expect(r.coefficients[1]).toBeCloseTo(1.25, 12)
    expect(r.coefficients[2]).toBeCloseTo(0.5, 12)
    expect(r.residualNorm).toBeLessThan(1e-12)
  })

  it('stops early at a zero residual and never picks an atom twice', () => {
    // y = 2 d0 exactly: one atom explains it, a sparsity of 3 must not add more.
    const r = orthogonalMatchingPursuit(d, [2, 0, 0], 3)
    expect(r.support).toEqual([0])
    expect(r.coefficients[0]).toBeCloseTo(2, 12)
    expect(r.residualNorm).toBeLessThan(1e-12)
  })

  it('with a duplicated atom, ties go to the lower index and the copy is never used', () => {
    // d0 and d0' are the same; y = (1, 2) -> (0, 1) atom first (|2| > |1|), then d0 (first of the duplicates).
    const dup = fromColumns([
      [1, 0],
      [1, 0],
      [0, 1],
    ])
    const r = orthogonalMatchingPursuit(dup, [1, 2], 3)
    expect(r.support).toEqual([2, 0])
    expect(Array.from(r.coefficients)).toEqual([expect.closeTo(1, 12), 0, expect.closeTo(2, 12)])
    expect(r.residualNorm).toBeLessThan(1e-12)
  })
})
