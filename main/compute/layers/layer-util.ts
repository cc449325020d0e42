import type * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { PerceptError } from '../../core/errors'

/** The one shape of a single-input layer (TF.js passes a list for multi-input calls). */
export function singleShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
  const first = inputShape[0]
  return Array.isArray(first) ? (first as tfl.Shape) : (inputShape as tfl.Shape)
}

export function singleTensor(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  if (!Array.isArray(inputs)) return inputs
  if (inputs.length !== 1) throw new PerceptError('VALIDATION', `expected one input tensor, got ${inputs.length}`)
  return inputs[0]!
}

export function assertRank(layer: string, shape: tfl.Shape, ranks: readonly number[], what: string): void {
  if (!ranks.includes(shape.length)) {
    throw new PerceptError('VALIDATION', `${layer} expects ${what} (rank ${ranks.join(' or ')}), got shape [${shape.join(', ')}]`)
  }
}
