/** Dense, activations, dropout, merges, shape layers, padding, cropping and resampling. */
import type { OnnxExportContext } from './export-context'
import { range } from './export-context'
import type { LayerConverter } from './converters-conv'
import { asArray } from './converters-conv'
import { findWeight, layerConfig, requireWeight, weightArray } from './layer-weights'

function normaliseAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis
}

function rankOf(ctx: OnnxExportContext, value: string, layerName: string): number {
  const shape = ctx.shapeOf(value)
  if (!shape) throw new Error(`the input shape of '${layerName}' is unknown`)
  return shape.length
}

/** Dense on the last axis of any rank: MatMul (broadcasts over leading axes) + bias + activation. */
export const denseConverter: LayerConverter = (layer, ctx, [x]) => {
  const config = layerConfig(layer)
  const kernel = weightArray(requireWeight(layer, 'kernel'))
  let y = ctx.op('MatMul', [x!, ctx.addInitializer('kernel', kernel.data, kernel.dims)])
  const bias = config.useBias === false ? null : findWeight(layer, 'bias')
  if (bias) {
    const values = weightArray(bias)
    y = ctx.op('Add', [y, ctx.addInitializer('bias', values.data, values.dims)])
  }
  return [ctx.activation(String(config.activation ?? 'linear'), y)]
}

export const activationLayerConverter: LayerConverter = (layer, ctx, [x]) => [
  ctx.activation(String(layerConfig(layer).activation), x!),
]

export const reluConverter: LayerConverter = (layer, ctx, [x]) => {
  const maxValue = layerConfig(layer).maxValue
  if (typeof maxValue === 'number') {
    return [ctx.op('Clip', [x!, ctx.constFloat('zero', [0], []), ctx.constFloat('max_value', [maxValue], [])])]
  }
  return [ctx.op('Relu', [x!])]
}

export const leakyReluConverter: LayerConverter = (layer, ctx, [x]) => [
  ctx.op('LeakyRelu', [x!], { alpha: { float: Number(layerConfig(layer).alpha ?? 0.3) } }),
]

export const eluConverter: LayerConverter = (layer, ctx, [x]) => [
  ctx.op('Elu', [x!], { alpha: { float: Number(layerConfig(layer).alpha ?? 1) } }),
]

export const thresholdedReluConverter: LayerConverter = (layer, ctx, [x]) => [
  ctx.op('ThresholdedRelu', [x!], { alpha: { float: Number(layerConfig(layer).theta ?? 1) } }),
]

/** PReLU: alpha has the input's non-batch shape (1 on shared axes), which broadcasts as ONNX PRelu's slope. */
export const preluConverter: LayerConverter = (layer, ctx, [x]) => {
  const alpha = weightArray(requireWeight(layer, 'alpha'))
  return [ctx.op('PRelu', [x!, ctx.addInitializer('alpha', alpha.data, alpha.dims)])]
}

export const softmaxLayerConverter: LayerConverter = (layer, ctx, [x]) => {
  const axis = layerConfig(layer).axis
  return [ctx.op('Softmax', [x!], { axis: typeof axis === 'number' ? axis : -1 })]
}

/** Dropout and noise layers are identities at inference. */
export const identityConverter: LayerConverter = (_layer, _ctx, inputs) => [inputs[0]!]

export const addConverter: LayerConverter = (_layer, ctx, inputs) => [ctx.op('Sum', inputs)]
export const maximumConverter: LayerConverter = (_layer, ctx, inputs) => [ctx.op('Max', inputs)]
export const minimumConverter: LayerConverter = (_layer, ctx, inputs) => [ctx.op('Min', inputs)]
export const multiplyConverter: LayerConverter = (_layer, ctx, inputs) => [
  inputs.slice(1).reduce((acc, value) => ctx.op('Mul', [acc, value]), inputs[0]!),
]
export const averageConverter: LayerConverter = (_layer, ctx, inputs) => [
  ctx.op('Mul', [ctx.op('Sum', inputs), ctx.constFloat('inv_count', [1 / inputs.length], [])]),
]

export const concatenateConverter: LayerConverter = (layer, ctx, inputs) => {
  const rank = rankOf(ctx, inputs[0]!, layer.name)
  const axis = Number(layerConfig(layer).axis ?? -1)
  return [ctx.op('Concat', inputs, { axis: normaliseAxis(axis, rank) })]
}

/** Reshape keeps the batch (0 copies the input's size there); an unknown size in targetShape becomes -1. */
export const reshapeConverter: LayerConverter = (layer, ctx, [x]) => {
  const target = layerConfig(layer).targetShape as (number | null)[]
  const shape = [0, ...target.map((d) => (d === null || d < 0 ? -1 : d))]
  return [ctx.op('Reshape', [x!, ctx.constInt64('shape', shape)])]
}

export const flattenConverter: LayerConverter = (layer, ctx, [x]) => {
  const rank = rankOf(ctx, x!, layer.name)
  const input = layerConfig(layer).dataFormat === 'channelsFirst' && rank > 2 ? ctx.toChannelsLast(x!, rank) : x!
  return [ctx.op('Flatten', [input], { axis: 1 })]
}

export const permuteConverter: LayerConverter = (layer, ctx, [x]) => {
  const dims = layerConfig(layer).dims as number[]
  return [ctx.transpose(x!, [0, ...dims])]
}

/** RepeatVector: [N, D] -> [N, n, D]. */
export const repeatVectorConverter: LayerConverter = (layer, ctx, [x]) => {
  const n = Number(layerConfig(layer).n)
  const expanded = ctx.op('Unsqueeze', [x!, ctx.constInt64('axes', [1])])
  return [ctx.op('Expand', [expanded, ctx.constInt64('repeats', [1, n, 1])])]
}

/** Rescaling: x * scale + offset. */
export const rescalingConverter: LayerConverter = (layer, ctx, [x]) => {
  const config = layerConfig(layer)
  const scaled = ctx.op('Mul', [x!, ctx.constFloat('scale', [Number(config.scale ?? 1)], [])])
  return [ctx.op('Add', [scaled, ctx.constFloat('offset', [Number(config.offset ?? 0)], [])])]
}

function spatialAxes(rank: number, channelsFirst: boolean): number[] {
  return channelsFirst ? range(2, rank) : range(1, rank - 1)
}

/** ZeroPadding2D: padding [[top, bottom], [left, right]]. */
export const zeroPaddingConverter: LayerConverter = (layer, ctx, [x]) => {
  const config = layerConfig(layer)
  const rank = rankOf(ctx, x!, layer.name)
  const pairs = config.padding as [number, number][]
  const axes = spatialAxes(rank, config.dataFormat === 'channelsFirst')
  const before = new Array<number>(rank).fill(0)
  const after = new Array<number>(rank).fill(0)
  axes.forEach((axis, i) => {
    before[axis] = pairs[i]![0]
    after[axis] = pairs[i]![1]
  })
  return [ctx.op('Pad', [x!, ctx.constInt64('pads', [...before, ...after])], { mode: 'constant' })]
}

/** Cropping2D: cropping [[top, bottom], [left, right]] as a Slice with negative ends. */
export const croppingConverter: LayerConverter = (layer, ctx, [x]) => {
  const config = layerConfig(layer)
  const rank = rankOf(ctx, x!, layer.name)
  const pairs = config.cropping as [number, number][]
  const axes = spatialAxes(rank, config.dataFormat === 'channelsFirst')
  const starts = pairs.map((p) => p[0])
  const ends = pairs.map((p) => (p[1] > 0 ? -p[1] : Number.MAX_SAFE_INTEGER))
  return [ctx.op('Slice', [x!, ctx.constInt64('starts', starts), ctx.constInt64('ends', ends), ctx.constInt64('axes', axes)])]
}

/**
 * UpSampling2D: nearest is TF's resizeNearestNeighbor without align-corners or half-pixel centres, i.e. ONNX
 * Resize with 'asymmetric' coordinates and 'floor' rounding; bilinear likewise 'asymmetric' linear.
 */
export const upSamplingConverter: LayerConverter = (layer, ctx, [x]) => {
  const config = layerConfig(layer)
  const rank = rankOf(ctx, x!, layer.name)
  const n = rank - 2
  const size = asArray(config.size, n, 'size')
  const channelsFirst = config.dataFormat === 'channelsFirst'
  const scales = channelsFirst ? [1, 1, ...size] : [1, ...size, 1]
  const nearest = (config.interpolation ?? 'nearest') === 'nearest'
  return [resize(ctx, x!, rank, channelsFirst, scales, nearest ? 'nearest' : 'linear')]
}

/**
 * Nearest or linear Resize by integer-or-float `scales` (one per axis, in the tensor's layout), with TF's
 * 'asymmetric' coordinates (no align-corners, no half-pixel centres) and 'floor' for nearest. Nearest runs in
 * place on any layout; linear runs channels-first, which every runtime supports.
 */
export function resize(
  ctx: OnnxExportContext,
  x: string,
  rank: number,
  channelsFirst: boolean,
  scales: readonly number[],
  mode: 'nearest' | 'linear',
): string {
  const attributes = {
    mode,
    coordinate_transformation_mode: 'asymmetric',
    ...(mode === 'nearest' ? { nearest_mode: 'floor' } : {}),
  }
  if (mode === 'nearest' || channelsFirst) {
    return ctx.op('Resize', [x, '', ctx.constFloat('scales', scales)], attributes)
  }
  const firstScales = [1, scales[rank - 1]!, ...scales.slice(1, rank - 1)]
  const y = ctx.op('Resize', [ctx.toChannelsFirst(x, rank), '', ctx.constFloat('scales', firstScales)], attributes)
  return ctx.toChannelsLast(y, rank)
}
