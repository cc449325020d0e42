/**
 * Parity of the ONNX exporter: every exportable layer type, in a tiny model with seeded random weights, gives
 * the same numbers in TF.js (cpu backend) and onnxruntime-node (max |difference| < 1e-4).
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import * as ort from 'onnxruntime-node'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  GlobalAveragePooling3D,
  GlobalMaxPooling3D,
  GroupNormalization,
  SpatialDropout,
  UpSampling3D,
} from '../../../main/compute/layers'
import { exportToOnnx, type OnnxExportContext, type OnnxExportable, type OnnxExportOptions } from '../../../main/compute/onnx'
import { buildReferenceCnn, referenceCnnBatch, referenceCnnInputShape } from '../../../main/compute/reference-cnn'

const TOLERANCE = 1e-4

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** Replaces every weight with seeded random values (positive where a variance or scale is expected). */
function seedWeights(model: tfl.LayersModel, seed: number): void {
  let next = seed
  for (const layer of model.layers) {
    if (!layer.weights.length) continue
    const values = layer.weights.map((w) => {
      const shape = [...w.shape] as number[]
      const short = w.originalName.split('/').pop()!
      if (short === 'moving_variance' || short === 'gamma') return tf.randomUniform(shape, 0.5, 1.5, 'float32', next++)
      return tf.randomUniform(shape, -0.6, 0.6, 'float32', next++)
    })
    layer.setWeights(values)
    tf.dispose(values)
  }
}

interface Case {
  name: string
  build: () => tfl.LayersModel
  options?: OnnxExportOptions
  /** Inputs to feed (default: seeded normal of each input shape with batch 2). */
  feed?: (model: tfl.LayersModel) => tf.Tensor[]
}

function sequential(inputShape: number[], ...layers: tfl.layers.Layer[]): () => tfl.LayersModel {
  return () => {
    const model = tfl.sequential()
    layers.forEach((layer, i) => {
      if (i === 0) model.add(tfl.layers.inputLayer({ inputShape }))
      model.add(layer)
    })
    return model
  }
}

/** A factory, so each case builds fresh layers (a layer instance can be used in one model only). */
function single(inputShape: number[], make: () => tfl.layers.Layer): () => tfl.LayersModel {
  return () => sequential(inputShape, make())()
}

async function runBoth(model: tfl.LayersModel, inputs: tf.Tensor[], options?: OnnxExportOptions) {
  const predicted = model.predict(inputs.length === 1 ? inputs[0]! : inputs)
  const expected = (Array.isArray(predicted) ? predicted : [predicted]).map((t) => ({
    shape: t.shape,
    data: t.dataSync() as Float32Array,
  }))
  const bytes = exportToOnnx(model, options)
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, logSeverityLevel: 3 })
  try {
    const feeds: Record<string, ort.Tensor> = {}
    session.inputNames.forEach((name, i) => {
      const x = inputs[i]!
      feeds[name] = new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape)
    })
    const results = await session.run(feeds)
    const actual = session.outputNames.map((name) => {
      const t = results[name]!
      return { shape: [...t.dims], data: t.data as Float32Array }
    })
    return { expected, actual }
  } finally {
    await session.release()
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!))
  return max
}

async function expectParity(c: Case, seed: number): Promise<void> {
  const model = c.build()
  seedWeights(model, seed * 100)
  const inputs =
    c.feed?.(model) ??
    model.inputs.map((t, i) => tf.randomNormal([2, ...(t.shape.slice(1) as number[])], 0, 1, 'float32', seed * 10 + i))
  const { expected, actual } = await runBoth(model, inputs, c.options)
  expect(actual.length).toBe(expected.length)
  expected.forEach((e, i) => {
    expect(actual[i]!.shape, `output ${i} shape`).toEqual(e.shape)
    const diff = maxAbsDiff(e.data, actual[i]!.data)
    expect(diff, `output ${i} max |TF.js - ORT|`).toBeLessThan(TOLERANCE)
    expect(e.data.every(Number.isFinite)).toBe(true)
  })
  tf.dispose(inputs)
  model.dispose()
}

const convCases: Case[] = [
  { name: 'Conv1D valid', build: single([11, 3], () => tfl.layers.conv1d({ filters: 4, kernelSize: 3 })) },
  { name: 'Conv1D same stride 2 (odd length)', build: single([11, 3], () => tfl.layers.conv1d({ filters: 4, kernelSize: 4, strides: 2, padding: 'same' })) },
  { name: 'Conv1D same dilation 2', build: single([12, 3], () => tfl.layers.conv1d({ filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'tanh' })) },
  { name: 'Conv2D same stride 2 (odd sizes)', build: single([7, 10, 3], () => tfl.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' })) },
  { name: 'Conv2D same stride 2 even kernel', build: single([8, 7, 2], () => tfl.layers.conv2d({ filters: 3, kernelSize: [4, 2], strides: [2, 3], padding: 'same' })) },
  { name: 'Conv2D valid stride 2', build: single([9, 8, 3], () => tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'valid' })) },
  { name: 'Conv2D same dilation 2', build: single([9, 7, 2], () => tfl.layers.conv2d({ filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same' })) },
  { name: 'Conv2D valid dilation 2 no bias', build: single([9, 8, 2], () => tfl.layers.conv2d({ filters: 4, kernelSize: 3, dilationRate: [2, 1], useBias: false })) },
  { name: 'Conv2D channelsFirst', build: single([3, 7, 6], () => tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', dataFormat: 'channelsFirst' })) },
  { name: 'Conv3D same stride 2 (odd sizes)', build: single([5, 7, 6, 2], () => tfl.layers.conv3d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' })) },
  { name: 'Conv3D valid dilation 2', build: single([7, 6, 7, 2], () => tfl.layers.conv3d({ filters: 3, kernelSize: 2, dilationRate: 2, padding: 'valid' })) },
  { name: 'Conv3D same dilation 2', build: single([5, 6, 5, 2], () => tfl.layers.conv3d({ filters: 2, kernelSize: 3, dilationRate: 2, padding: 'same' })) },
  { name: 'Conv2DTranspose same stride 2', build: single([5, 7, 3], () => tfl.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' })) },
  { name: 'Conv2DTranspose valid stride 2', build: single([5, 6, 3], () => tfl.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'valid' })) },
  { name: 'Conv2DTranspose same kernel < stride', build: single([4, 5, 2], () => tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 1, strides: 2, padding: 'same' })) },
  { name: 'Conv2DTranspose valid kernel < stride', build: single([4, 3, 2], () => tfl.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 3, padding: 'valid', activation: 'relu' })) },
  { name: 'Conv2DTranspose same even kernel', build: single([5, 4, 2], () => tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 4, strides: 2, padding: 'same' })) },
  { name: 'Conv3DTranspose same stride 2', build: single([3, 4, 5, 2], () => tfl.layers.conv3dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' })) },
  { name: 'Conv3DTranspose valid', build: single([3, 3, 4, 2], () => tfl.layers.conv3dTranspose({ filters: 2, kernelSize: 2, strides: [1, 2, 2], padding: 'valid' })) },
  { name: 'DepthwiseConv2D same stride 2', build: single([7, 8, 3], () => tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, depthMultiplier: 2, padding: 'same' })) },
  { name: 'SeparableConv2D dilation 2', build: single([9, 9, 3], () => tfl.layers.separableConv2d({ filters: 4, kernelSize: 3, dilationRate: 2, depthMultiplier: 2, padding: 'same', activation: 'relu' })) },
]

const poolCases: Case[] = [
  { name: 'MaxPooling1D same stride 2', build: single([11, 3], () => tfl.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' })) },
  { name: 'AveragePooling1D same stride 2', build: single([11, 3], () => tfl.layers.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same' })) },
  { name: 'MaxPooling2D same stride 2', build: single([8, 9, 3], () => tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' })) },
  { name: 'MaxPooling2D valid', build: single([7, 9, 3], () => tfl.layers.maxPooling2d({ poolSize: 2 })) },
  { name: 'AveragePooling2D same stride 2 (pads excluded)', build: single([8, 9, 3], () => tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' })) },
  { name: 'AveragePooling2D valid', build: single([7, 8, 2], () => tfl.layers.averagePooling2d({ poolSize: [2, 3], strides: [2, 2] })) },
  { name: 'MaxPooling3D same stride 2', build: single([5, 7, 6, 2], () => tfl.layers.maxPooling3d({ poolSize: 3, strides: 2, padding: 'same' })) },
  { name: 'AveragePooling3D same stride 2', build: single([5, 7, 6, 2], () => tfl.layers.averagePooling3d({ poolSize: 2, strides: 2, padding: 'same' })) },
  { name: 'GlobalAveragePooling1D', build: single([9, 4], () => tfl.layers.globalAveragePooling1d({})) },
  { name: 'GlobalMaxPooling1D', build: single([9, 4], () => tfl.layers.globalMaxPooling1d({})) },
  { name: 'GlobalAveragePooling2D', build: single([5, 7, 4], () => tfl.layers.globalAveragePooling2d({})) },
  { name: 'GlobalMaxPooling2D', build: single([5, 7, 4], () => tfl.layers.globalMaxPooling2d({})) },
  { name: 'GlobalAveragePooling3D', build: single([3, 5, 4, 4], () => new GlobalAveragePooling3D()) },
  { name: 'GlobalMaxPooling3D', build: single([3, 5, 4, 4], () => new GlobalMaxPooling3D()) },
]

const normCases: Case[] = [
  { name: 'BatchNormalization 4D', build: single([5, 6, 4], () => tfl.layers.batchNormalization({})) },
  { name: 'BatchNormalization 2D no scale', build: single([6], () => tfl.layers.batchNormalization({ scale: false, epsilon: 1e-2 })) },
  { name: 'LayerNormalization', build: single([5, 6], () => tfl.layers.layerNormalization({})) },
  { name: 'GroupNormalization 3D (NWC)', build: single([9, 8], () => new GroupNormalization({ groups: 4 })) },
  { name: 'GroupNormalization 4D (NHWC)', build: single([5, 6, 8], () => new GroupNormalization({ groups: 2 })) },
  { name: 'GroupNormalization 5D (NDHWC)', build: single([3, 4, 5, 8], () => new GroupNormalization({})) },
  { name: 'GroupNormalization opset 18', build: single([5, 6, 8], () => new GroupNormalization({})), options: { opset: 18 } },
  { name: 'GroupNormalization opset 13', build: single([5, 6, 8], () => new GroupNormalization({})), options: { opset: 13 } },
]

const activationNames = [
  'linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardSigmoid', 'softplus', 'softsign', 'tanh',
  'softmax', 'logSoftmax', 'swish', 'mish', 'gelu', 'gelu_new',
] as const
type ActivationName = Parameters<typeof tfl.layers.activation>[0]['activation']
const activationCases: Case[] = [
  ...activationNames.map((activation) => ({
    name: `Activation ${activation}`,
    // logSoftmax exists at run time though TF.js's ActivationIdentifier type omits it.
    build: single([5, 4], () => tfl.layers.activation({ activation: activation as ActivationName })),
    feed: () => [tf.mul(tf.randomNormal([2, 5, 4], 0, 1, 'float32', 7), 4)],
  })),
  { name: 'Dense softmax', build: single([6], () => tfl.layers.dense({ units: 5, activation: 'softmax' })) },
  { name: 'Dense on rank 3, no bias', build: single([4, 6], () => tfl.layers.dense({ units: 3, useBias: false, activation: 'sigmoid' })) },
  { name: 'ReLU', build: single([5, 4], () => tfl.layers.reLU({})) },
  { name: 'ReLU maxValue', build: single([5, 4], () => tfl.layers.reLU({ maxValue: 0.5 })) },
  { name: 'LeakyReLU', build: single([5, 4], () => tfl.layers.leakyReLU({ alpha: 0.2 })) },
  { name: 'ELU', build: single([5, 4], () => tfl.layers.elu({})) },
  { name: 'PReLU', build: single([5, 4], () => tfl.layers.prelu({})) },
  { name: 'ThresholdedReLU', build: single([5, 4], () => tfl.layers.thresholdedReLU({ theta: 0.3 })) },
  { name: 'Softmax layer', build: single([5], () => tfl.layers.softmax({})) },
]

const shapeCases: Case[] = [
  { name: 'Dropout', build: sequential([6], tfl.layers.dropout({ rate: 0.5 }), tfl.layers.dense({ units: 3 })) },
  { name: 'SpatialDropout 1D', build: sequential([6, 4], new SpatialDropout({ rate: 0.5, seed: 1 }), tfl.layers.dense({ units: 3 })) },
  { name: 'SpatialDropout 2D', build: single([5, 6, 4], () => new SpatialDropout({ rate: 0.3 })) },
  { name: 'SpatialDropout 3D', build: single([3, 5, 6, 4], () => new SpatialDropout({ rate: 0.3 })) },
  { name: 'SpatialDropout1D (TF.js)', build: single([6, 4], () => tfl.layers.spatialDropout1d({ rate: 0.3 })) },
  { name: 'Reshape', build: sequential([4, 6], tfl.layers.reshape({ targetShape: [3, 8] }), tfl.layers.dense({ units: 2 })) },
  { name: 'Reshape with -1', build: single([4, 6], () => tfl.layers.reshape({ targetShape: [-1, 3] })) },
  { name: 'Flatten', build: sequential([3, 5, 2], tfl.layers.flatten(), tfl.layers.dense({ units: 4 })) },
  { name: 'Permute', build: single([3, 5, 2], () => tfl.layers.permute({ dims: [3, 1, 2] })) },
  { name: 'RepeatVector', build: single([4], () => tfl.layers.repeatVector({ n: 3 })) },
  { name: 'Rescaling', build: single([4, 3], () => tfl.layers.rescaling({ scale: 1 / 255, offset: -0.5 })) },
  { name: 'ZeroPadding2D', build: single([4, 5, 2], () => tfl.layers.zeroPadding2d({ padding: [[1, 2], [0, 3]] })) },
  { name: 'Cropping2D', build: single([7, 6, 2], () => tfl.layers.cropping2D({ cropping: [[1, 2], [2, 0]] })) },
  { name: 'UpSampling2D nearest', build: single([3, 5, 2], () => tfl.layers.upSampling2d({ size: [2, 3] })) },
  { name: 'UpSampling2D bilinear', build: single([3, 5, 2], () => tfl.layers.upSampling2d({ size: [2, 2], interpolation: 'bilinear' })) },
  { name: 'UpSampling3D', build: single([2, 3, 4, 2], () => new UpSampling3D({ size: [2, 1, 3] })) },
]

function functionalMerge(): tfl.LayersModel {
  const a = tfl.input({ shape: [6, 4], name: 'a' })
  const b = tfl.input({ shape: [6, 4], name: 'b' })
  const left = tfl.layers.dense({ units: 4, activation: 'relu' }).apply(a) as tfl.SymbolicTensor
  const right = tfl.layers.dense({ units: 4 }).apply(b) as tfl.SymbolicTensor
  const sum = tfl.layers.add().apply([left, right, a]) as tfl.SymbolicTensor
  const product = tfl.layers.multiply().apply([left, right]) as tfl.SymbolicTensor
  const mean = tfl.layers.average().apply([left, right]) as tfl.SymbolicTensor
  const max = tfl.layers.maximum().apply([left, right]) as tfl.SymbolicTensor
  const min = tfl.layers.minimum().apply([left, right]) as tfl.SymbolicTensor
  const joined = tfl.layers.concatenate({ axis: 1 }).apply([sum, product, mean]) as tfl.SymbolicTensor
  const last = tfl.layers.concatenate().apply([max, min, b]) as tfl.SymbolicTensor
  const pooled = tfl.layers.globalAveragePooling1d({ name: 'scores' }).apply(joined) as tfl.SymbolicTensor
  return tfl.model({ inputs: [a, b], outputs: [pooled, last, left] })
}

function sharedAndNested(): tfl.LayersModel {
  const inner = tfl.sequential({
    name: 'inner',
    layers: [tfl.layers.conv2d({ inputShape: [6, 5, 2], filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }), new GroupNormalization({ groups: 2 })],
  })
  const x = tfl.input({ shape: [6, 5, 2], name: 'image' })
  const shared = tfl.layers.conv2d({ filters: 2, kernelSize: 1 })
  const once = shared.apply(x) as tfl.SymbolicTensor
  const twice = shared.apply(inner.apply(once) as tfl.SymbolicTensor) as tfl.SymbolicTensor
  const out = tfl.layers.add().apply([once, twice]) as tfl.SymbolicTensor
  return tfl.model({ inputs: x, outputs: out })
}

function unetLike(): tfl.LayersModel {
  const x = tfl.input({ shape: [8, 8, 6, 1], name: 'volume' })
  const c1 = tfl.layers.conv3d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(x) as tfl.SymbolicTensor
  const g1 = new GroupNormalization({ groups: 4 }).apply(c1) as tfl.SymbolicTensor
  const down = tfl.layers.maxPooling3d({ poolSize: 2 }).apply(g1) as tfl.SymbolicTensor
  const c2 = tfl.layers.conv3d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(down) as tfl.SymbolicTensor
  const d2 = new SpatialDropout({ rate: 0.2 }).apply(c2) as tfl.SymbolicTensor
  const up = new UpSampling3D({ size: 2 }).apply(d2) as tfl.SymbolicTensor
  const upT = tfl.layers.conv3dTranspose({ filters: 4, kernelSize: 2, strides: 2, padding: 'same' }).apply(d2) as tfl.SymbolicTensor
  const merged = tfl.layers.concatenate().apply([g1, up, upT]) as tfl.SymbolicTensor
  const out = tfl.layers.conv3d({ filters: 3, kernelSize: 1, activation: 'softmax', name: 'labels' }).apply(merged) as tfl.SymbolicTensor
  return tfl.model({ inputs: x, outputs: out })
}

/**
 * Stands in for a Gabor-kernel layer: a learnable frequency materialises a 5x5 kernel bank; ONNX gets the
 * materialised kernel as a plain Conv through OnnxExportable.toOnnx.
 */
class MaterialisedKernelConv extends tfl.layers.Layer implements OnnxExportable {
  static className = 'MaterialisedKernelConvTest'
  private frequency: tfl.LayerVariable | null = null

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = inputShape as tfl.Shape
    this.frequency = this.addWeight('frequency', [shape[3]!, 3], 'float32', tfl.initializers.ones())
    this.built = true
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = inputShape as tfl.Shape
    return [shape[0]!, shape[1]!, shape[2]!, 3]
  }

  /** Kernel [5, 5, in, 3]: cos(f * (dx + dy) / 2) * exp(-(dx^2 + dy^2) / 8). */
  kernel(): tf.Tensor4D {
    return tf.tidy(() => {
      const offsets = tf.range(-2, 3)
      const dx = tf.reshape(offsets, [5, 1, 1, 1])
      const dy = tf.reshape(offsets, [1, 5, 1, 1])
      const f = tf.reshape(this.frequency!.read(), [1, 1, -1, 3])
      const envelope = tf.exp(tf.div(tf.neg(tf.add(tf.square(dx), tf.square(dy))), 8))
      return tf.mul(tf.cos(tf.mul(f, tf.div(tf.add(dx, dy), 2))), envelope) as tf.Tensor4D
    })
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.conv2d((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D, this.kernel(), 1, 'same'))
  }

  toOnnx(ctx: OnnxExportContext, [x]: string[]): string[] {
    const kernel = tf.tidy(() => tf.transpose(this.kernel(), [3, 2, 0, 1]))
    const w = ctx.addInitializer('kernel', kernel.dataSync() as Float32Array, kernel.shape)
    kernel.dispose()
    const y = ctx.op('Conv', [ctx.toChannelsFirst(x!, 4), w], { kernel_shape: [5, 5], pads: [2, 2, 2, 2] })
    return [ctx.toChannelsLast(y, 4)]
  }
}
tf.serialization.registerClass(MaterialisedKernelConv)

function dynamicSpatial(): tfl.LayersModel {
  const x = tfl.input({ shape: [null, null, 2], name: 'image' })
  const a = tfl.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(x) as tfl.SymbolicTensor
  const b = tfl.layers.conv2d({ filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same' }).apply(a) as tfl.SymbolicTensor
  const c = tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }).apply(b) as tfl.SymbolicTensor
  const d = tfl.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: 'same' }).apply(c) as tfl.SymbolicTensor
  const e = new GroupNormalization({ groups: 2 }).apply(d) as tfl.SymbolicTensor
  return tfl.model({ inputs: x, outputs: e })
}

function dynamicLength(): tfl.LayersModel {
  const x = tfl.input({ shape: [null, 3], name: 'signal' })
  const a = tfl.layers.conv1d({ filters: 4, kernelSize: 4, strides: 2, padding: 'same' }).apply(x) as tfl.SymbolicTensor
  const b = tfl.layers.conv1d({ filters: 4, kernelSize: 3, dilationRate: 3, padding: 'same', activation: 'relu' }).apply(a) as tfl.SymbolicTensor
  const c = tfl.layers.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same' }).apply(b) as tfl.SymbolicTensor
  const d = tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same' }).apply(
    tfl.layers.reshape({ targetShape: [-1, 2, 2] }).apply(c) as tfl.SymbolicTensor,
  ) as tfl.SymbolicTensor
  return tfl.model({ inputs: x, outputs: d })
}

const graphCases: Case[] = [
  {
    name: 'unknown length at export (1D, dilation, depthwise), fed 23',
    build: dynamicLength,
    feed: () => [tf.randomNormal([2, 23, 3], 0, 1, 'float32', 6)],
  },
  {
    name: 'unknown spatial size at export (auto_pad SAME_UPPER), fed 11 x 9',
    build: dynamicSpatial,
    feed: () => [tf.randomNormal([2, 11, 9, 2], 0, 1, 'float32', 5)],
  },
  { name: 'custom OnnxExportable layer (materialised kernel as Conv)', build: single([7, 6, 2], () => new MaterialisedKernelConv({})) },
  { name: 'functional: two inputs, three outputs, merges', build: functionalMerge },
  { name: 'shared layer and nested Sequential', build: sharedAndNested },
  { name: '3D U-Net-like block (group norm, upsampling, transpose conv, concat)', build: unetLike },
]

describe('ONNX export parity with TF.js (cpu)', () => {
  const groups: [string, Case[]][] = [
    ['convolutions', convCases],
    ['pooling', poolCases],
    ['normalisation', normCases],
    ['activations and dense', activationCases],
    ['dropout, shape and resampling', shapeCases],
    ['graphs', graphCases],
  ]
  for (const [group, cases] of groups) {
    describe(group, () => {
      cases.forEach((c, i) => {
        it(c.name, async () => {
          await expectParity(c, i + 1)
        })
      })
    })
  }

  it('reference CNN [64, 41, 2] -> 10 classes', async () => {
    await expectParity(
      {
        name: 'reference CNN',
        build: () => buildReferenceCnn({ compile: false }),
        feed: () => [tf.randomNormal([referenceCnnBatch, ...referenceCnnInputShape], 0, 1, 'float32', 99)],
      },
      99,
    )
    expect(referenceCnnInputShape).toEqual([64, 41, 2])
  })
})
