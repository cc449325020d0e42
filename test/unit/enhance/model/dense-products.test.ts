import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../../main/compute/backend'
import { denseLinear, matMulTransposedA, matMulTransposedB } from '../../../../main/enhance/model/dense-products'

beforeAll(async () => {
  await useBackend('cpu')
})

const close = (a: tf.Tensor, b: tf.Tensor, tol = 1e-5): void => {
  expect(a.shape).toEqual(b.shape)
  expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(tol)
}

describe('dense products in the forms wasm runs fast', () => {
  it('a b^T and a^T b equal tf.matMul with the transposed operand', () => {
    const a = tf.tensor2d([[1, 2, 3], [4, 5, 6]])
    const b = tf.tensor2d([[1, 0, -1], [2, 1, 0], [0.5, 0.5, 0.5], [3, -2, 1]])
    // worked by hand: rows of a against rows of b
    expect(Array.from(matMulTransposedB(a, b).dataSync())).toEqual([-2, 4, 3, 2, -2, 13, 7.5, 8])
    close(matMulTransposedB(a, b), tf.matMul(a, b, false, true))
    const d = tf.tensor2d([[1, -1], [2, 0.5]])
    // a^T d: 3 x 2
    expect(Array.from(matMulTransposedA(a, d).dataSync())).toEqual([9, 1, 12, 0.5, 15, 0])
    close(matMulTransposedA(a, d), tf.matMul(a, d, true, false))
  })

  it('denseLinear gives x W + b and the gradients of tf.matMul', () => {
    const x = tf.randomUniform([5, 7], -1, 1, 'float32', 3)
    const kernel = tf.variable(tf.randomUniform([7, 4], -1, 1, 'float32', 4))
    const bias = tf.variable(tf.randomUniform([4], -1, 1, 'float32', 5))
    const weight = tf.randomUniform([5, 4], -1, 1, 'float32', 6)
    close(denseLinear(x, kernel, bias), tf.add(tf.matMul(x, kernel), bias))
    const loss = (f: (x: tf.Tensor) => tf.Tensor) => () => tf.sum(tf.mul(tf.sigmoid(f(x)), weight)) as tf.Scalar
    const ours = tf.variableGrads(loss((input) => denseLinear(input, kernel, bias)), [kernel, bias])
    const theirs = tf.variableGrads(loss((input) => tf.add(tf.matMul(input, kernel), bias)), [kernel, bias])
    close(ours.grads[kernel.name]!, theirs.grads[kernel.name]!)
    close(ours.grads[bias.name]!, theirs.grads[bias.name]!)
    const dx = tf.grad((input: tf.Tensor) => loss(() => denseLinear(input, kernel, bias))())(x)
    const dxRef = tf.grad((input: tf.Tensor) => loss(() => tf.add(tf.matMul(input, kernel), bias))())(x)
    close(dx, dxRef)
  })
})
