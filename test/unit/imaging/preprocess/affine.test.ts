import { describe, expect, it } from 'vitest'
import { PerceptError } from '../../../../main/core/errors'
import { IDENTITY, invertMat4, multiplyMat4, scaleTranslateMat4, transformPoint } from '../../../../main/imaging/preprocess'
import type { Mat4 } from '../../../../main/imaging/volume'

// An LPS-like affine: i to -x (2 mm), j to +z (3 mm), k to -y (1.5 mm).
const PERMUTED: Mat4 = [-2, 0, 0, 50, 0, 0, -1.5, 30, 0, 3, 0, -20, 0, 0, 0, 1]

describe('4x4 helpers', () => {
  it('inverts a permuted, flipped, anisotropic affine to its analytic inverse', () => {
    // i = (50 - x) / 2, j = (z + 20) / 3, k = (30 - y) / 1.5
    const expected: Mat4 = [-0.5, 0, 0, 25, 0, 0, 1 / 3, 20 / 3, 0, -1 / 1.5, 0, 20, 0, 0, 0, 1]
    const inverse = invertMat4(PERMUTED)
    inverse.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12))
  })

  it('gives the identity when a matrix meets its inverse (pivoting needed: zero on the diagonal)', () => {
    const rotation: Mat4 = [0, 1, 0, 5, 0, 0, 1, -3, 1, 0, 0, 2, 0, 0, 0, 1]
    for (const m of [PERMUTED, rotation]) {
      multiplyMat4(m, invertMat4(m)).forEach((v, i) => expect(v).toBeCloseTo(IDENTITY[i]!, 12))
      multiplyMat4(invertMat4(m), m).forEach((v, i) => expect(v).toBeCloseTo(IDENTITY[i]!, 12))
    }
  })

  it('multiplies so that the right-hand matrix applies first', () => {
    const scale = scaleTranslateMat4([2, 2, 2], [0, 0, 0])
    const shift = scaleTranslateMat4([1, 1, 1], [1, 2, 3])
    expect(transformPoint(multiplyMat4(shift, scale), [1, 1, 1])).toEqual([3, 4, 5])
    expect(transformPoint(multiplyMat4(scale, shift), [1, 1, 1])).toEqual([4, 6, 8])
  })

  it('refuses a singular affine with a file error', () => {
    const flat: Mat4 = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    expect(() => invertMat4(flat)).toThrow(PerceptError)
    try {
      invertMat4(flat)
    } catch (error) {
      expect((error as PerceptError).code).toBe('INVALID_FILE')
    }
  })
})
