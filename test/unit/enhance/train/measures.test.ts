import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../../main/compute/backend'
import { positiveWeight, weightedBce } from '../../../../main/enhance/model/weighted-bce'
import { areaUnderCurve, countMask, f1Score, maskAccuracy } from '../../../../main/enhance/train/measures'

beforeAll(async () => {
  await useBackend('cpu')
})

describe('mask measures', () => {
  it('F1 and accuracy of a hand-worked pair of masks (threshold 0.5)', () => {
    // predicted 0.9 0.2 0.5 0.49 0.7 0.1 0.6 0.3 -> 1 0 1 0 1 0 1 0
    // target     1   1   1   0    0   0   1   1
    // TP = 3 (units 0, 2, 6), FP = 1 (unit 4), FN = 2 (units 1, 7), TN = 2 (units 3, 5)
    const counts = countMask([0.9, 0.2, 0.5, 0.49, 0.7, 0.1, 0.6, 0.3], [1, 1, 1, 0, 0, 0, 1, 1])
    expect(counts).toEqual({ tp: 3, fp: 1, fn: 2, tn: 2 })
    expect(f1Score(counts)).toBeCloseTo(6 / 9, 12) // 2*3 / (6 + 1 + 2)
    expect(maskAccuracy(counts)).toBeCloseTo(5 / 8, 12)
    expect(f1Score(countMask([0.1, 0.2], [0, 0]))).toBe(0)
    expect(maskAccuracy(countMask([0.1, 0.2], [0, 0]))).toBe(1)
  })

  it('area under a firing-rate curve by the trapezoid rule, one epoch apart', () => {
    expect(areaUnderCurve([0.5, 0.3, 0.2])).toBeCloseTo(0.4 + 0.25, 12)
    expect(areaUnderCurve(new Array(40).fill(0.3))).toBeCloseTo(0.3 * 39, 12)
    expect(areaUnderCurve([0.7])).toBe(0)
  })
})

describe('weighted binary cross-entropy', () => {
  it('weights the ones by negatives / positives of the training masks', () => {
    // a batch of 2 examples x 4 bins with 3 ones and 5 zeros: w = 5/3
    const target = [1, 0, 0, 1, 0, 0, 1, 0]
    const ones = target.filter((v) => v === 1).length
    const w = positiveWeight(ones, target.length - ones)
    expect(w).toBeCloseTo(5 / 3, 12)
    expect(() => positiveWeight(0, 8)).toThrow(/no speech-dominated units/)
    // logits 0 everywhere: each one costs w ln 2, each zero ln 2; mean = (3 w + 5) ln 2 / 8 = (5 + 5) ln 2 / 8
    const flat = weightedBce(tf.zeros([2, 4]), tf.tensor2d(target, [2, 4]), w).dataSync()[0]!
    expect(flat).toBeCloseTo((10 * Math.LN2) / 8, 6)
    // logit 2 on a one: w ln(1 + e^-2); logit -1 on a zero: ln(1 + e^-1); logit 1 on a zero: ln(1 + e)
    const logits = tf.tensor2d([[2, -1, 1]])
    const loss = weightedBce(logits, tf.tensor2d([[1, 0, 0]]), 2.5).dataSync()[0]!
    const want = (2.5 * Math.log(1 + Math.exp(-2)) + Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.E)) / 3
    expect(loss).toBeCloseTo(want, 6)
  })
})
