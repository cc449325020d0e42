/**
 * How well a model segments prepared subjects: the label of each voxel is the argmax of the network's scores
 * (as infer.ts does with the ONNX model), and each structure's Dice is 2 |A n B| / (|A| + |B|) on the model grid.
 * A structure absent from both the prediction and the truth of a subject has no Dice there (null), and is left
 * out of the means: the mean per structure is over the subjects where it has one, the mean Dice over the
 * structures that have one.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import type { PreparedSubject } from './training-data'

export interface DiceSummary {
  /** One per structure (label 1 ... L - 1), null where no subject had it in truth or prediction. */
  perStructure: (number | null)[]
  /** Mean of the non-null structures; null when none has a Dice. */
  mean: number | null
}

/** Argmax labels of one subject's patch. */
export function predictLabels(model: tfl.LayersModel, subject: PreparedSubject, size: number): Int32Array {
  return tf.tidy(() => {
    const x = tf.tensor5d(subject.image, [1, size, size, size, 1])
    const scores = model.predict(x) as tf.Tensor
    return tf.argMax(scores, -1).dataSync() as Int32Array
  })
}

/** Dice of every structure 1 .. labelCount - 1 between two label arrays. */
export function diceScores(predicted: ArrayLike<number>, truth: ArrayLike<number>, labelCount: number): (number | null)[] {
  const both = new Float64Array(labelCount)
  const inPredicted = new Float64Array(labelCount)
  const inTruth = new Float64Array(labelCount)
  for (let n = 0; n < truth.length; n++) {
    const p = predicted[n]!
    const t = truth[n]!
    inPredicted[p]!++
    inTruth[t]!++
    if (p === t) both[p]!++
  }
  return Array.from({ length: labelCount - 1 }, (_, i) => {
    const total = inPredicted[i + 1]! + inTruth[i + 1]!
    return total === 0 ? null : (2 * both[i + 1]!) / total
  })
}

/** Mean of the numbers among values, or null. */
export function meanOf(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null)
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0) / present.length
}

export function evaluateSubjects(model: tfl.LayersModel, subjects: readonly PreparedSubject[], size: number, labelCount: number): DiceSummary {
  const scores = subjects.map((s) => diceScores(predictLabels(model, s, size), s.labels, labelCount))
  const perStructure = Array.from({ length: labelCount - 1 }, (_, i) => meanOf(scores.map((row) => row[i]!)))
  return { perStructure, mean: meanOf(perStructure) }
}
