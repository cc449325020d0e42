/**
 * The three losses the paper compares (Wong & Moradi, MLMI 2022, section 2.2), as differentiable TF.js functions.
 *
 * Convention: `yTrue` (one-hot, or soft, ground truth) and `yPred` (scores in [0, 1], usually a softmax) are
 * batched channel-last tensors [B, ...voxels, L]: axis 0 the batch, the last axis the L labels, the axes between
 * the voxels of one image (any number of them: [B, D, H, W, L] in training, [1, V, L] from the CLI). Sums run over
 * the voxels of each image and label; the loss is the mean over labels (the paper's E[.]), then over the batch,
 * as Keras averages a per-sample loss.
 *
 *   PCC (eq. 4):  PCC_l = 0.5 (sum (p - p_mean)(y - y_mean) / sqrt(sum (p - p_mean)^2 sum (y - y_mean)^2 + eps) + 1)
 *                 L = E[1 - PCC_l]; 0 perfect, 0.5 uncorrelated, 1 inverted
 *   Dice (eq. 5): Dice_l = (2 sum p y + eps) / (sum (p + y) + eps), L = E[1 - Dice_l]
 *   Categorical cross-entropy (Keras's, from probabilities): each voxel's scores are divided by their sum over the
 *                 labels, clipped to [eps, 1 - eps], and L = mean over voxels of -sum_l y_l log p_l
 * with eps = 1e-7 (the paper's, and Keras's epsilon).
 */
import * as tf from '@tensorflow/tfjs-core'
// The losses are there to be differentiated; tfjs-core alone does not register its gradients, tfjs-layers does.
import '@tensorflow/tfjs-layers'
import { PerceptError } from '../../core/errors'

export const LOSS_EPSILON = 1e-7

export const LOSS_KINDS = ['pcc', 'dice', 'ce'] as const
export type LossKind = (typeof LOSS_KINDS)[number]

export type SegmentationLoss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar

export function isLossKind(value: string): value is LossKind {
  return (LOSS_KINDS as readonly string[]).includes(value)
}

function voxelAxes(t: tf.Tensor, what: string): number[] {
  if (t.rank < 3) {
    throw new PerceptError('VALIDATION', `${what} expects tensors [batch, ...voxels, labels] of rank 3 or more, got shape [${t.shape.join(', ')}]`)
  }
  return Array.from({ length: t.rank - 2 }, (_, i) => i + 1)
}

function checkShapes(yTrue: tf.Tensor, yPred: tf.Tensor, what: string): number[] {
  if (yTrue.shape.length !== yPred.shape.length || yTrue.shape.some((d, i) => d !== yPred.shape[i])) {
    throw new PerceptError('VALIDATION', `${what}: ground truth [${yTrue.shape.join(', ')}] and prediction [${yPred.shape.join(', ')}] differ in shape`)
  }
  return voxelAxes(yPred, what)
}

/** Pearson's correlation coefficient of each image and label, eps inside the square root: [B, L]. */
export function correlationPerLabel(yTrue: tf.Tensor, yPred: tf.Tensor, eps = LOSS_EPSILON): tf.Tensor {
  const axes = checkShapes(yTrue, yPred, 'PCC')
  return tf.tidy(() => {
    const y = tf.sub(yTrue, tf.mean(yTrue, axes, true))
    const p = tf.sub(yPred, tf.mean(yPred, axes, true))
    const covariance = tf.sum(tf.mul(p, y), axes)
    const spread = tf.mul(tf.sum(tf.square(p), axes), tf.sum(tf.square(y), axes))
    return tf.div(covariance, tf.sqrt(tf.add(spread, eps)))
  })
}

/** L_PCC of equation (4): mean over labels (then batch) of 1 - 0.5 (r + 1). */
export function pccLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sub(1, tf.mul(0.5, tf.add(correlationPerLabel(yTrue, yPred), 1)))) as tf.Scalar)
}

/** Soft Dice of each image and label, eps in numerator and denominator as equation (5): [B, L]. */
export function dicePerLabel(yTrue: tf.Tensor, yPred: tf.Tensor, eps = LOSS_EPSILON): tf.Tensor {
  const axes = checkShapes(yTrue, yPred, 'Dice')
  return tf.tidy(() => {
    const overlap = tf.sum(tf.mul(yPred, yTrue), axes)
    const total = tf.sum(tf.add(yPred, yTrue), axes)
    return tf.div(tf.add(tf.mul(2, overlap), eps), tf.add(total, eps))
  })
}

/** L_Dice of equation (5): mean over labels (then batch) of 1 - Dice_l. */
export function diceLoss(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.sub(1, dicePerLabel(yTrue, yPred))) as tf.Scalar)
}

/** Keras's categorical cross-entropy from probabilities: normalise over labels, clip, -sum y log p, mean over voxels. */
export function crossEntropyLoss(yTrue: tf.Tensor, yPred: tf.Tensor, eps = LOSS_EPSILON): tf.Scalar {
  checkShapes(yTrue, yPred, 'Cross-entropy')
  return tf.tidy(() => {
    const last = yPred.rank - 1
    const normalised = tf.div(yPred, tf.sum(yPred, last, true))
    const clipped = tf.clipByValue(normalised, eps, 1 - eps)
    return tf.mean(tf.neg(tf.sum(tf.mul(yTrue, tf.log(clipped)), last))) as tf.Scalar
  })
}

export function lossFunction(kind: LossKind): SegmentationLoss {
  switch (kind) {
    case 'pcc':
      return pccLoss
    case 'dice':
      return diceLoss
    case 'ce':
      return crossEntropyLoss
  }
}

/**
 * Label-first arrays (the CLI's layout: axis 0 the L labels, the rest the voxels) as one batched channel-last
 * image [1, V, L], where V is the product of the other axes.
 */
export function labelFirstToBatched(t: tf.Tensor): tf.Tensor3D {
  if (t.rank < 2) throw new PerceptError('VALIDATION', `Expected an array [labels, ...voxels] of rank 2 or more, got shape [${t.shape.join(', ')}]`)
  return tf.tidy(() => tf.expandDims(tf.transpose(tf.reshape(t, [t.shape[0]!, -1])), 0) as tf.Tensor3D)
}
