import { describe, expect, it } from 'vitest'
import { PerceptError } from '../../../../main/core/errors'
import { distinctColor, labelsPresent, labelStats } from '../../../../main/imaging/labels'
import type { Mat4, Volume } from '../../../../main/imaging/volume'
import { labelVolume } from './volumes'

// 0.5 x 2 x 4 mm voxels (4 mm^3), anisotropic, with a translation.
const ANISOTROPIC: Mat4 = [0.5, 0, 0, -10, 0, 2, 0, 20, 0, 0, 4, 30, 0, 0, 0, 1]
// The same voxel size rotated 90 degrees about z (columns permuted and one flipped): |det| still 4 mm^3.
const ROTATED: Mat4 = [0, -2, 0, 5, 0.5, 0, 0, 6, 0, 0, 4, 7, 0, 0, 0, 1]

/** 5 x 4 x 3 = 60 voxels: label 1 in a 3 x 3 x 2 block (18), 2 along one row (5), 7 at one voxel. */
function phantom(make: (n: number) => Int16Array | Uint8Array | Float32Array | Int32Array, affine: Mat4): Volume {
  return labelVolume([5, 4, 3], make, (i, j, k) => {
    if (i === 4 && j === 3 && k === 0) return 7
    if (k === 2 && j === 0) return 2 // 5 voxels
    if (k < 2 && i < 3 && j < 3) return 1 // 2 * 3 * 3 = 18 voxels
    return 0
  }, affine)
}

describe('labelStats', () => {
  it('counts voxels per label and gives mL = voxels x |det| / 1000, exactly', () => {
    for (const affine of [ANISOTROPIC, ROTATED]) {
      const stats = labelStats(phantom((n) => new Int16Array(n), affine))
      expect(stats).toEqual([
        { label: 1, name: 'Label 1', color: distinctColor(1), voxels: 18, volumeMl: 0.072 },
        { label: 2, name: 'Label 2', color: distinctColor(2), voxels: 5, volumeMl: 0.02 },
        { label: 7, name: 'Label 7', color: distinctColor(7), voxels: 1, volumeMl: 0.004 },
      ])
    }
  })

  it('gives the same counts for every array type that holds integers', () => {
    for (const make of [(n: number) => new Uint8Array(n), (n: number) => new Float32Array(n), (n: number) => new Int32Array(n)]) {
      expect(labelStats(phantom(make, ANISOTROPIC)).map((s) => s.voxels)).toEqual([18, 5, 1])
    }
  })

  it('takes names and colours from a table', () => {
    const table = new Map([[2, { name: 'Hippocampus', color: [9, 9, 9] as [number, number, number] }]])
    const stats = labelStats(phantom((n) => new Int16Array(n), ANISOTROPIC), table)
    expect(stats[1]).toMatchObject({ label: 2, name: 'Hippocampus', color: [9, 9, 9] })
    expect(stats[0]!.name).toBe('Label 1')
  })

  it('handles negative labels and sparse int32 labels (a range past the dense arrays)', () => {
    const negative = labelVolume([4, 1, 1], (n) => new Int16Array(n), (i) => [-3, -3, 0, 5][i]!)
    expect(labelStats(negative).map((s) => [s.label, s.voxels])).toEqual([[-3, 2], [5, 1]])
    const sparse = labelVolume([4, 1, 1], (n) => new Int32Array(n), (i) => [2_000_000_000, 1, 0, 2_000_000_000][i]!)
    expect(labelStats(sparse).map((s) => [s.label, s.voxels])).toEqual([[1, 1], [2_000_000_000, 2]])
    expect(labelsPresent(sparse)).toEqual([1, 2_000_000_000])
  })

  it('rejects float values that are not whole numbers, naming the voxel', () => {
    const volume = labelVolume([3, 2, 2], (n) => new Float32Array(n), (i, j, k) => (i === 1 && j === 1 && k === 1 ? 2.5 : 1))
    expect(() => labelStats(volume)).toThrowError(PerceptError)
    expect(() => labelStats(volume)).toThrowError(/2\.5 at voxel \(1, 1, 1\).*whole numbers/)
    const nan = labelVolume([2, 1, 1], (n) => new Float64Array(n), () => Number.NaN)
    expect(() => labelStats(nan)).toThrowError(/NaN/)
  })

  it('rejects an RGB volume', () => {
    const rgb: Volume = { dims: [1, 1, 1], affine: ANISOTROPIC, data: new Uint8Array(3), components: 3, datatype: 'rgb24' }
    let caught: unknown
    try {
      labelStats(rgb)
    } catch (error) {
      caught = error
    }
    expect((caught as PerceptError).code).toBe('INVALID_FILE')
    expect((caught as PerceptError).message).toMatch(/RGB/)
  })
})
