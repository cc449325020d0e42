import { describe, expect, it } from 'vitest'
import { accuracy, confusionMatrix, meanStd, perClassAccuracy, predictClips } from '../../../main/sound/train/evaluate'

describe('clip predictions and figures', () => {
  // 3 classes; clip 0 has 3 segments, clip 1 has 2
  const probabilities = new Float32Array([
    0.6, 0.3, 0.1, //
    0.1, 0.5, 0.4, //
    0.1, 0.45, 0.45, //
    0.2, 0.2, 0.6, //
    0.5, 0.1, 0.4, //
  ])
  const clips = [
    { classId: 1, first: 0, count: 3 },
    { classId: 2, first: 3, count: 2 },
  ]

  it('averages segment probabilities (the paper) or takes the majority vote', () => {
    const mean = predictClips(probabilities, 3, clips, 'mean')
    // clip 0 means: (0.8/3, 1.25/3, 0.95/3) -> class 1; clip 1: (0.35, 0.15, 0.5) -> class 2
    expect(mean.map((p) => p.predicted)).toEqual([1, 2])
    expect(mean[0]!.probabilities[1]).toBeCloseTo(1.25 / 3, 6)
    expect(mean[1]!.probabilities).toEqual([0.35, 0.15, 0.5].map((v) => expect.closeTo(v, 6)))
    // votes: clip 0 segments pick 0, 1, 1 (the tie 0.45/0.45 goes to the first) -> 1; clip 1 picks 2, 0: a tie, broken by the mean -> 2
    expect(predictClips(probabilities, 3, clips, 'vote').map((p) => p.predicted)).toEqual([1, 2])
  })

  it('counts a confusion matrix, accuracy and per-class accuracy', () => {
    const truth = [0, 0, 1, 1, 1, 2]
    const predicted = [0, 1, 1, 1, 0, 2]
    const matrix = confusionMatrix(truth, predicted, 4)
    expect(matrix).toEqual([
      [1, 1, 0, 0],
      [1, 2, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 0],
    ])
    expect(accuracy(truth, predicted)).toBeCloseTo(4 / 6, 12)
    expect(perClassAccuracy(matrix)).toEqual([0.5, 2 / 3, 1, null])
  })

  it('reports mean and sample standard deviation over folds', () => {
    const { mean, std } = meanStd([0.7, 0.8, 0.9])
    expect(mean).toBeCloseTo(0.8, 12)
    expect(std).toBeCloseTo(0.1, 12)
    expect(meanStd([0.5])).toEqual({ mean: 0.5, std: 0 })
  })
})
