import { describe, expect, it } from 'vitest'
import { ksvd, leadingSingularTriplet } from '../../../main/faces/ksvd'
import { column, fromColumns, fromRowMajor, symmetricEigen } from '../../../main/faces/linear-algebra'

const abs = (a: ArrayLike<number>): number[] => Array.from(a, Math.abs)

describe('K-SVD', () => {
  it('with one atom learns the leading left singular vector (worked by hand)', () => {
    // X = [[3, 1, 2], [1, 3, 2]]: X X^T = [[14, 10], [10, 14]], eigenvalues 24 and 4 with eigenvectors
    // (1, 1)/√2 and (1, -1)/√2. With K = 1, T0 = 1 every column uses the atom, so the update sets it to
    // u1 = (1, 1)/√2 and the codes to σ1 v1 = u1^T X = (4/√2, 4/√2, 4/√2) = 2√2 each; what is left is the
    // second singular value, ||X - D Γ||_F = σ2 = √4 = 2. Whichever column seeds the atom, u1^T d > 0.
    const x = fromRowMajor([3, 1, 2, 1, 3, 2], 2, 3)
    for (const seed of [1, 2, 3]) {
      const r = ksvd(x, { atoms: 1, sparsity: 1, iterations: 1, seed })
      expect(Array.from(column(r.dictionary, 0))).toEqual([expect.closeTo(Math.SQRT1_2, 12), expect.closeTo(Math.SQRT1_2, 12)])
      expect(Array.from(r.codes.data)).toEqual([2, 2, 2].map((v) => expect.closeTo(v * Math.SQRT2, 12)))
      expect(r.errors).toEqual([expect.closeTo(2, 12)])
    }
  })

  it('replaces an atom no column uses by the worst-represented column', () => {
    // X = [(1, 0), (2, 0), (0, 1)], K = 2, T0 = 1. Seeded with (1, 0) and (2, 0) (both normalise to (1, 0)),
    // the column (0, 1) is orthogonal to both and stays uncoded, the ties (1, 0), (2, 0) go to the first
    // atom, so the second is unused and becomes the worst-represented column (0, 1); the next round codes
    // everything exactly. Seeded otherwise, the atoms are (1, 0) and (0, 1) at once. Either way, after two
    // rounds the atoms are ±(1, 0) and ±(0, 1) and the error is 0, for every seed.
    const x = fromColumns([
      [1, 0],
      [2, 0],
      [0, 1],
    ])
    for (let seed = 0; seed < 8; seed++) {
      const r = ksvd(x, { atoms: 2, sparsity: 1, iterations: 2, seed })
      const atoms = [abs(column(r.dictionary, 0)), abs(column(r.dictionary, 1))].sort((a, b) => b[0]! - a[0]!)
      expect(atoms).toEqual([
        [expect.closeTo(1, 12), expect.closeTo(0, 12)],
        [expect.closeTo(0, 12), expect.closeTo(1, 12)],
      ])
      expect(r.errors.at(-1)).toBeLessThan(1e-12)
    }
  })

  it('codes use at most T0 atoms and atoms stay unit length', () => {
    const x = fromRowMajor(Array.from({ length: 6 * 8 }, (_, i) => Math.sin(1.7 * i) + 0.3 * Math.cos(0.37 * i * i)), 6, 8)
    const r = ksvd(x, { atoms: 5, sparsity: 2, iterations: 5, seed: 3 })
    for (let j = 0; j < 8; j++) expect(Array.from(column(r.codes, j)).filter((v) => v !== 0).length).toBeLessThanOrEqual(2)
    for (let k = 0; k < 5; k++) expect(Math.hypot(...column(r.dictionary, k))).toBeCloseTo(1, 12)
  })
})

describe('the rank-1 update and the eigen-solver behind it', () => {
  // numpy: E = [[1, 2], [0, 1], [2, 3]]; np.linalg.svd(E) -> σ1 = 4.3218954, u1 = ±(0.51626998, 0.19972938,
  // 0.83281059), v1 = ±(0.5048459, 0.86320949). The sign is free; σ u v^T is not.
  const e = fromRowMajor([1, 2, 0, 1, 2, 3], 3, 2)
  const u1 = [0.51626998, 0.19972938, 0.83281059]
  const v1 = [0.5048459, 0.86320949]

  it('matches numpy for a tall and a wide matrix', () => {
    for (const [m, u, v] of [
      [e, u1, v1],
      [fromRowMajor([1, 0, 2, 2, 1, 3], 2, 3), v1, u1],
    ] as const) {
      const t = leadingSingularTriplet(m)
      expect(t.sigma).toBeCloseTo(4.3218954, 6)
      const sign = Math.sign(t.u[0]!)
      Array.from(t.u).forEach((value, i) => expect(sign * value).toBeCloseTo(u[i]!, 7))
      Array.from(t.v).forEach((value, i) => expect(sign * value).toBeCloseTo(v[i]!, 7))
    }
  })

  it('symmetricEigen: eigenvalues of a hand-checkable matrix, descending', () => {
    // [[2, 1, 0], [1, 2, 0], [0, 0, 5]]: 5 (z axis), 3 ((1, 1, 0)/√2), 1 ((1, -1, 0)/√2).
    const { values, vectors } = symmetricEigen(fromRowMajor([2, 1, 0, 1, 2, 0, 0, 0, 5], 3, 3))
    expect(Array.from(values)).toEqual([expect.closeTo(5, 12), expect.closeTo(3, 12), expect.closeTo(1, 12)])
    expect(abs(column(vectors, 0))).toEqual([expect.closeTo(0, 12), expect.closeTo(0, 12), expect.closeTo(1, 12)])
    expect(abs(column(vectors, 1))).toEqual([expect.closeTo(Math.SQRT1_2, 12), expect.closeTo(Math.SQRT1_2, 12), expect.closeTo(0, 12)])
  })
})
