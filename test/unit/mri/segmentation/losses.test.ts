/**
 * The losses of paper 003 pinned to values worked by hand (comments) and by numpy in float64 (the script
 * below), their gradients checked against central finite differences of float64 versions written out here,
 * and the batched channel-last convention.
 *
 * numpy (eps = 1e-7; p, y are [labels, voxels]):
 *   pcc:  pc = p - p.mean(1); yc = y - y.mean(1); r = (pc*yc).sum(1) / sqrt((pc**2).sum(1) * (yc**2).sum(1) + eps)
 *         mean(1 - 0.5 (r + 1))
 *   dice: mean(1 - (2 (p*y).sum(1) + eps) / ((p + y).sum(1) + eps))
 *   ce:   q = clip(p / p.sum(0), eps, 1 - eps); mean(-(y * log q).sum(0))
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { crossEntropyLoss, diceLoss, labelFirstToBatched, lossFunction, pccLoss, type LossKind } from '../../../../main/mri/segmentation/losses'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

const EPS = 1e-7
// Two labels, four voxels: label 1 is the complement of label 0.
const P2 = [[0.9, 0.6, 0.3, 0.2], [0.1, 0.4, 0.7, 0.8]]
const Y2 = [[1, 1, 0, 0], [0, 0, 1, 1]]
// Three labels, six voxels, uneven.
const P3 = [[0.7, 0.2, 0.1, 0.5, 0.3, 0.6], [0.2, 0.5, 0.3, 0.25, 0.3, 0.1], [0.1, 0.3, 0.6, 0.25, 0.4, 0.3]]
const Y3 = [[1, 0, 0, 1, 0, 0], [0, 1, 0, 0, 0, 1], [0, 0, 1, 0, 1, 0]]

/** A loss of label-first arrays through the CLI's path: [L, V] -> [1, V, L]. */
function lossOf(kind: LossKind, p: number[][], y: number[][]): number {
  return tf.tidy(() => lossFunction(kind)(labelFirstToBatched(tf.tensor2d(y)), labelFirstToBatched(tf.tensor2d(p))).dataSync()[0]!)
}

// Float64 versions of the three losses, [L][V] arrays, for the finite differences.
const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length
function pcc64(p: number[][], y: number[][]): number {
  return mean(p.map((pl, l) => {
    const yl = y[l]!
    const pm = mean(pl)
    const ym = mean(yl)
    let cov = 0, pp = 0, yy = 0
    pl.forEach((v, i) => {
      cov += (v - pm) * (yl[i]! - ym)
      pp += (v - pm) ** 2
      yy += (yl[i]! - ym) ** 2
    })
    return 1 - 0.5 * (cov / Math.sqrt(pp * yy + EPS) + 1)
  }))
}
function dice64(p: number[][], y: number[][]): number {
  return mean(p.map((pl, l) => {
    let overlap = 0, total = 0
    pl.forEach((v, i) => {
      overlap += v * y[l]![i]!
      total += v + y[l]![i]!
    })
    return 1 - (2 * overlap + EPS) / (total + EPS)
  }))
}
function ce64(p: number[][], y: number[][]): number {
  const voxels = p[0]!.length
  let sum = 0
  for (let i = 0; i < voxels; i++) {
    const total = p.reduce((s, pl) => s + pl[i]!, 0)
    p.forEach((pl, l) => (sum -= y[l]![i]! * Math.log(Math.min(Math.max(pl[i]! / total, EPS), 1 - EPS))))
  }
  return sum / voxels
}
const reference: Record<LossKind, (p: number[][], y: number[][]) => number> = { pcc: pcc64, dice: dice64, ce: ce64 }

describe('segmentation losses on label-first arrays', () => {
  it('PCC: 0 for a perfect prediction, 0.5 for a constant one, 1 for the inverse', () => {
    expect(lossOf('pcc', Y2, Y2)).toBeCloseTo(0, 6)
    expect(lossOf('pcc', [[0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5]], Y2)).toBeCloseTo(0.5, 6)
    expect(lossOf('pcc', [Y2[1]!, Y2[0]!], Y2)).toBeCloseTo(1, 6)
  })

  it('PCC by hand: p - mean = [.4, .1, -.2, -.3], y - mean = +-.5: r = 0.5 / sqrt(0.3), loss = (1 - r) / 2 = 0.0435646', () => {
    expect(lossOf('pcc', P2, Y2)).toBeCloseTo(0.04356461148492008, 6)
    expect(lossOf('pcc', P3, Y3)).toBeCloseTo(0.23104379202869652, 6)
  })

  it('Dice by hand: sum p y = 1.5, sum p + y = 4 per label: loss 1 - 3/4 = 0.25', () => {
    expect(lossOf('dice', P2, Y2)).toBeCloseTo(0.24999999375000026, 6)
    expect(lossOf('dice', P3, Y3)).toBeCloseTo(0.5398163920384054, 6)
  })

  it('cross-entropy by hand: mean of -ln 0.9, -ln 0.6, -ln 0.7, -ln 0.8 = 0.2990012', () => {
    expect(lossOf('ce', P2, Y2)).toBeCloseTo(0.2990011586691898, 6)
    expect(lossOf('ce', P3, Y3)).toBeCloseTo(0.9121117922821357, 6)
  })

  it('eps makes a missing label harmless: PCC 0.5 (r = 0), Dice 0 when neither predicted nor present', () => {
    // Each label's ground truth is constant, so its covariance is 0: r = 0 / sqrt(0 + eps) = 0, loss 0.5 per label.
    const y = [[1, 1, 1, 1], [0, 0, 0, 0]]
    expect(lossOf('pcc', [[0.9, 0.8, 0.7, 0.9], [0.1, 0.2, 0.3, 0.1]], y)).toBeCloseTo(0.5, 6)
    expect(lossOf('dice', [[1, 1, 1, 1], [0, 0, 0, 0]], y)).toBeCloseTo(0, 6)
  })

  it.each(['pcc', 'dice', 'ce'] as const)('%s has the gradient of central finite differences (float64)', (kind) => {
    const p = P3
    const grad = tf.tidy(() => {
      const y = labelFirstToBatched(tf.tensor2d(Y3))
      return tf.grad((q: tf.Tensor) => lossFunction(kind)(y, labelFirstToBatched(q)))(tf.tensor2d(p)).arraySync() as number[][]
    })
    const h = 1e-6
    p.forEach((row, l) =>
      row.forEach((_, i) => {
        const up = p.map((r) => [...r])
        const down = p.map((r) => [...r])
        up[l]![i]! += h
        down[l]![i]! -= h
        const numeric = (reference[kind](up, Y3) - reference[kind](down, Y3)) / (2 * h)
        expect(Math.abs(grad[l]![i]! - numeric)).toBeLessThan(2e-5 + 1e-3 * Math.abs(numeric))
      }),
    )
  })
})

describe('batched channel-last convention [B, ...voxels, L]', () => {
  it('labelFirstToBatched puts the labels last and the voxels in C order', () => {
    const t = labelFirstToBatched(tf.tensor3d([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]))
    expect(t.shape).toEqual([1, 4, 2])
    expect(t.arraySync()).toEqual([[[1, 5], [2, 6], [3, 7], [4, 8]]])
  })

  it('a batch of two 2x2x1 images gives the mean of the two images\' losses', () => {
    // Image 1 is P2 / Y2 arranged as a 2x2x1 volume; image 2 the perfect prediction.
    const asVolume = (a: number[][]) => [0, 1].map((d) => [0, 1].map((h) => [[a[0]![d * 2 + h]!, a[1]![d * 2 + h]!]]))
    const p = tf.tensor5d([asVolume(P2), asVolume(Y2)])
    const y = tf.tensor5d([asVolume(Y2), asVolume(Y2)])
    expect(p.shape).toEqual([2, 2, 2, 1, 2])
    expect(pccLoss(y, p).dataSync()[0]).toBeCloseTo(0.04356461148492008 / 2, 6)
    expect(diceLoss(y, p).dataSync()[0]).toBeCloseTo((0.25 + 0) / 2, 6)
    expect(crossEntropyLoss(y, p).dataSync()[0]).toBeCloseTo(0.2990011586691898 / 2, 5)
  })

  it('rejects tensors of different shapes or without voxel axes', () => {
    expect(() => pccLoss(tf.zeros([1, 4, 2]), tf.zeros([1, 4, 3]))).toThrow(/differ in shape/)
    expect(() => diceLoss(tf.zeros([4, 2]), tf.zeros([4, 2]))).toThrow(/rank 3/)
  })
})
