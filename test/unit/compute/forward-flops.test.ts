/**
 * The FLOP count the compute benchmark holds the ONNX inference time against: each convolution's kernel at
 * every output position, each dense kernel at every position it applies to, 2 per multiply-add.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { forwardFlops } from '../../../main/compute/bench/forward-flops'
import { buildReferenceCnn } from '../../../main/compute/reference-cnn'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('forwardFlops', () => {
  it('counts the reference CNN: four 3x3 convolutions at 64 x 41 (2 -> 32, then 32 -> 32) and the 32 -> 10 dense layer', () => {
    const model = buildReferenceCnn({ seed: 1, compile: false })
    const positions = 64 * 41
    const perExample = positions * 3 * 3 * (2 * 32 + 3 * 32 * 32) + 32 * 10
    expect(forwardFlops(model, 32)).toBe(2 * 32 * perExample)
    expect(forwardFlops(model, 1)).toBe(2 * perExample)
    model.dispose()
  })

  it("counts output positions, not input ones: a strided 'valid' convolution, and a dense layer applied per step", () => {
    const model = tfl.sequential({
      layers: [
        // 20 x 9 input, 4 x 3 kernel, strides 2: (20 - 4) / 2 + 1 = 9 by (9 - 3) / 2 + 1 = 4 positions.
        tfl.layers.conv2d({ inputShape: [20, 9, 3], filters: 5, kernelSize: [4, 3], strides: 2, padding: 'valid' }),
        tfl.layers.reshape({ targetShape: [36, 5] }),
        // Dense on [36, 5]: the 5 x 7 kernel applied at each of 36 steps.
        tfl.layers.dense({ units: 7 }),
        tfl.layers.activation({ activation: 'softmax' }),
      ],
    })
    expect(forwardFlops(model, 3)).toBe(2 * 3 * (9 * 4 * (4 * 3 * 3 * 5) + 36 * 5 * 7))
    model.dispose()
  })

  it('counts through a nested model, and leaves pooling and activations out', () => {
    const inner = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [6], units: 4 })] })
    const outer = tfl.sequential({
      layers: [tfl.layers.dense({ inputShape: [8], units: 6, activation: 'relu' }), inner, tfl.layers.dropout({ rate: 0.5 }), tfl.layers.dense({ units: 2 })],
    })
    expect(forwardFlops(outer, 10)).toBe(2 * 10 * (8 * 6 + 6 * 4 + 4 * 2))
    outer.dispose()
  })
})
