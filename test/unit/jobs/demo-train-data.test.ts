import { describe, expect, it } from 'vitest'
import { demoDataset } from '../../../main/compute/demo/demo-train'
import { seededRandom } from '../../../main/compute/seeded-random'

describe('demo.train data', () => {
  it('is the same for the same seed and different for another', () => {
    const a = demoDataset(64, 7)
    expect(demoDataset(64, 7)).toEqual(a)
    expect(demoDataset(64, 8).x).not.toEqual(a.x)
    // both classes are present, and the labels follow the circle (up to the 5% flipped)
    const ones = a.y.reduce((n, v) => n + v, 0)
    expect(ones).toBeGreaterThan(8)
    expect(ones).toBeLessThan(56)
    let agree = 0
    for (let i = 0; i < 64; i++) agree += Number((a.x[2 * i]! ** 2 + a.x[2 * i + 1]! ** 2 < 1.5625) === (a.y[i] === 1))
    expect(agree).toBeGreaterThanOrEqual(56)
  })

  it('draws from [0, 1) deterministically', () => {
    const r = seededRandom(1)
    const first = [r(), r(), r()]
    expect(first.every((v) => v >= 0 && v < 1)).toBe(true)
    const again = seededRandom(1)
    expect([again(), again(), again()]).toEqual(first)
  })
})
