import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { ChannelStandardization, SeededDropout } from '../../compute/layers'
import { parseEscModelConfig, type EscModelConfigInput } from './config'
import { CONV_KERNEL, POOL_SIZE, dilationOf, layerLabels } from './geometry'

/** The paper's training setup (section 4.2); `buildEscModel` compiles with its optimizer and loss. */
export const PAPER_TRAINING = {
  optimizer: 'SGD with Nesterov momentum',
  learningRate: 0.001,
  momentum: 0.9,
  batchSize: 32,
  epochs: 500,
  loss: 'categoricalCrossentropy',
} as const

/** Names of the model's input and output, as the ONNX export and model.json declare them. */
export const ESC_INPUT_NAME = 'segments'
export const ESC_OUTPUT_NAME = 'probabilities'

export interface BuildEscModelOptions {
  /** Seeds the dropout masks (training call n draws with seed + n, see SeededDropout); default unseeded. */
  dropoutSeed?: number
  /** Skip `compile`, for inference or export only. Default false. */
  compile?: boolean
  /** The model's name; default 'esc_cnn'. */
  name?: string
}

/**
 * The TF.js model of a config (checked first: a bad one is a VALIDATION PerceptError). Layers are named
 * for the paper's notation ('cov1', 'dilacov1', 'max_pooling1'); kernels are Glorot-uniform seeded per
 * layer (seed + index), biases zero, so two builds of one config have identical weights.
 */
export function buildEscModel(input: EscModelConfigInput, options: BuildEscModelOptions = {}): tfl.LayersModel {
  const config = parseEscModelConfig(input)
  const seed = config.seed ?? 1
  const kernel = (i: number) => tfl.initializers.glorotUniform({ seed: seed + i })
  let pools = 0
  const labels = layerLabels(config.layers)
  const stack = config.layers.map((layer, i): tfl.layers.Layer => {
    if (layer.kind === 'maxpool') {
      return tfl.layers.maxPooling2d({ name: `max_pooling${++pools}`, poolSize: POOL_SIZE, strides: POOL_SIZE, padding: config.padding })
    }
    return tfl.layers.conv2d({
      name: labels[i]!.toLowerCase(),
      filters: layer.filters,
      kernelSize: CONV_KERNEL,
      strides: 1,
      dilationRate: dilationOf(layer),
      padding: config.padding,
      activation: 'relu',
      kernelInitializer: kernel(i),
      biasInitializer: 'zeros',
    })
  })
  const model = tfl.sequential({
    name: options.name ?? 'esc_cnn',
    layers: [
      tfl.layers.inputLayer({ name: ESC_INPUT_NAME, inputShape: [...config.inputShape] }),
      ...(config.standardize ? [new ChannelStandardization({ name: 'standardize', ...config.standardize })] : []),
      ...stack,
      tfl.layers.globalAveragePooling2d({ name: 'global_average_pooling' }),
      new SeededDropout({ name: 'dropout', rate: config.dropout, ...(options.dropoutSeed === undefined ? {} : { seed: options.dropoutSeed }) }),
      tfl.layers.dense({
        name: ESC_OUTPUT_NAME,
        units: config.classes,
        activation: 'softmax',
        kernelInitializer: kernel(config.layers.length),
        biasInitializer: 'zeros',
      }),
    ],
  })
  if (options.compile ?? true) {
    model.compile({
      optimizer: tf.train.momentum(PAPER_TRAINING.learningRate, PAPER_TRAINING.momentum, true),
      loss: PAPER_TRAINING.loss,
      metrics: ['accuracy'],
    })
  }
  return model
}
