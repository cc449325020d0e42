import { describe, expect, it } from 'vitest'
import { fromColumns } from '../../../main/faces/linear-algebra'
import { projectionResidual, projectionResidualNorm, projectorOf } from '../../../main/faces/projection'

describe('projection residual ||(I - P) y||, P = D (D^T D)^-1 D^T', () => {
  it('matches the normal equations worked by hand', () => {
    // D = [[1, 0], [1, 1], [0, 1]], y = (1, 2, 3): D^T D = [[2, 1], [1, 2]], D^T y = (3, 5),
    // (D^T D)^-1 = 1/3 [[2, -1], [-1, 2]] -> α = (1/3, 7/3) (equation 8); ŷ = D α = (1/3, 8/3, 7/3) (equation 6);
    // r = y - ŷ = (2/3, -2/3, 2/3) (equation 7), ||r|| = 2 / sqrt(3).
    const d = fromColumns([
      [1, 1, 0],
      [0, 1, 1],
    ])
    const p = projectionResidual(d, [1, 2, 3])
    expect(p.residualNorm).toBeCloseTo(2 / Math.sqrt(3), 12)
    expect(Array.from(p.coefficients)).toEqual([expect.closeTo(1 / 3, 12), expect.closeTo(7 / 3, 12)])
    expect(Array.from(p.reconstruction)).toEqual([expect.closeTo(1 / 3, 12), expect.closeTo(8 / 3, 12), expect.closeTo(7 / 3, 12)])
    expect(projectionResidualNorm(projectorOf(d), [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(3), 12)
  })

  it('handles a rank-deficient dictionary (D^T D singular)', () => {
    // Columns (1, 1, 0) and (2, 2, 0) span the line through (1, 1, 0): ŷ = ((1 + 2) / 2)(1, 1, 0) = (1.5, 1.5, 0),
    // r = (-0.5, 0.5, 3), ||r|| = sqrt(9.5). The dependent atom gets coefficient 0, the first 1.5.
    const d = fromColumns([
      [1, 1, 0],
      [2, 2, 0],
    ])
    const p = projectionResidual(d, [1, 2, 3])
    expect(p.residualNorm).toBeCloseTo(Math.sqrt(9.5), 12)
    expect(Array.from(p.coefficients)).toEqual([expect.closeTo(1.5, 12), 0])
  })

  it('stays exact for nearly parallel atoms, where the normal equations lose every digit', () => {
    // (1, 1, 0) and (1, 1 + 1e-9, 0) span the xy-plane: the residual of (1, 2, 3) is its z part, 3. D^T D has
    // condition number ~1e19, so inverting it in float64 would give nonsense.
    const d = fromColumns([
      [1, 1, 0],
      [1, 1 + 1e-9, 0],
    ])
    expect(projectionResidual(d, [1, 2, 3]).residualNorm).toBeCloseTo(3, 6)
  })

  it('a probe in the span has residual 0, one orthogonal to it keeps its whole norm', () => {
    const d = fromColumns([
      [1, 0, 0, 0],
      [0, 1, 1, 0],
    ])
    const inSpan = projectorOf(d)
    expect(projectionResidualNorm(inSpan, [2, 3, 3, 0])).toBeLessThan(1e-12)
    expect(projectionResidualNorm(inSpan, [0, 1, -1, 2])).toBeCloseTo(Math.sqrt(6), 12)
  })
})
