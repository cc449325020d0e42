import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { seededValues } from './compare'
import { centralDifferences, conv3dTransposeNdhwc64, convAxis, dot64, relativeToReference, type PadMode } from './float64-conv'

/*
 * The conv3dTranspose gradient that backend-gradients.ts registers (TF.js has none) against finite
 * differences of an independent float64 conv3dTranspose. Comparing wasm with cpu proves nothing here:
 * both run the same registered gradient. Loss: sum(conv3dTranspose(x, W) * R) with a fixed random R.
 *
 * The loss is linear in x and in W, so central differences carry no truncation error whatever the
 * step: what is left is float64 rounding (~1e-14 relative). The analytic side is float32 sums of a few
 * dozen products (~1e-7 relative), so 1e-4 leaves room while one wrong filter tap or one misplaced
 * output row moves the error to ~1e-1.
 */

type Five = [number, number, number, number, number]
type Triple = [number, number, number]
const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)
const tolerance = 1e-4
const step = 1e-2

interface Case {
  name: string
  /** The transposed convolution's output, [B, OD, OH, OW, Co]. */
  outShape: Five
  /** [fd, fh, fw, Co, Ci], TF.js's layout for conv3dTranspose. */
  filter: Five
  strides: Triple
  pad: PadMode
}

const cases: Case[] = [
  { name: 'stride 2, same', outShape: [2, 6, 6, 6, 2], filter: [3, 3, 3, 2, 3], strides: [2, 2, 2], pad: 'same' },
  { name: 'stride 2, same, odd sizes', outShape: [2, 5, 7, 6, 3], filter: [3, 2, 3, 3, 2], strides: [2, 2, 2], pad: 'same' },
  // OH 6 with filter 3, stride 2: the last output row is read by no input (the forward conv3d's unread tail).
  { name: 'stride 2, valid, unread tail', outShape: [2, 7, 6, 8, 2], filter: [3, 3, 2, 2, 3], strides: [2, 2, 2], pad: 'valid' },
  { name: 'stride 1, same', outShape: [2, 4, 5, 4, 2], filter: [2, 3, 3, 2, 2], strides: [1, 1, 1], pad: 'same' },
  { name: 'strides 1, 2, 3, valid', outShape: [2, 4, 6, 7, 2], filter: [2, 3, 3, 2, 3], strides: [1, 2, 3], pad: 'valid' },
]

/** The input shape that maps onto `outShape`, and the forward conv3d's leading pads, by TensorFlow's rule. */
function geometry(c: Case): { xShape: Five; padsBefore: Triple } {
  const axes = [0, 1, 2].map((i) => convAxis(c.outShape[i + 1]!, c.filter[i]!, c.strides[i]!, 1, c.pad))
  return {
    xShape: [c.outShape[0], axes[0]!.outSize, axes[1]!.outSize, axes[2]!.outSize, c.filter[4]],
    padsBefore: axes.map((a) => a.padBefore) as Triple,
  }
}

async function analytic(backend: 'cpu' | 'wasm', c: Case, xShape: Five, xv: Float32Array, wv: Float32Array, rv: Float32Array) {
  await useBackend(backend)
  const before = tf.memory().numTensors
  const [y, dx, dw] = tf.tidy(() => {
    const r = tf.tensor(rv, c.outShape)
    const f = (x: tf.Tensor, w: tf.Tensor): tf.Tensor => tf.conv3dTranspose(x as tf.Tensor5D, w as tf.Tensor5D, c.outShape, c.strides, c.pad)
    const x = tf.tensor(xv, xShape)
    const w = tf.tensor(wv, c.filter)
    return [f(x, w), ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), r)))([x, w])]
  })
  const out = { y: y!.dataSync(), dx: dx!.dataSync(), dw: dw!.dataSync() }
  tf.dispose([y!, dx!, dw!])
  expect(tf.memory().numTensors, `${backend} leaked tensors`).toBe(before)
  return out
}

describe('conv3dTranspose gradients match float64 finite differences', () => {
  beforeAll(async () => {
    await useBackend('wasm') // installs the registered gradients and the wasm kernels
  })

  it.each(cases)('$name: out $outShape, filter $filter', async (c) => {
    const { xShape, padsBefore } = geometry(c)
    const xv = seededValues(size(xShape), 31)
    const wv = seededValues(size(c.filter), 32)
    const rv = seededValues(size(c.outShape), 33)
    const forward = (x: ArrayLike<number>, w: ArrayLike<number>): Float64Array => conv3dTransposeNdhwc64(x, xShape, w, c.filter, c.outShape, c.strides, padsBefore)
    const numericDx = centralDifferences((x) => dot64(forward(x, wv), rv), xv, step)
    const numericDw = centralDifferences((w) => dot64(forward(xv, w), rv), wv, step)
    const reference = forward(xv, wv)

    for (const backend of ['cpu', 'wasm'] as const) {
      const got = await analytic(backend, c, xShape, xv, wv, rv)
      // The reference must be the op TF.js computes, or the gradient comparison below means nothing.
      expect(relativeToReference(got.y, reference), `${backend} forward`).toBeLessThan(1e-5)
      const errors = { dx: relativeToReference(got.dx, numericDx), dw: relativeToReference(got.dw, numericDw) }
      expect(errors.dx, `${backend} d/dx`).toBeLessThan(tolerance)
      expect(errors.dw, `${backend} d/dW`).toBeLessThan(tolerance)
    }
  })
})
