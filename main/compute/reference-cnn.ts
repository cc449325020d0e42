import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'

/** Input of one example: 64 frames x 41 bins x 2 channels (NHWC without the batch). */
export const referenceCnnInputShape = [64, 41, 2] as const
export const referenceCnnClasses = 10
/** The batch size the benchmarks and the ONNX parity test use. */
export const referenceCnnBatch = 32

export interface ReferenceCnnOptions {
  /** Seeds every kernel initialiser (layer i gets seed + i), so two builds have identical weights. Default 1. */
  seed?: number
  /** Seeds the dropout mask; a seeded dropout draws the same mask at every step. Default: unseeded. */
  dropoutSeed?: number
  /** Skip `compile` (e.g. for inference or export only). Default false. */
  compile?: boolean
}

/**
 * The reference CNN the compute benchmarks and the ONNX exporter's parity test share:
 * conv2d 3x3x32 relu 'same'; three conv2d 3x3x32 dilation 2 relu 'same'; global average pooling;
 * dropout 0.5; dense 10 softmax. Compiled with SGD, lr 0.001, Nesterov momentum 0.9, and
 * categorical cross-entropy. Kernels are Glorot-uniform with fixed seeds; biases start at zero.
 */
export function buildReferenceCnn(options: ReferenceCnnOptions = {}): tfl.LayersModel {
  const seed = options.seed ?? 1
  const kernel = (i: number) => tfl.initializers.glorotUniform({ seed: seed + i })
  const conv = (i: number, dilationRate: number, inputShape?: readonly number[]): tfl.layers.Layer =>
    tfl.layers.conv2d({
      name: `conv${i}`,
      filters: 32,
      kernelSize: 3,
      padding: 'same',
      dilationRate,
      activation: 'relu',
      kernelInitializer: kernel(i),
      biasInitializer: 'zeros',
      ...(inputShape ? { inputShape: [...inputShape] } : {}),
    })
  const model = tfl.sequential({
    name: 'reference_cnn',
    layers: [
      conv(0, 1, referenceCnnInputShape),
      conv(1, 2),
      conv(2, 2),
      conv(3, 2),
      tfl.layers.globalAveragePooling2d({ name: 'gap' }),
      tfl.layers.dropout({ name: 'dropout', rate: 0.5, ...(options.dropoutSeed === undefined ? {} : { seed: options.dropoutSeed }) }),
      tfl.layers.dense({
        name: 'dense',
        units: referenceCnnClasses,
        activation: 'softmax',
        kernelInitializer: kernel(4),
        biasInitializer: 'zeros',
      }),
    ],
  })
  if (options.compile ?? true) {
    model.compile({ optimizer: tf.train.momentum(0.001, 0.9, true), loss: 'categoricalCrossentropy' })
  }
  return model
}
