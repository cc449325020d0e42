import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { PerceptError } from '../../core/errors'
import { CONTEXT_FRAMES, INPUT_BINS } from '../audio-input'
import { LIP_HEIGHT, LIP_WIDTH } from '../corpus/mouth-image'
import { SPECTRUM_BINS } from '../spectra'
import { denseLinear } from './dense-products'

/*
 * The one network of the paper's three models (Sec. III-B, Fig. 1). What the paper fixes:
 *  - per channel two conv layers of 32 channels, 3 x 3 kernels, padding 1, stride 1 for the audio
 *    (8 x 500 input, "to maintain this shape") and 2 for the lips (92 x 50), then flatten and a dense
 *    embedding of 256 units; the embeddings concatenated into a dense output layer, the mask of the
 *    current frame (622 units, one per spectrum bin of eq. 9);
 *  - Unimodal: the audio channel only; Multimodal and MBURST: both channels. MBURST differs only in how it
 *    learns (burst-train.ts) and in its feedback weights Y.
 * What it leaves open, chosen here:
 *  - sigmoid units everywhere: burst propagation's h(e) = f'(v) / e = 1 - e assumes them (issue 14), and
 *    the backprop baselines use the same units so the firing rates compare like for like;
 *  - biases on every layer (PyTorch's default): a bias is the weight of a constant input of 1, so the
 *    burst rule (8) updates it with e_below = 1;
 *  - padding 1 written as explicit zero padding then a 'valid' convolution, as PyTorch pads: TF's 'same'
 *    with stride 2 would pad only after the image (0 before, 1 after) and shift every lip window by a pixel;
 *  - PyTorch's default initialisation U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for kernels and biases, seeded;
 *  - tensors channels-last: audio [8, 500, 1] (row 0 the oldest frame), lips [50, 92, 1] (height 50, width 92);
 *  - the dense layers fed by sigmoid units (each embedding, the head) take the rates less their resting
 *    value 0.5, v = W (e - 0.5) + bias: the same function (the export folds -0.5 W 1 into the bias), but
 *    zero-mean inputs (LeCun et al., "Efficient BackProp", 1998). Why it is needed, measured: with raw
 *    rates, all about 0.5, Adam's first step moves each of an embedding's 16,000 weights (128,000 at the
 *    paper's size) by lr in the same direction, v by lr * 0.5 * 16,000 = 8, and every embedding unit
 *    saturated at 0 after one step and stayed dead: the head learned only the per-bin prior (train accuracy
 *    ~50%, in PyTorch as here). Burst propagation's (8) then reads -(b - bbar) (e_below - 0.5)^T for them.
 * Sizes: audio 8 x 500 -> 8 x 500 x 32 -> 8 x 500 x 32 -> 128000 -> 256; lips 50 x 92 -> 25 x 46 x 32 ->
 * 13 x 23 x 32 -> 9568 -> 256; output 512 (256 for Unimodal) -> 622. The audio embedding alone holds 32.8 M
 * weights (parameterCounts). `convChannels` and `embedding` shrink the network for trials and tests.
 */

export const ENHANCE_MODELS = ['unimodal', 'multimodal', 'mburst'] as const
export type EnhanceModelKind = (typeof ENHANCE_MODELS)[number]
export const PAPER_CONV_CHANNELS = 32
export const PAPER_EMBEDDING = 256
export const MASK_OUTPUT = 'mask'
export const RATES_OUTPUT = 'event_rates'

export interface EnhanceNetConfig {
  model: EnhanceModelKind
  convChannels: number
  embedding: number
  /** Subtracted from the sigmoid rates a dense layer takes (the header); enhanceNetConfig sets 0.5, absent is 0 (the plain rule, as burst-dense.ts). */
  restingRate?: number
}

/** The resting rate of the header: a sigmoid unit's output at v = 0. */
export const RESTING_RATE = 0.5

export interface ConvSpec {
  kind: 'conv'
  name: string
  stride: number
  /** [height, width, channels] in and out. */
  input: [number, number, number]
  output: [number, number, number]
}

export interface DenseSpec {
  kind: 'dense'
  name: string
  inputs: number
  units: number
}

export type LayerSpec = ConvSpec | DenseSpec

export interface ChannelSpec {
  name: 'audio' | 'lips'
  input: [number, number, number]
  /** conv1, conv2, embed (the last a dense layer, whose units join the head's input). */
  layers: LayerSpec[]
}

export interface NetGeometry {
  config: EnhanceNetConfig
  channels: ChannelSpec[]
  head: DenseSpec
  /** Every layer in order: each channel's, then the head. The order of weights, feedback and firing rates. */
  layers: LayerSpec[]
}

/** Output size of a 3 x 3 convolution with padding 1: floor((n + 2 - 3) / stride) + 1. */
export const convOut = (n: number, stride: number): number => Math.floor((n - 1) / stride) + 1

export function isMultimodal(model: EnhanceModelKind): boolean {
  return model !== 'unimodal'
}

/** The config with the paper's sizes where none is given; VALIDATION for a model name or size out of range. */
export function enhanceNetConfig(model: string, sizes: { convChannels?: number; embedding?: number } = {}): EnhanceNetConfig {
  if (!(ENHANCE_MODELS as readonly string[]).includes(model)) throw new PerceptError('VALIDATION', `Unknown model "${model}": choose one of ${ENHANCE_MODELS.join(', ')}.`)
  const convChannels = sizes.convChannels ?? PAPER_CONV_CHANNELS
  const embedding = sizes.embedding ?? PAPER_EMBEDDING
  if (!Number.isInteger(convChannels) || convChannels < 1 || convChannels > 256) throw new PerceptError('VALIDATION', `Conv channels must be a whole number from 1 to 256 (the paper: 32), got ${convChannels}.`)
  if (!Number.isInteger(embedding) || embedding < 1 || embedding > 4096) throw new PerceptError('VALIDATION', `The embedding must be a whole number of units from 1 to 4096 (the paper: 256), got ${embedding}.`)
  return { model: model as EnhanceModelKind, convChannels, embedding, restingRate: RESTING_RATE }
}

function channelSpec(name: 'audio' | 'lips', input: [number, number, number], stride: number, config: EnhanceNetConfig): ChannelSpec {
  const c = config.convChannels
  const out1: [number, number, number] = [convOut(input[0], stride), convOut(input[1], stride), c]
  const out2: [number, number, number] = [convOut(out1[0], stride), convOut(out1[1], stride), c]
  return {
    name,
    input,
    layers: [
      { kind: 'conv', name: `${name}_conv1`, stride, input, output: out1 },
      { kind: 'conv', name: `${name}_conv2`, stride, input: out1, output: out2 },
      { kind: 'dense', name: `${name}_embed`, inputs: out2[0] * out2[1] * out2[2], units: config.embedding },
    ],
  }
}

export function netGeometry(config: EnhanceNetConfig): NetGeometry {
  const channels = [channelSpec('audio', [CONTEXT_FRAMES, INPUT_BINS, 1], 1, config)]
  if (isMultimodal(config.model)) channels.push(channelSpec('lips', [LIP_HEIGHT, LIP_WIDTH, 1], 2, config))
  const head: DenseSpec = { kind: 'dense', name: MASK_OUTPUT, inputs: channels.length * config.embedding, units: SPECTRUM_BINS }
  return { config, channels, head, layers: [...channels.flatMap((c) => c.layers), head] }
}

export const kernelShape = (layer: LayerSpec): number[] => (layer.kind === 'conv' ? [3, 3, layer.input[2], layer.output[2]] : [layer.inputs, layer.units])
export const unitsOf = (layer: LayerSpec): number => (layer.kind === 'conv' ? layer.output[0] * layer.output[1] * layer.output[2] : layer.units)
const fanIn = (layer: LayerSpec): number => (layer.kind === 'conv' ? 9 * layer.input[2] : layer.inputs)
const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1)

/** The layers whose feedback kernel Y carries their bursts down (MBURST): every layer but a channel's first, whose input has none. */
export function feedbackLayers(geometry: Pick<NetGeometry, 'channels' | 'head'>): Set<string> {
  return new Set([...geometry.channels.flatMap((c) => c.layers.slice(1).map((l) => l.name)), geometry.head.name])
}

export interface ParameterCounts {
  layers: { name: string; weights: number; biases: number; feedback: number }[]
  /** Forward parameters (weights and biases): what inference needs. */
  total: number
  /** MBURST's feedback weights Y, used in training only (0 for the backprop models). */
  feedback: number
}

/** Parameters of each layer of a model; at the paper's sizes Unimodal 32,937,678, Multimodal and MBURST 35,556,142, and MBURST's Y 35,554,304 more. */
export function parameterCounts(config: EnhanceNetConfig): ParameterCounts {
  const geometry = netGeometry(config)
  const withFeedback = feedbackLayers(geometry)
  const layers = geometry.layers.map((layer) => {
    const weights = size(kernelShape(layer))
    const biases = layer.kind === 'conv' ? layer.output[2] : layer.units
    return { name: layer.name, weights, biases, feedback: config.model === 'mburst' && withFeedback.has(layer.name) ? weights : 0 }
  })
  return {
    layers,
    total: layers.reduce((s, l) => s + l.weights + l.biases, 0),
    feedback: layers.reduce((s, l) => s + l.feedback, 0),
  }
}

/** The trainable tensors of a network: per layer its kernel and bias (TF.js layouts: conv [3, 3, in, out], dense [in, out]) and, for MBURST, Y. */
export interface NetWeights {
  geometry: NetGeometry
  kernels: Map<string, tf.Variable>
  biases: Map<string, tf.Variable>
  /** Y of a layer: the kernel, the shape of its W, that carries its bursts down to the layer below. */
  feedback: Map<string, tf.Variable>
}

let created = 0

/** Fresh weights, PyTorch's default initialisation, seeded (feedback drawn apart from W, from seed + 1000). */
export function initNetWeights(config: EnhanceNetConfig, seed: number): NetWeights {
  const geometry = netGeometry(config)
  const run = ++created
  const kernels = new Map<string, tf.Variable>()
  const biases = new Map<string, tf.Variable>()
  const feedback = new Map<string, tf.Variable>()
  const withFeedback = feedbackLayers(geometry)
  geometry.layers.forEach((layer, i) => {
    const bound = 1 / Math.sqrt(fanIn(layer))
    const shape = kernelShape(layer)
    const units = layer.kind === 'conv' ? layer.output[2] : layer.units
    kernels.set(layer.name, tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seed * 7919 + 3 * i), true, `${layer.name}_kernel_${run}`))
    biases.set(layer.name, tf.variable(tf.randomUniform([units], -bound, bound, 'float32', seed * 7919 + 3 * i + 1), true, `${layer.name}_bias_${run}`))
    if (config.model === 'mburst' && withFeedback.has(layer.name)) {
      feedback.set(layer.name, tf.variable(tf.randomUniform(shape, -bound, bound, 'float32', seed * 7919 + 3 * i + 1000), true, `${layer.name}_feedback_${run}`))
    }
  })
  return { geometry, kernels, biases, feedback }
}

/** Every variable in a fixed order (kernel, bias per layer, then feedback): the optimiser's and the checkpoint's order. */
export function weightList(weights: NetWeights): tf.Variable[] {
  const out: tf.Variable[] = []
  for (const layer of weights.geometry.layers) out.push(weights.kernels.get(layer.name)!, weights.biases.get(layer.name)!)
  for (const layer of weights.geometry.layers) if (weights.feedback.has(layer.name)) out.push(weights.feedback.get(layer.name)!)
  return out
}

export function disposeNetWeights(weights: NetWeights): void {
  tf.dispose(weightList(weights))
}

/** Replaces every variable's value, in weightList's order (from a checkpoint); VALIDATION when the shapes differ. */
export function assignWeights(weights: NetWeights, values: readonly tf.Tensor[]): void {
  const list = weightList(weights)
  if (values.length !== list.length) throw new PerceptError('VALIDATION', `The checkpoint holds ${values.length} tensors, the network ${list.length}; it was made for another model or size.`)
  list.forEach((v, i) => {
    if (v.shape.join('x') !== values[i]!.shape.join('x')) throw new PerceptError('VALIDATION', `Checkpoint tensor ${i} is ${values[i]!.shape.join(' x ')}, the network's ${v.shape.join(' x ')}; it was made for another size.`)
    v.assign(values[i]!)
  })
}

/** One batch: the audio input [N, 8, 500, 1], the lips [N, 50, 92, 1] (multimodal models) and, for training, the target mask [N, 622]. */
export interface NetBatch {
  audio: tf.Tensor4D
  lips?: tf.Tensor4D
  target?: tf.Tensor2D
}

/** The padding-1 3 x 3 convolution of the header: zero padding, then 'valid'. */
export function conv3x3(x: tf.Tensor4D, kernel: tf.Tensor4D, stride: number): tf.Tensor4D {
  return tf.conv2d(tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]), kernel, stride, 'valid')
}

/** v = W e_below + bias of one layer, e_below shaped for it (a conv layer's 4-D, a dense layer's [N, inputs]). */
export function linear(layer: LayerSpec, below: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  if (layer.kind === 'conv') return tf.add(conv3x3(below as tf.Tensor4D, kernel as tf.Tensor4D, layer.stride), bias)
  return denseLinear(below, kernel, bias)
}

/** What a layer's input is offset by: the resting rate for a dense layer fed by sigmoid units, else 0. */
export function inputOffset(geometry: Pick<NetGeometry, 'config' | 'channels' | 'head'>, layer: LayerSpec): number {
  const rest = geometry.config.restingRate ?? 0
  if (layer.kind !== 'dense' || rest === 0) return 0
  return geometry.channels.some((c) => c.layers[0] === layer) ? 0 : rest
}

export interface ForwardPass {
  /** Per layer (geometry.layers' order): the input it saw (e_below, flattened for a dense layer, less inputOffset) and its event rate e = sigmoid(v). */
  below: tf.Tensor[]
  e: tf.Tensor[]
  /** The head's pre-activation v_L (logits), for a stable loss. */
  logits: tf.Tensor2D
}

/** The forward pass, eqs. (1)-(2), every layer's input and output kept (burst propagation needs them). Callers dispose. */
export function forwardPass(weights: NetWeights, batch: NetBatch): ForwardPass {
  const { geometry } = weights
  const below: tf.Tensor[] = []
  const e: tf.Tensor[] = []
  const embeddings: tf.Tensor[] = []
  for (const channel of geometry.channels) {
    const input = channel.name === 'audio' ? batch.audio : batch.lips
    if (!input) throw new PerceptError('VALIDATION', 'A multimodal model needs the lip images as well as the audio.')
    let x: tf.Tensor = input
    for (const layer of channel.layers) {
      if (layer.kind === 'dense') x = tf.reshape(x, [x.shape[0]!, layer.inputs])
      const offset = inputOffset(geometry, layer)
      if (offset !== 0) x = tf.sub(x, offset)
      below.push(x)
      x = tf.sigmoid(linear(layer, x, weights.kernels.get(layer.name)!, weights.biases.get(layer.name)!))
      e.push(x)
    }
    embeddings.push(x)
  }
  const concatenated = embeddings.length === 1 ? embeddings[0]! : tf.concat(embeddings, 1)
  const headOffset = inputOffset(geometry, geometry.head)
  const joined = headOffset !== 0 ? tf.sub(concatenated, headOffset) : concatenated
  below.push(joined)
  const logits = linear(geometry.head, joined, weights.kernels.get(MASK_OUTPUT)!, weights.biases.get(MASK_OUTPUT)!) as tf.Tensor2D
  e.push(tf.sigmoid(logits))
  return { below, e, logits }
}

/** Per layer, the mean event rate over the batch's units: [layers] (the firing rate of measures.ts). */
export function meanRates(pass: { e: tf.Tensor[] }): tf.Tensor1D {
  return tf.stack(pass.e.map((e) => tf.mean(e))) as tf.Tensor1D
}

/**
 * The TF.js layers model of the network, for ONNX export and inference: inputs 'audio' (and 'lips'),
 * outputs 'mask' [N, 622] and 'event_rates' [N, layers], each layer's mean event rate per example (a
 * fixed averaging Dense layer on each layer's flattened output), so inference reports how much it fires.
 */
export function buildEnhanceModel(weights: NetWeights): tfl.LayersModel {
  const { geometry } = weights
  const rateTaps: tfl.SymbolicTensor[] = []
  const tap = (x: tfl.SymbolicTensor, layer: LayerSpec): void => {
    const n = unitsOf(layer)
    const flat = layer.kind === 'conv' ? (tfl.layers.flatten({ name: `${layer.name}_flat_rate` }).apply(x) as tfl.SymbolicTensor) : x
    rateTaps.push(
      tfl.layers.dense({ name: `${layer.name}_rate`, units: 1, useBias: false, trainable: false, kernelInitializer: tfl.initializers.constant({ value: 1 / n }) }).apply(flat) as tfl.SymbolicTensor,
    )
  }
  const inputs: tfl.SymbolicTensor[] = []
  const embeddings: tfl.SymbolicTensor[] = []
  for (const channel of geometry.channels) {
    const input = tfl.input({ name: channel.name, shape: channel.input })
    inputs.push(input)
    let x: tfl.SymbolicTensor = input
    for (const layer of channel.layers) {
      if (layer.kind === 'conv') {
        x = tfl.layers.zeroPadding2d({ name: `${layer.name}_pad`, padding: 1 }).apply(x) as tfl.SymbolicTensor
        x = tfl.layers.conv2d({ name: layer.name, filters: layer.output[2], kernelSize: 3, strides: layer.stride, padding: 'valid', activation: 'sigmoid' }).apply(x) as tfl.SymbolicTensor
      } else {
        x = tfl.layers.flatten({ name: `${channel.name}_flatten` }).apply(x) as tfl.SymbolicTensor
        x = tfl.layers.dense({ name: layer.name, units: layer.units, activation: 'sigmoid' }).apply(x) as tfl.SymbolicTensor
      }
      tap(x, layer)
    }
    embeddings.push(x)
  }
  const joined = embeddings.length === 1 ? embeddings[0]! : (tfl.layers.concatenate({ name: 'embeddings', axis: -1 }).apply(embeddings) as tfl.SymbolicTensor)
  const mask = tfl.layers.dense({ name: MASK_OUTPUT, units: geometry.head.units, activation: 'sigmoid' }).apply(joined) as tfl.SymbolicTensor
  tap(mask, geometry.head)
  const rates = tfl.layers.concatenate({ name: RATES_OUTPUT, axis: -1 }).apply(rateTaps) as tfl.SymbolicTensor
  const model = tfl.model({ name: `enhance_${geometry.config.model}`, inputs, outputs: [mask, rates] })
  // W (e - r) + bias = W e + (bias - r W 1): the resting rate folded into the bias, so inference takes the plain rates.
  for (const layer of geometry.layers) {
    const kernel = weights.kernels.get(layer.name)!
    const offset = inputOffset(geometry, layer)
    const bias = offset === 0 ? weights.biases.get(layer.name)! : tf.tidy(() => tf.sub(weights.biases.get(layer.name)!, tf.mul(offset, tf.sum(kernel, 0))))
    model.getLayer(layer.name).setWeights([kernel, bias])
    if (offset !== 0) bias.dispose()
  }
  return model
}
