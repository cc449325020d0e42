import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { GlobalAveragePooling3D, GroupNormalization, SpatialDropout } from '../../../main/compute/layers'
import { buildReferenceCnn } from '../../../main/compute/reference-cnn'
import { relativeError, seededValues } from './compare'

/*
 * Every layer we train, forward and backward, on wasm against cpu: the same tiny model (one set of
 * weights, made on cpu and copied to wasm), the same data, three SGD steps; at each step every
 * weight's gradient must agree within relative error 1e-3. Before each wasm step the weights are
 * set to cpu's at that step, so each step compares the gradient at one point: otherwise rounding
 * differences grow over the steps and can flip a near-tie in a max-pooling window, which moves a
 * whole gradient entry (seen once on a machine with another core count).
 *
 * Dropout: Dropout and SpatialDropout are given a seed. TF.js draws a seeded dropout mask in
 * JavaScript (seedrandom) and only uploads it, so both backends apply the very same mask (Dropout
 * redraws the same mask at every step; SpatialDropout uses seed + call number, and both models
 * make the same calls). That tests the real layers rather than a stand-in mask.
 *
 * A dense layer in front of the layer under test makes the backward pass go *through* it (a
 * weightless first layer would otherwise be pruned from the gradient computation).
 */

const L = tfl.layers
type LossName = 'categoricalCrossentropy' | 'binaryCrossentropy' | 'meanSquaredError'
const outputActivation = { categoricalCrossentropy: 'softmax', binaryCrossentropy: 'sigmoid', meanSquaredError: 'linear' } as const
const lossFn = {
  categoricalCrossentropy: tfl.metrics.categoricalCrossentropy,
  binaryCrossentropy: tfl.metrics.binaryCrossentropy,
  meanSquaredError: tfl.metrics.meanSquaredError,
}

interface LayerCase {
  name: string
  /** One example's shape (channels last). */
  shape: number[]
  layers: () => tfl.layers.Layer[]
  loss: LossName
  /** Flatten before the output layer (false where the layers already give [batch, features]). */
  flatten?: boolean
}

const asLayer = (layer: unknown): tfl.layers.Layer => layer as tfl.layers.Layer

const cases: LayerCase[] = [
  { name: 'dense relu', shape: [6], layers: () => [L.dense({ units: 5, activation: 'relu' })], loss: 'categoricalCrossentropy', flatten: false },
  { name: 'dense + binary cross-entropy', shape: [6], layers: () => [L.dense({ units: 4 })], loss: 'binaryCrossentropy', flatten: false },
  { name: 'dense + MSE', shape: [6], layers: () => [L.dense({ units: 4, activation: 'tanh' })], loss: 'meanSquaredError', flatten: false },
  { name: 'conv1d stride 2 valid', shape: [11, 3], layers: () => [L.conv1d({ filters: 4, kernelSize: 3, strides: 2, padding: 'valid' })], loss: 'meanSquaredError' },
  { name: 'conv1d dilation 2 same', shape: [11, 3], layers: () => [L.conv1d({ filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'relu' })], loss: 'categoricalCrossentropy' },
  { name: 'conv2d stride 1 same relu', shape: [7, 6, 3], layers: () => [L.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' })], loss: 'categoricalCrossentropy' },
  { name: 'conv2d stride 2 same', shape: [8, 7, 3], layers: () => [L.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' })], loss: 'binaryCrossentropy' },
  { name: 'conv2d stride 2 valid', shape: [8, 8, 3], layers: () => [L.conv2d({ filters: 4, kernelSize: [3, 2], strides: 2, padding: 'valid', activation: 'tanh' })], loss: 'meanSquaredError' },
  { name: 'conv2d dilation 2 same relu', shape: [9, 8, 3], layers: () => [L.conv2d({ filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'relu' })], loss: 'categoricalCrossentropy' },
  { name: 'conv2d dilation 2 valid linear (fused path)', shape: [9, 9, 3], layers: () => [L.conv2d({ filters: 4, kernelSize: 3, dilationRate: 2, padding: 'valid' })], loss: 'meanSquaredError' },
  { name: 'conv3d stride 2 same', shape: [6, 5, 6, 2], layers: () => [L.conv3d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' })], loss: 'categoricalCrossentropy' },
  { name: 'conv3d dilation 2 same', shape: [6, 6, 5, 2], layers: () => [L.conv3d({ filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'relu' })], loss: 'meanSquaredError' },
  { name: 'conv3d valid', shape: [5, 5, 5, 2], layers: () => [L.conv3d({ filters: 3, kernelSize: 2, padding: 'valid', activation: 'sigmoid' })], loss: 'binaryCrossentropy' },
  { name: 'conv2dTranspose stride 2', shape: [4, 5, 3], layers: () => [L.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' })], loss: 'categoricalCrossentropy' },
  { name: 'conv3dTranspose stride 2', shape: [3, 3, 3, 2], layers: () => [L.conv3dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' })], loss: 'meanSquaredError' },
  { name: 'maxPooling1d', shape: [8, 3], layers: () => [L.maxPooling1d({ poolSize: 2 })], loss: 'categoricalCrossentropy' },
  { name: 'averagePooling1d', shape: [8, 3], layers: () => [L.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same' })], loss: 'meanSquaredError' },
  { name: 'maxPooling2d', shape: [6, 7, 3], layers: () => [L.maxPooling2d({ poolSize: 2 })], loss: 'categoricalCrossentropy' },
  { name: 'averagePooling2d', shape: [6, 7, 3], layers: () => [L.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' })], loss: 'binaryCrossentropy' },
  { name: 'maxPooling3d', shape: [4, 4, 4, 2], layers: () => [L.maxPooling3d({ poolSize: 2 })], loss: 'meanSquaredError' },
  { name: 'averagePooling3d', shape: [4, 5, 4, 2], layers: () => [L.averagePooling3d({ poolSize: 2, padding: 'same' })], loss: 'categoricalCrossentropy' },
  { name: 'globalAveragePooling1d', shape: [7, 3], layers: () => [L.globalAveragePooling1d()], loss: 'categoricalCrossentropy', flatten: false },
  { name: 'globalAveragePooling2d', shape: [5, 6, 3], layers: () => [L.globalAveragePooling2d({})], loss: 'meanSquaredError', flatten: false },
  { name: 'GlobalAveragePooling3D', shape: [4, 4, 3, 2], layers: () => [asLayer(new GlobalAveragePooling3D({}))], loss: 'binaryCrossentropy', flatten: false },
  { name: 'GroupNormalization', shape: [5, 4, 4], layers: () => [asLayer(new GroupNormalization({ groups: 2 }))], loss: 'categoricalCrossentropy' },
  { name: 'GroupNormalization 3-D', shape: [3, 3, 3, 4], layers: () => [asLayer(new GroupNormalization({ groups: 4 }))], loss: 'meanSquaredError' },
  { name: 'dropout (seeded)', shape: [8], layers: () => [L.dropout({ rate: 0.5, seed: 7 })], loss: 'categoricalCrossentropy', flatten: false },
  { name: 'SpatialDropout 2-D (seeded)', shape: [5, 5, 4], layers: () => [asLayer(new SpatialDropout({ rate: 0.5, seed: 7 }))], loss: 'meanSquaredError' },
  { name: 'spatialDropout1d (seeded)', shape: [6, 4], layers: () => [L.spatialDropout1d({ rate: 0.5, seed: 7 })], loss: 'binaryCrossentropy' },
  { name: 'relu', shape: [6], layers: () => [L.activation({ activation: 'relu' })], loss: 'meanSquaredError', flatten: false },
  { name: 'sigmoid', shape: [6], layers: () => [L.activation({ activation: 'sigmoid' })], loss: 'binaryCrossentropy', flatten: false },
  { name: 'tanh', shape: [6], layers: () => [L.activation({ activation: 'tanh' })], loss: 'categoricalCrossentropy', flatten: false },
  { name: 'softmax', shape: [6], layers: () => [L.activation({ activation: 'softmax' })], loss: 'meanSquaredError', flatten: false },
]

const batch = 3
const classes = 3
const steps = 3
const learningRate = 0.05

function buildModel(c: LayerCase): tfl.Sequential {
  const channels = c.shape[c.shape.length - 1]!
  return tfl.sequential({
    layers: [
      L.inputLayer({ inputShape: c.shape }),
      // Seeded: with random weights, a run now and then saturates tanh so that two inputs of one
      // max-pooling window differ by an ulp, and the backends' rounding then routes its gradient
      // to different inputs (a real tie, not a kernel error).
      L.dense({ units: channels, activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed: 7 }) }),
      ...c.layers(),
      ...(c.flatten === false ? [] : [L.flatten()]),
      L.dense({ units: classes, activation: outputActivation[c.loss], kernelInitializer: tfl.initializers.glorotUniform({ seed: 8 }) }),
    ],
  })
}

function targets(loss: LossName): number[] {
  const y: number[] = []
  for (let i = 0; i < batch; i++) {
    for (let k = 0; k < classes; k++) {
      if (loss === 'meanSquaredError') y.push(Math.sin(i + 2 * k))
      else if (loss === 'binaryCrossentropy') y.push((i + k) % 2)
      else y.push(k === i % classes ? 1 : 0)
    }
  }
  return y
}

interface Run {
  /** Per step, per trainable weight: gradient values. */
  grads: Float32Array[][]
  /** Per step, per trainable weight: its values before the step. */
  weights: Float32Array[][]
  names: string[]
}

/**
 * Takes `steps` SGD steps on the active backend, recording every weight's gradient at each. With
 * `follow`, each step starts from that run's weights at the same step.
 */
function train(model: tfl.LayersModel, x: tf.Tensor, y: tf.Tensor, loss: LossName, follow?: Run): Run {
  const optimizer = tf.train.sgd(learningRate)
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const run: Run = { grads: [], weights: [], names: model.trainableWeights.map((w) => w.name) }
  for (let step = 0; step < steps; step++) {
    follow?.weights[step]!.forEach((values, i) => variables[i]!.assign(tf.tensor(values, variables[i]!.shape)))
    run.weights.push(variables.map((v) => v.dataSync().slice() as Float32Array))
    const { grads } = tf.variableGrads(() => tf.mean(lossFn[loss](y, model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, variables)
    run.grads.push(variables.map((v) => grads[v.name]!.dataSync() as Float32Array))
    optimizer.applyGradients(grads)
    tf.dispose(grads)
  }
  optimizer.dispose()
  return run
}

async function compareOnBackends(build: () => tfl.LayersModel, xShape: number[], y: number[], yShape: number[], loss: LossName): Promise<void> {
  const xValues = seededValues(xShape.reduce((a, b) => a * b, 1), 11)
  const runs: Record<string, Run> = {}
  let weights: { values: Float32Array; shape: number[] }[] | null = null
  for (const backend of ['cpu', 'wasm'] as const) {
    await useBackend(backend)
    const before = tf.memory().numTensors
    const model = build()
    if (weights) {
      const tensors = weights.map((w) => tf.tensor(w.values, w.shape))
      model.setWeights(tensors)
      tf.dispose(tensors)
    }
    else weights = model.getWeights().map((w) => ({ values: w.dataSync() as Float32Array, shape: w.shape }))
    const x = tf.tensor(xValues, xShape)
    const yt = tf.tensor(y, yShape)
    // tidy frees every intermediate; the run holds plain arrays only (tidy's type does not know that).
    runs[backend] = tf.tidy(() => train(model, x, yt, loss, runs.cpu) as unknown as tf.TensorContainer) as unknown as Run
    tf.dispose([x, yt])
    model.dispose()
    // Nothing leaks on either backend: the model's weights were its only other tensors.
    expect(tf.memory().numTensors, `${backend} leaked tensors`).toBeLessThanOrEqual(before)
  }
  const cpu = runs.cpu!
  const wasm = runs.wasm!
  for (let step = 0; step < steps; step++) {
    cpu.grads[step]!.forEach((a, i) => {
      const error = relativeError(a, wasm.grads[step]![i]!)
      expect(error, `step ${step}, gradient of ${cpu.names[i]}: relative error ${error}`).toBeLessThan(1e-3)
    })
  }
}

describe('gradients on wasm match cpu', () => {
  beforeAll(async () => {
    await useBackend('wasm') // also installs the extra kernels and gradients
  })

  it.each(cases)('$name', async (c) => {
    await compareOnBackends(() => buildModel(c), [batch, ...c.shape], targets(c.loss), [batch, classes], c.loss)
  })

  it('reference CNN (batch 2, dropout seeded)', async () => {
    const labels = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]
    await compareOnBackends(() => buildReferenceCnn({ dropoutSeed: 5, compile: false }), [2, 64, 41, 2], labels, [2, 10], 'categoricalCrossentropy')
  }, 30_000)
})
