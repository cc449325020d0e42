import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../../../main/compute/seeded-random'
import type { Volume, VoxelArray } from '../../../../main/imaging/volume'
import { percentiles, volumeStats } from '../../../../main/imaging/volume-stats'

function volumeOf(data: VoxelArray): Volume {
  return { dims: [data.length, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], data, components: 1, datatype: 'float32' }
}

/** numpy.percentile's default, by sorting: the reference the histogram method must match exactly. */
function sortedPercentiles(values: number[], ps: number[]): number[] {
  const sorted = Float64Array.from(values).sort()
  return ps.map((p) => percentileOfSorted(sorted, p))
}

function percentileOfSorted(sorted: Float64Array, p: number): number {
  const rank = (p / 100) * (sorted.length - 1)
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low)
}

describe('volumeStats', () => {
  it('gives min, max and mean of the values', () => {
    expect(volumeStats(volumeOf(Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])))).toEqual({ min: 1, max: 10, mean: 5.5, count: 10 })
    expect(volumeStats(volumeOf(Int16Array.from([-300, 0, 300, 600])))).toEqual({ min: -300, max: 600, mean: 150, count: 4 })
  })

  it('leaves NaN and infinities out', () => {
    expect(volumeStats(volumeOf(Float32Array.from([NaN, 2, Infinity, 4, -Infinity])))).toEqual({ min: 2, max: 4, mean: 3, count: 2 })
    const none = volumeStats(volumeOf(Float32Array.from([NaN])))
    expect(none.count).toBe(0)
    expect(Number.isNaN(none.mean)).toBe(true)
  })
})

describe('percentiles (numpy default: linear between order statistics)', () => {
  it('of 0..100 is p itself', () => {
    const data = Float64Array.from({ length: 101 }, (_, n) => 100 - n)
    expect(percentiles(volumeOf(data), [0, 1, 25, 50, 99, 100])).toEqual([0, 1, 25, 50, 99, 100])
    expect(percentiles(volumeOf(data), [2.5])).toEqual([2.5])
  })

  it('interpolates between neighbours', () => {
    // Sorted [10, 20, 30, 40]: rank 0.3·3 = 0.9 lies 0.9 of the way from 10 to 20.
    expect(percentiles(volumeOf(Float32Array.from([40, 10, 30, 20])), [30])[0]).toBeCloseTo(19, 12)
  })

  it('skips zeros with nonZero', () => {
    const data = new Uint8Array(1000)
    for (let n = 0; n < 100; n++) data[n] = n + 1 // 1..100 among 900 zeros
    expect(percentiles(volumeOf(data), [0, 100], { nonZero: true })).toEqual([1, 100])
    expect(percentiles(volumeOf(data), [50])).toEqual([0])
    expect(percentiles(volumeOf(new Uint8Array(10)), [50], { nonZero: true }).every(Number.isNaN)).toBe(true)
  })

  it('is exact on large float data, through several histogram levels', () => {
    const random = seededRandom(42)
    // Heavy-tailed values with a plateau, so some bins hold far more than one sort's worth.
    const values = Array.from({ length: 300_000 }, (_, n) => (n % 3 === 0 ? 7 : Math.fround(Math.exp(8 * random()) - 1)))
    const data = Float32Array.from(values)
    const ps = [0, 0.5, 1, 2.5, 33.3, 50, 66.6, 99, 99.9, 100]
    expect(percentiles(volumeOf(data), ps)).toEqual(sortedPercentiles(values, ps))
    const nonZero = values.filter((v) => v !== 0)
    expect(percentiles(volumeOf(data), [1, 99], { nonZero: true })).toEqual(sortedPercentiles(nonZero, [1, 99]))
  })

  it('is exact on values packed closer than a histogram bin', () => {
    const values = Array.from({ length: 200_000 }, (_, n) => 1000 + (n % 1000) * 1e-9 + (n === 0 ? 1e6 : 0))
    const data = Float64Array.from(values)
    expect(percentiles(volumeOf(data), [10, 50, 90])).toEqual(sortedPercentiles(values, [10, 50, 90]))
  })
})
