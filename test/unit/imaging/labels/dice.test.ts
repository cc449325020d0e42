import { describe, expect, it } from 'vitest'
import { PerceptError } from '../../../../main/core/errors'
import { DIFFERENCE, diceByLabel, labelDifference } from '../../../../main/imaging/labels'
import type { Mat4, Volume } from '../../../../main/imaging/volume'
import { IDENTITY, labelVolume } from './volumes'

const DIMS: [number, number, number] = [10, 10, 10]
const slab = (from: number, to: number, label = 1) => (i: number) => (i >= from && i < to ? label : 0)

function validationError(run: () => unknown): PerceptError {
  let caught: unknown
  try {
    run()
  } catch (error) {
    caught = error
  }
  expect(caught).toBeInstanceOf(PerceptError)
  expect((caught as PerceptError).code).toBe('VALIDATION')
  return caught as PerceptError
}

describe('diceByLabel', () => {
  it('is 1 for identical maps', () => {
    const a = labelVolume(DIMS, (n) => new Uint8Array(n), (i, j) => (i < 5 ? 1 : j < 3 ? 2 : 0))
    const result = diceByLabel(a, a)
    expect(result.labels.map((l) => [l.label, l.dice])).toEqual([[1, 1], [2, 1]])
    expect(result.meanDice).toBe(1)
  })

  it('is 0 for disjoint maps', () => {
    const a = labelVolume(DIMS, (n) => new Uint8Array(n), slab(0, 5))
    const b = labelVolume(DIMS, (n) => new Uint8Array(n), slab(5, 10))
    expect(diceByLabel(a, b)).toEqual({
      labels: [{ label: 1, name: 'Label 1', dice: 0, voxelsA: 500, voxelsB: 500, voxelsBoth: 0 }],
      meanDice: 0,
    })
  })

  it('gives the exact value for known overlaps, and the mean over labels in either map', () => {
    // Label 1: A is i in 0..3, B is i in 2..5: 400 voxels each, 200 shared -> 0.5.
    // Label 2: A is i = 8 (100 voxels), B is i in 8..9 (200) -> 2 * 100 / 300 = 2/3.
    // Label 3: only in A (i = 6) -> 0. Label 4 in neither: not listed.
    const a = labelVolume(DIMS, (n) => new Int16Array(n), (i) => (i < 4 ? 1 : i === 8 ? 2 : i === 6 ? 3 : 0))
    const b = labelVolume(DIMS, (n) => new Float32Array(n), (i) => (i >= 2 && i < 6 ? 1 : i >= 8 ? 2 : 0))
    const table = new Map([[2, { name: 'Hippocampus', color: [0, 0, 0] as [number, number, number] }]])
    const result = diceByLabel(a, b, table)
    expect(result.labels).toEqual([
      { label: 1, name: 'Label 1', dice: 0.5, voxelsA: 400, voxelsB: 400, voxelsBoth: 200 },
      { label: 2, name: 'Hippocampus', dice: 2 / 3, voxelsA: 100, voxelsB: 200, voxelsBoth: 100 },
      { label: 3, name: 'Label 3', dice: 0, voxelsA: 100, voxelsB: 0, voxelsBoth: 0 },
    ])
    expect(result.meanDice).toBeCloseTo((0.5 + 2 / 3 + 0) / 3, 15)
  })

  it('gives the same answer on the sparse (Map) path', () => {
    const big = 2_000_000_000
    const a = labelVolume([4, 1, 1], (n) => new Int32Array(n), (i) => [big, big, 0, 0][i]!)
    const b = labelVolume([4, 1, 1], (n) => new Int32Array(n), (i) => [big, 0, big, -big][i]!)
    expect(diceByLabel(a, b).labels.map((l) => [l.label, l.dice])).toEqual([[-big, 0], [big, 0.5]])
  })

  it('answers an empty list and a null mean when neither map holds a label', () => {
    const empty = labelVolume([2, 2, 2], (n) => new Uint8Array(n), () => 0)
    expect(diceByLabel(empty, empty)).toEqual({ labels: [], meanDice: null })
  })

  it('refuses maps on different grids, saying how they differ', () => {
    const a = labelVolume([5, 4, 3], (n) => new Uint8Array(n), () => 1)
    const b = labelVolume([5, 4, 4], (n) => new Uint8Array(n), () => 1)
    expect(validationError(() => diceByLabel(a, b)).message).toMatch(/5×4×3.*5×4×4/)

    const shifted: Mat4 = [...IDENTITY]
    shifted[3] = 1e-3
    const c = labelVolume([5, 4, 3], (n) => new Uint8Array(n), () => 1, shifted)
    expect(validationError(() => diceByLabel(a, c)).message).toMatch(/0\.001 mm at row 1, column 4/)
    expect(validationError(() => labelDifference(a, c)).message).toMatch(/different grids/)

    // Within 1e-4 mm the grids are the same.
    const nudged: Mat4 = [...IDENTITY]
    nudged[5] = 1 + 5e-5
    expect(diceByLabel(a, labelVolume([5, 4, 3], (n) => new Uint8Array(n), () => 1, nudged)).meanDice).toBe(1)
  })
})

describe('labelDifference', () => {
  it('codes each voxel: same 0, only A 1, only B 2, different labels 3', () => {
    const pairs = [[0, 0], [1, 1], [1, 0], [0, 2], [2, 3], [3, 0], [4, 4]]
    const a: Volume = labelVolume([pairs.length, 1, 1], (n) => new Uint8Array(n), (i) => pairs[i]![0]!)
    const b: Volume = labelVolume([pairs.length, 1, 1], (n) => new Int16Array(n), (i) => pairs[i]![1]!)
    const { SAME, ONLY_A, ONLY_B, CONFLICT } = DIFFERENCE
    expect([...labelDifference(a, b)]).toEqual([SAME, SAME, ONLY_A, ONLY_B, CONFLICT, ONLY_A, SAME])
    expect([SAME, ONLY_A, ONLY_B, CONFLICT]).toEqual([0, 1, 2, 3])
  })
})
