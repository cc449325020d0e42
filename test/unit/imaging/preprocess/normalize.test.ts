import { describe, expect, it } from 'vitest'
import { normalizeIntensity } from '../../../../main/imaging/preprocess'
import type { Vec3, Volume } from '../../../../main/imaging/volume'
import { seededRandom } from '../../../../main/compute/seeded-random'
import { diagonalAffine } from './phantom'

function volumeOf(data: Float32Array | Int16Array, dims: Vec3): Volume {
  return { dims, affine: diagonalAffine([1, 1, 1]), data, components: 1, datatype: data instanceof Int16Array ? 'int16' : 'float32' }
}

/** numpy.percentile (linear) by sorting, the reference the selection must match. */
function sortedPercentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b)
  const rank = (p / 100) * (s.length - 1)
  const lo = Math.floor(rank)
  return lo + 1 < s.length ? s[lo]! + (s[lo + 1]! - s[lo]!) * (rank - lo) : s[lo]!
}

/** Mean and population std of the masked values. */
function moments(data: ArrayLike<number>, keep: (i: number) => boolean): { mean: number; std: number; n: number } {
  let sum = 0, n = 0
  for (let i = 0; i < data.length; i++) if (keep(i)) (sum += data[i]!), n++
  const mean = sum / n
  let sq = 0
  for (let i = 0; i < data.length; i++) if (keep(i)) sq += (data[i]! - mean) ** 2
  return { mean, std: Math.sqrt(sq / n), n }
}

describe('normalizeIntensity', () => {
  it('clips at the stated percentiles and gives mean 0, std 1', () => {
    // The values 0..999 in a scrambled order (7 is coprime with 1000).
    const data = Float32Array.from({ length: 1000 }, (_, i) => (i * 7) % 1000)
    const { volume, params } = normalizeIntensity(volumeOf(data, [10, 10, 10]))
    expect(params.mask).toBe('all')
    expect(params.low).toBeCloseTo(4.995, 6) // rank 0.005 * 999
    expect(params.high).toBeCloseTo(994.005, 6) // rank 0.995 * 999
    const clipped = Array.from(data, (v) => Math.min(Math.max(v, 4.995), 994.005))
    const expected = moments(clipped, () => true)
    expect(params.mean).toBeCloseTo(expected.mean, 6)
    expect(params.std).toBeCloseTo(expected.std, 6)
    const out = moments(volume.data, () => true)
    expect(out.mean).toBeCloseTo(0, 6)
    expect(out.std).toBeCloseTo(1, 5)
    expect(volume.data).toBeInstanceOf(Float32Array)
    // Everything at or below 4.995 lands on one value, the clip bound's z-score.
    const floor = (4.995 - expected.mean) / expected.std
    expect(Math.min(...volume.data)).toBeCloseTo(floor, 5)
    expect(Array.from(volume.data).filter((v) => Math.abs(v - floor) < 1e-6)).toHaveLength(5) // 0, 1, 2, 3, 4
    expect(Math.max(...volume.data)).toBeCloseTo((994.005 - expected.mean) / expected.std, 5)
  })

  it('over the non-zero mask: zeros stay out of the statistics and come out as 0', () => {
    const dims: Vec3 = [20, 20, 20]
    const data = new Int16Array(8000)
    const random = seededRandom(11)
    const inside: number[] = []
    for (let k = 5; k < 15; k++) {
      for (let j = 4; j < 16; j++) {
        for (let i = 3; i < 17; i++) {
          const v = 100 + Math.floor(random() * 900)
          data[i + 20 * (j + 20 * k)] = v
          inside.push(v)
        }
      }
    }
    const { volume, params } = normalizeIntensity(volumeOf(data, dims), { mask: 'nonzero', lowPercentile: 2, highPercentile: 98 })
    expect(params.maskVoxels).toBe(inside.length)
    expect(params.low).toBeCloseTo(sortedPercentile(inside, 2), 10)
    expect(params.high).toBeCloseTo(sortedPercentile(inside, 98), 10)
    const masked = moments(volume.data, (i) => data[i] !== 0)
    expect(masked.mean).toBeCloseTo(0, 6)
    expect(masked.std).toBeCloseTo(1, 5)
    for (let i = 0; i < data.length; i++) if (data[i] === 0) expect(volume.data[i]).toBe(0)
  })

  it('gives zeros for a constant image and refuses bad requests', () => {
    const flat = normalizeIntensity(volumeOf(new Float32Array(27).fill(5), [3, 3, 3]))
    expect(flat.params.std).toBe(0)
    expect(Array.from(flat.volume.data).every((v) => v === 0)).toBe(true)
    expect(() => normalizeIntensity(volumeOf(new Float32Array(8), [2, 2, 2]), { mask: 'nonzero' })).toThrow(/no non-zero/)
    expect(() => normalizeIntensity(volumeOf(new Float32Array(8), [2, 2, 2]), { lowPercentile: 60, highPercentile: 40 })).toThrow(/percentiles/)
  })

  it('leaves NaN voxels out and writes 0 there', () => {
    const data = Float32Array.from([1, 2, 3, NaN, 4, 5, 6, 7])
    const { volume, params } = normalizeIntensity(volumeOf(data, [2, 2, 2]), { lowPercentile: 0, highPercentile: 100 })
    expect(params.maskVoxels).toBe(7)
    expect(params.mean).toBeCloseTo(4, 12)
    expect(params.std).toBeCloseTo(2, 12)
    expect(volume.data[3]).toBe(0)
    expect(volume.data[0]).toBeCloseTo(-1.5, 6)
  })
})
