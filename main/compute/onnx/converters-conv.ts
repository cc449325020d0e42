/**
 * Convolutions and pooling. TF.js keeps tensors channels-last; ONNX Conv and Pool want channels-first, so each
 * block transposes in and out; transpose-folding.ts removes the pairs that meet between blocks.
 *
 * Padding follows TensorFlow exactly: 'same' pads `total = max((ceil(in/s) - 1) * s + (k - 1) * d + 1 - in, 0)`
 * with `floor(total / 2)` before and the rest after (extra at the end, ONNX's SAME_UPPER). Pads are written
 * explicitly when the spatial size is known. When it is not (a fully convolutional model), convolutions get
 * a Pad node computed from the input's run-time shape, because onnxruntime refuses auto_pad SAME_UPPER with
 * dilation; pooling (no dilation) uses auto_pad SAME_UPPER, which keeps average pooling's exclusion of pads.
 */
import type * as tfl from '@tensorflow/tfjs-layers'
import type { AttributeValue } from './onnx-proto'
import type { OnnxExportContext, TfShape } from './export-context'
import { range } from './export-context'
import { findWeight, layerConfig, requireWeight, weightArray } from './layer-weights'

export type LayerConverter = (layer: tfl.layers.Layer, ctx: OnnxExportContext, inputs: string[]) => string[]

export function asArray(value: unknown, n: number, name: string): number[] {
  if (typeof value === 'number') return Array.from({ length: n }, () => value)
  if (Array.isArray(value) && value.length === n && value.every((v) => typeof v === 'number')) return value as number[]
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'number') return Array.from({ length: n }, () => value[0] as number)
  throw new Error(`${name} should be ${n} numbers, got ${JSON.stringify(value)}`)
}

/** TensorFlow's SAME padding for one axis: [before, after]. */
export function samePadding(inSize: number, kernel: number, stride: number, dilation = 1): [number, number] {
  const effective = (kernel - 1) * dilation + 1
  const outSize = Math.ceil(inSize / stride)
  const total = Math.max((outSize - 1) * stride + effective - inSize, 0)
  const before = Math.floor(total / 2)
  return [before, total - before]
}

/** ONNX pad attributes (`pads` or `auto_pad`) reproducing TF's padding mode for the given spatial input size. */
export function padAttributes(
  padding: string,
  spatial: TfShape,
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
): Record<string, AttributeValue> {
  const n = kernel.length
  if (padding === 'valid') return { pads: new Array<number>(2 * n).fill(0) }
  // Keras's causal Conv1D pads everything before (TF.js 4.22 cannot run it yet, so it is untested here).
  if (padding === 'causal') {
    if (n !== 1) throw new Error(`'causal' padding exists only for 1D convolutions`)
    return { pads: [(kernel[0]! - 1) * dilations[0]!, 0] }
  }
  if (padding !== 'same') throw new Error(`padding '${padding}' is not supported`)
  if (spatial.some((d) => d === null)) return { auto_pad: 'SAME_UPPER' }
  const pairs = spatial.map((size, i) => samePadding(size as number, kernel[i]!, strides[i]!, dilations[i]!))
  return { pads: [...pairs.map((p) => p[0]), ...pairs.map((p) => p[1])] }
}

/**
 * A channels-first input padded as TF's 'same' needs, with the pads computed from its shape at run time:
 * ONNX's int64 arithmetic on Shape, then Pad (zeros). Used when the spatial size is unknown at export.
 */
function padSameAtRunTime(
  ctx: OnnxExportContext,
  xc: string,
  rank: number,
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
): string {
  const shape = ctx.op('Shape', [xc])
  const spatial = ctx.op('Slice', [shape, ctx.constInt64('spatial_start', [2]), ctx.constInt64('spatial_end', [rank])])
  const stride = ctx.constInt64('strides', strides)
  const one = ctx.constInt64('one', [1])
  const effective = ctx.constInt64('effective_kernel', kernel.map((k, i) => (k - 1) * dilations[i]! + 1))
  const outSize = ctx.op('Div', [ctx.op('Sub', [ctx.op('Add', [spatial, stride]), one]), stride])
  const needed = ctx.op('Sub', [ctx.op('Add', [ctx.op('Mul', [ctx.op('Sub', [outSize, one]), stride]), effective]), spatial])
  const total = ctx.op('Max', [needed, ctx.constInt64('zero', [0])])
  const before = ctx.op('Div', [total, ctx.constInt64('two', [2])])
  const after = ctx.op('Sub', [total, before])
  const noPad = ctx.constInt64('no_pad', [0, 0])
  const pads = ctx.op('Concat', [noPad, before, noPad, after], { axis: 0 })
  return ctx.op('Pad', [xc, pads], { mode: 'constant' })
}

/** The input and pad attributes of a convolution: explicit pads, or a run-time Pad node for unknown sizes. */
function convPadding(
  ctx: OnnxExportContext,
  xc: string,
  layout: SpatialLayout,
  padding: string,
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
): { input: string; attributes: Record<string, AttributeValue> } {
  if (padding === 'same' && layout.spatial.some((d) => d === null)) {
    return {
      input: padSameAtRunTime(ctx, xc, layout.rank, kernel, strides, dilations),
      attributes: { pads: new Array<number>(2 * kernel.length).fill(0) },
    }
  }
  return { input: xc, attributes: padAttributes(padding, layout.spatial, kernel, strides, dilations) }
}

interface SpatialLayout {
  rank: number
  n: number
  channelsFirst: boolean
  spatial: TfShape
}

function layoutOf(ctx: OnnxExportContext, input: string, config: Record<string, unknown>, layerName: string): SpatialLayout {
  const shape = ctx.shapeOf(input)
  if (!shape) throw new Error(`the input shape of '${layerName}' is unknown`)
  const rank = shape.length
  const channelsFirst = config.dataFormat === 'channelsFirst'
  return { rank, n: rank - 2, channelsFirst, spatial: channelsFirst ? shape.slice(2) : shape.slice(1, rank - 1) }
}

/** Runs `body` on the channels-first form of `input` and returns the result in the layer's own layout. */
function channelsFirstBlock(ctx: OnnxExportContext, input: string, layout: SpatialLayout, body: (x: string) => string): string {
  if (layout.channelsFirst) return body(input)
  return ctx.toChannelsLast(body(ctx.toChannelsFirst(input, layout.rank)), layout.rank)
}

function biasInput(ctx: OnnxExportContext, layer: tfl.layers.Layer, useBias: unknown): string[] {
  if (useBias === false) return []
  const bias = findWeight(layer, 'bias')
  if (!bias) return []
  const values = weightArray(bias)
  return [ctx.addInitializer('bias', values.data, values.dims)]
}

/** Conv1D, Conv2D, Conv3D: TF kernel [k.., in, out] -> ONNX [out, in, k..]. */
export const convConverter: LayerConverter = (layer, ctx, [x]) => {
  const config = layerConfig(layer)
  const layout = layoutOf(ctx, x!, config, layer.name)
  const { n } = layout
  const kernelSize = asArray(config.kernelSize, n, 'kernelSize')
  const strides = asArray(config.strides ?? 1, n, 'strides')
  const dilations = asArray(config.dilationRate ?? 1, n, 'dilationRate')
  const kernel = weightArray(requireWeight(layer, 'kernel'), [n + 1, n, ...range(0, n)])
  const w = ctx.addInitializer('kernel', kernel.data, kernel.dims)
  const b = biasInput(ctx, layer, config.useBias)
  const y = channelsFirstBlock(ctx, x!, layout, (xc) => {
    const padded = convPadding(ctx, xc, layout, String(config.padding), kernelSize, strides, dilations)
    return ctx.op('Conv', [padded.input, w, ...b], { kernel_shape: kernelSize, strides, dilations, group: 1, ...padded.attributes })
  })
  return [ctx.activation(String(config.activation ?? 'linear'), y)]
}

/**
 * Conv2DTranspose, Conv3DTranspose: TF kernel [k.., out, in] -> ONNX ConvTranspose [in, out, k..].
 * TF.js output size is `in * s` ('same') or `in * s + max(k - s, 0)` ('valid'); pads crop `max(k - s, 0)`
 * split as in TF (less before), and output_padding adds `max(s - k, 0)` at the end.
 */
export const convTransposeConverter: LayerConverter = (layer, ctx, [x]) => {
  const config = layerConfig(layer)
  const layout = layoutOf(ctx, x!, config, layer.name)
  const { n } = layout
  const kernelSize = asArray(config.kernelSize, n, 'kernelSize')
  const strides = asArray(config.strides ?? 1, n, 'strides')
  const padding = String(config.padding)
  const before: number[] = []
  const after: number[] = []
  const outputPadding: number[] = []
  for (let i = 0; i < n; i++) {
    const k = kernelSize[i]!
    const s = strides[i]!
    const total = padding === 'same' ? Math.max(k - s, 0) : 0
    before.push(Math.floor(total / 2))
    after.push(total - Math.floor(total / 2))
    outputPadding.push(Math.max(s - k, 0))
  }
  const kernel = weightArray(requireWeight(layer, 'kernel'), [n + 1, n, ...range(0, n)])
  const w = ctx.addInitializer('kernel', kernel.data, kernel.dims)
  const b = biasInput(ctx, layer, config.useBias)
  const attributes: Record<string, AttributeValue> = { kernel_shape: kernelSize, strides, pads: [...before, ...after] }
  if (outputPadding.some((p) => p > 0)) attributes.output_padding = outputPadding
  const y = channelsFirstBlock(ctx, x!, layout, (xc) => ctx.op('ConvTranspose', [xc, w, ...b], attributes))
  return [ctx.activation(String(config.activation ?? 'linear'), y)]
}

/** DepthwiseConv2D: TF kernel [kh, kw, in, m] -> ONNX [in * m, 1, kh, kw] with group = in (output c * m + j). */
function depthwiseConv(
  ctx: OnnxExportContext,
  layer: tfl.layers.Layer,
  xc: string,
  layout: SpatialLayout,
  config: Record<string, unknown>,
  withBias: boolean,
): string {
  const n = layout.n
  const weight = requireWeight(layer, 'depthwise_kernel')
  const [kh, kw, channels, multiplier] = weight.shape as number[]
  const kernel = weightArray(weight, [3, 2, 0, 1], [kh!, kw!, 1, channels! * multiplier!])
  const w = ctx.addInitializer('depthwise_kernel', kernel.data, kernel.dims)
  const kernelSize = asArray(config.kernelSize, n, 'kernelSize')
  const strides = asArray(config.strides ?? 1, n, 'strides')
  const dilations = asArray(config.dilationRate ?? 1, n, 'dilationRate')
  const b = withBias ? biasInput(ctx, layer, config.useBias) : []
  const padded = convPadding(ctx, xc, layout, String(config.padding), kernelSize, strides, dilations)
  return ctx.op('Conv', [padded.input, w, ...b], { kernel_shape: kernelSize, strides, dilations, group: channels!, ...padded.attributes })
}

export const depthwiseConvConverter: LayerConverter = (layer, ctx, [x]) => {
  const config = layerConfig(layer)
  const layout = layoutOf(ctx, x!, config, layer.name)
  const y = channelsFirstBlock(ctx, x!, layout, (xc) => depthwiseConv(ctx, layer, xc, layout, config, true))
  return [ctx.activation(String(config.activation ?? 'linear'), y)]
}

/** SeparableConv2D: the depthwise step (strides, dilation, padding) then a 1x1 pointwise conv with the bias. */
export const separableConvConverter: LayerConverter = (layer, ctx, [x]) => {
  const config = layerConfig(layer)
  const layout = layoutOf(ctx, x!, config, layer.name)
  const pointwise = weightArray(requireWeight(layer, 'pointwise_kernel'), [3, 2, 0, 1])
  const pw = ctx.addInitializer('pointwise_kernel', pointwise.data, pointwise.dims)
  const y = channelsFirstBlock(ctx, x!, layout, (xc) => {
    const depthwise = depthwiseConv(ctx, layer, xc, layout, config, false)
    const b = biasInput(ctx, layer, config.useBias)
    return ctx.op('Conv', [depthwise, pw, ...b], { kernel_shape: [1, 1], strides: [1, 1], pads: [0, 0, 0, 0] })
  })
  return [ctx.activation(String(config.activation ?? 'linear'), y)]
}

/** Max and average pooling, 1D to 3D. TF's average excludes the padding ('same'): count_include_pad = 0. */
export function poolConverter(kind: 'max' | 'average'): LayerConverter {
  return (layer, ctx, [x]) => {
    const config = layerConfig(layer)
    const layout = layoutOf(ctx, x!, config, layer.name)
    const n = layout.n
    const poolSize = asArray(config.poolSize, n, 'poolSize')
    const strides = asArray(config.strides ?? poolSize, n, 'strides')
    const attributes: Record<string, AttributeValue> = {
      kernel_shape: poolSize,
      strides,
      ...padAttributes(String(config.padding ?? 'valid'), layout.spatial, poolSize, strides, new Array<number>(n).fill(1)),
    }
    if (kind === 'average') attributes.count_include_pad = 0
    return [channelsFirstBlock(ctx, x!, layout, (xc) => ctx.op(kind === 'max' ? 'MaxPool' : 'AveragePool', [xc], attributes))]
  }
}

/** Global pooling reduces over the spatial axes in place (no transpose needed). */
export function globalPoolConverter(kind: 'max' | 'average'): LayerConverter {
  return (layer, ctx, [x]) => {
    const config = layerConfig(layer)
    const layout = layoutOf(ctx, x!, config, layer.name)
    const axes = layout.channelsFirst ? range(2, layout.rank) : range(1, layout.rank - 1)
    return [ctx.reduce(kind === 'max' ? 'ReduceMax' : 'ReduceMean', x!, axes, config.keepDims === true)]
  }
}
