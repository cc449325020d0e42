import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../../main/compute/backend'
import { burstStep as denseReference } from '../../../../main/enhance/burst-dense'
import { parseBurstCase } from '../../../../main/enhance/burst-case'
import { burstStep, disposeBurstStep, transposedConv } from '../../../../main/enhance/model/burst-train'
import { conv3x3, enhanceNetConfig, initNetWeights, disposeNetWeights, type ConvSpec, type NetGeometry, type NetWeights } from '../../../../main/enhance/model/enhance-net'

beforeAll(async () => {
  await useBackend('cpu')
})

// The 2-3-2 network of burst-dense.test.ts (there worked by hand from eqs. 1-8), as the network of
// enhance-net.ts sees it: one channel of a dense layer 2 -> 3, the head 3 -> 2, no biases (zero), Y1 the
// head's feedback. TF.js keeps kernels as [in, out], the transpose of the paper's W (n_l x n_(l-1)).
const W1 = [[0.5, -0.3], [0.2, 0.8], [-0.6, 0.1]]
const W2 = [[0.7, -0.4, 0.3], [-0.2, 0.5, 0.9]]
const Y1 = [[0.6, -0.1], [-0.3, 0.4], [0.2, 0.7]]
const transpose = (m: number[][]) => m[0]!.map((_, c) => m.map((row) => row[c]!))

function denseNet(w1: number[][], w2: number[][], y1: number[][]): NetWeights {
  const geometry: NetGeometry = {
    config: { model: 'mburst', convChannels: 1, embedding: 3 },
    channels: [{ name: 'audio', input: [1, 1, 2], layers: [{ kind: 'dense', name: 'hidden', inputs: 2, units: 3 }] }],
    head: { kind: 'dense', name: 'mask', inputs: 3, units: 2 },
    layers: [],
  }
  geometry.layers = [...geometry.channels[0]!.layers, geometry.head]
  return {
    geometry,
    kernels: new Map([
      ['hidden', tf.variable(tf.tensor2d(transpose(w1)))],
      ['mask', tf.variable(tf.tensor2d(transpose(w2)))],
    ]),
    biases: new Map([
      ['hidden', tf.variable(tf.zeros([3]))],
      ['mask', tf.variable(tf.zeros([2]))],
    ]),
    // Y1 is n_1 x n_2 = 3 x 2, the head kernel's own [in, out] layout.
    feedback: new Map([['mask', tf.variable(tf.tensor2d(y1))]]),
  }
}

describe('burst propagation on the enhancement network', () => {
  it('agrees with the dense reference (burst-dense.ts) on the 2-3-2 network to 1e-6', () => {
    const net = denseNet(W1, W2, Y1)
    const reference = denseReference(parseBurstCase({ weights: [W1, W2], feedback: [Y1], input: [1, 0.5], target: [1, 0], pbar: 0.2, loss: 'mse' }))
    const step = burstStep(net, { audio: tf.tensor4d([1, 0.5], [1, 1, 1, 2]), target: tf.tensor2d([[1, 0]]) }, { pbar: 0.2, loss: { kind: 'mse' } })
    // e, p, b, bbar of both layers
    for (const l of [0, 1]) {
      const got = step.layers[l]!
      expect(Array.from(got.e.dataSync())).toEqual(Array.from(reference.e[l]!).map((v) => expect.closeTo(v, 6)))
      expect(Array.from(got.p.dataSync())).toEqual(Array.from(reference.p[l]!).map((v) => expect.closeTo(v, 6)))
      expect(Array.from(got.b.dataSync())).toEqual(Array.from(reference.b[l]!).map((v) => expect.closeTo(v, 6)))
      expect(Array.from(got.bBar.dataSync())).toEqual(Array.from(reference.bBar[l]!).map((v) => expect.closeTo(v, 6)))
    }
    // weightList order: hidden kernel, hidden bias, head kernel, head bias, then the head's feedback
    const [k1, b1, k2, b2, y] = step.grads
    const G1 = reference.grad[0]!
    const G2 = reference.grad[1]!
    // kernel [in, out] = G^T
    const k1v = k1!.arraySync() as number[][]
    const k2v = k2!.arraySync() as number[][]
    for (let r = 0; r < 3; r++) for (let c = 0; c < 2; c++) expect(Math.abs(k1v[c]![r]! - G1.data[r * 2 + c]!)).toBeLessThan(1e-6)
    for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) expect(Math.abs(k2v[c]![r]! - G2.data[r * 3 + c]!)).toBeLessThan(1e-6)
    // a bias is a weight on a constant input of 1: its gradient is -(b - bbar) itself
    const d2 = Array.from(reference.b[1]!).map((v, i) => -(v - reference.bBar[1]![i]!))
    expect(Array.from(b2!.dataSync())).toEqual(d2.map((v) => expect.closeTo(v, 6)))
    expect(b1!.shape).toEqual([3])
    // feedback: GY_1 = G_2^T, the head kernel's own gradient in its [in, out] layout
    const GY = reference.feedbackGrad[0]!
    const yv = y!.arraySync() as number[][]
    for (let r = 0; r < 3; r++) for (let c = 0; c < 2; c++) expect(Math.abs(yv[r]![c]! - GY.data[r * 2 + c]!)).toBeLessThan(1e-6)
    // the hand-worked G2[0][0] of burst-dense.test.ts, for good measure
    expect(k2v[0]![0]!).toBeCloseTo(-0.01253764445792354, 6)
    disposeBurstStep(step)
    disposeNetWeights(net)
  })

  it('sends bursts below a conv layer through the transposed convolution with Y (the adjoint of the padded conv)', () => {
    for (const stride of [1, 2]) {
      const layer: ConvSpec = { kind: 'conv', name: 'c', stride, input: [5, 7, 2], output: [stride === 1 ? 5 : 3, stride === 1 ? 7 : 4, 3] }
      const y = tf.randomNormal([3, 3, 2, 3], 0, 1, 'float32', 11) as tf.Tensor4D
      const b = tf.randomUniform([2, ...layer.output], 0, 1, 'float32', 12) as tf.Tensor4D
      const x = tf.zeros([2, ...layer.input]) as tf.Tensor4D
      // d/dx sum(conv(x, Y) * b) = the adjoint of x -> conv(x, Y), applied to b
      const expected = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(conv3x3(input as tf.Tensor4D, y, stride), b)))(x)
      expect(conv3x3(x, y, stride).shape).toEqual([2, ...layer.output])
      const got = transposedConv(layer, b, y)
      expect(got.shape).toEqual(expected.shape)
      const diff = tf.max(tf.abs(tf.sub(got, expected))).dataSync()[0]!
      expect(diff).toBeLessThan(1e-5)
      expect(tf.max(tf.abs(expected)).dataSync()[0]!).toBeGreaterThan(0.5)
    }
  })

  it('steps a small MBURST network: finite gradients for every kernel, bias and feedback, rates in (0, 1)', () => {
    const net = initNetWeights(enhanceNetConfig('mburst', { convChannels: 2, embedding: 4 }), 3)
    const audio = tf.randomUniform([2, 8, 500, 1], -0.5, 0.5, 'float32', 1) as tf.Tensor4D
    const lips = tf.randomUniform([2, 50, 92, 1], 0, 1, 'float32', 2) as tf.Tensor4D
    const target = tf.cast(tf.greater(tf.randomUniform([2, 622], 0, 1, 'float32', 3), 0.7), 'float32') as tf.Tensor2D
    const step = burstStep(net, { audio, lips, target }, { pbar: 0.2, loss: { kind: 'weighted-bce', positiveWeight: 2.3 } })
    // 7 layers x (kernel, bias) + feedback of conv2, embed (two channels) and the head
    expect(step.grads).toHaveLength(14 + 5)
    for (const g of step.grads) expect(Number.isFinite(tf.sum(tf.abs(g)).dataSync()[0]!)).toBe(true)
    expect(tf.sum(tf.abs(step.grads[0]!)).dataSync()[0]!).toBeGreaterThan(0)
    for (const r of step.eventRates.dataSync()) expect(r > 0 && r < 1).toBe(true)
    disposeBurstStep(step)
    disposeNetWeights(net)
  })
})
