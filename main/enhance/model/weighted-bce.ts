import * as tf from '@tensorflow/tfjs-core'
import { PerceptError } from '../../core/errors'

/*
 * The weighted binary cross-entropy of all three models (paper Sec. III-B: "the rate of white pixels in
 * the masks is several times smaller than black ones"). The paper gives no weights; we take PyTorch's
 * BCEWithLogitsLoss(pos_weight) form with
 *   w = negatives / positives    counted over every target unit (frame x bin) of the training part,
 * so the ones and the zeros of the IBM weigh the same in all:
 *   L = mean over units of  -[w y log sigma(v) + (1 - y) log(1 - sigma(v))]
 *     = mean of  w y softplus(-v) + (1 - y) softplus(v)     (from the logits v: no log(0) at saturation).
 * Burst propagation needs dL/de per output unit, per example summed over units as the burst-dense
 * reference's MSE is:  dL/de = -w y / e + (1 - y) / (1 - e).
 */

/** negatives / positives; VALIDATION when the targets hold no ones (nothing to learn). */
export function positiveWeight(positives: number, negatives: number): number {
  if (!(positives > 0)) {
    throw new PerceptError('VALIDATION', 'The training masks hold no speech-dominated units (no ones): check the corpus and the SNRs, or lower the local criterion.')
  }
  return negatives / positives
}

/** L above, a scalar, from logits and 0/1 targets of the same shape. */
export function weightedBce(logits: tf.Tensor, target: tf.Tensor, posWeight: number): tf.Scalar {
  return tf.tidy(() => {
    const positive = tf.mul(tf.mul(target, posWeight), tf.softplus(tf.neg(logits)))
    const negative = tf.mul(tf.sub(1, target), tf.softplus(logits))
    return tf.mean(tf.add(positive, negative)) as tf.Scalar
  })
}
