import * as tf from '@tensorflow/tfjs-core'

/*
 * The two transposed matrix products a dense layer's learning needs, a b^T and a^T b, written so the
 * wasm backend of TF.js 4.22 never multiplies with a transposed operand: it hands only the plain
 * product to XNNPACK and runs tf.matMul(..., transposeA or transposeB) as a plain loop. At the paper's
 * audio embedding (128000 x 256) and batch 16, measured on 2 loaded cores: b Y^T 2549 ms as
 * matMul(b, Y, false, true), 159 ms as (Y b^T)^T; x^T d 5776 ms as matMul(x, d, true), 184 ms as
 * matMul(x^T, d). The transposes here are of the batch-sized operand only (16 x 128000: cheap);
 * transposing the 32.8 M kernel itself costs 1.3 s and is never done. The maths is unchanged.
 */

/** a b^T for a [n, k] (a batch) and b [m, k] (a kernel): (b a^T)^T. */
export function matMulTransposedB(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.transpose(tf.matMul(b, tf.transpose(a))) as tf.Tensor2D)
}

/** a^T b for a [n, k] and b [n, m] (both batch-major): the transpose of a taken apart, then the plain product. */
export function matMulTransposedA(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(tf.transpose(a), b))
}

/**
 * x W + bias with its gradient in the forms above: dx = dy W^T, dW = x^T dy, dbias = sum over the batch of dy.
 * The same values tf.matMul's own gradient gives, 15 to 30 times sooner on wasm at the embedding's size.
 */
export const denseLinear = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, kernel, bias, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc]
  save([x, kernel])
  return {
    value: tf.add(tf.matMul(x, kernel), bias),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [input, w] = saved as [tf.Tensor2D, tf.Tensor2D]
      return [matMulTransposedB(dy as tf.Tensor2D, w), matMulTransposedA(input, dy as tf.Tensor2D), tf.sum(dy, 0)]
    },
  }
}) as (x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor) => tf.Tensor2D
