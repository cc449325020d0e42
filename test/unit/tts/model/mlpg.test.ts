import { describe, expect, it } from 'vitest'
import { appendDynamics } from '../../../../main/tts/model/delta-windows'
import { mlpg, mlpgDimension } from '../../../../main/tts/model/mlpg'

describe('MLPG', () => {
  it('solves a hand-worked 3-frame case', () => {
    // Statics 1, 2, 4; deltas and delta-deltas 0; unit variances. With the edges repeated W's rows are
    //   static  [1 0 0] [0 1 0] [0 0 1]
    //   delta   [-.5 .5 0] [-.5 0 .5] [0 -.5 .5]
    //   accel   [-1 1 0] [1 -2 1] [0 1 -1]
    // so 4 W^T W = [[14 -13 3] [-13 30 -13] [3 -13 14]] and 4 W^T mu = [4 8 16];
    // by Cramer's rule (det 1892): c = [3412, 4356, 5476] / 1892 = [853, 1089, 1369] / 473.
    const c = mlpgDimension([1, 0, 0, 2, 0, 0, 4, 0, 0], [1, 1, 1])
    expect(c[0]).toBeCloseTo(853 / 473, 12)
    expect(c[1]).toBeCloseTo(1089 / 473, 12)
    expect(c[2]).toBeCloseTo(1369 / 473, 12)
  })

  it('with a very confident static stream returns the statics, and trusts consistent dynamics exactly', () => {
    const c = mlpgDimension([1, 0, 0, 2, 0, 0, 4, 0, 0], [1e-9, 1, 1])
    expect(Array.from(c).map((v) => +v.toFixed(6))).toEqual([1, 2, 4])
    // Means that a trajectory produces exactly (its own statics and dynamics) give that trajectory back.
    const x = [0.5, -1, 2, 3, 3.5, 1, -2]
    const rows = appendDynamics(x, x.length, 1)
    const back = mlpg(rows, x.length, 1, [0.3, 2, 5])
    x.forEach((v, t) => expect(back[t]).toBeCloseTo(v, 5))
  })

  it('smooths a noisy static stream towards what its zero dynamics ask for', () => {
    // Alternating statics with zero delta and delta-delta means of equal weight: the result is flatter.
    const means = [0, 1, 0, 1, 0, 1].flatMap((v) => [v, 0, 0])
    const c = mlpgDimension(means, [1, 1, 1])
    const swing = (a: ArrayLike<number>) => Math.max(...Array.from(a)) - Math.min(...Array.from(a))
    expect(swing(c)).toBeLessThan(0.5)
    expect(c.reduce((s, v) => s + v, 0) / 6).toBeCloseTo(0.5, 1)
  })
})

describe('MLPG over many dimensions', () => {
  it('gives what mlpgDimension gives dimension by dimension, at every length including the edges', () => {
    // mlpg builds the windows' W^T W once for all dimensions; mlpgDimension builds them per dimension.
    let state = 11
    const random = () => ((state = (state * 16807) % 2147483647) / 2147483647) * 2 - 1
    for (const frames of [1, 2, 3, 7, 50]) {
      const dims = 3
      const rows = Float64Array.from({ length: frames * dims * 3 }, random)
      const variances = [0.5, 1, 2, 0.1, 0.3, 4, 2, 0.7, 0.05]
      const all = mlpg(rows, frames, dims, variances)
      for (let d = 0; d < dims; d++) {
        const means = Array.from({ length: frames * 3 }, (_, i) => rows[Math.floor(i / 3) * dims * 3 + (i % 3) * dims + d]!)
        const one = mlpgDimension(means, [variances[d]!, variances[dims + d]!, variances[2 * dims + d]!])
        for (let t = 0; t < frames; t++) expect(all[t * dims + d]).toBeCloseTo(one[t]!, 12)
      }
    }
  })

  it('refuses a variance that is not positive, naming the dimension', () => {
    expect(() => mlpg(new Float64Array(6), 1, 2, [1, 0, 1, 1, 1, 1])).toThrow(/dimension 1/)
  })
})
