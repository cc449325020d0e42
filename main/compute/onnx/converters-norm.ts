/** Normalisation layers: batch norm (inference, folded to one multiply-add) and layer norm. */
import type { OnnxExportContext } from './export-context'
import type { LayerConverter } from './converters-conv'
import { findWeight, layerConfig, weightValues } from './layer-weights'

/** The shape that broadcasts a per-axis vector of length `size` against a tensor of `rank` at `axis`. */
function broadcastShape(rank: number, axes: readonly number[], sizes: readonly number[]): number[] {
  const first = Math.min(...axes)
  const shape: number[] = []
  for (let d = first; d < rank; d++) {
    const i = axes.indexOf(d)
    shape.push(i >= 0 ? sizes[i]! : 1)
  }
  return shape
}

function inputRank(ctx: OnnxExportContext, value: string, layerName: string): number {
  const shape = ctx.shapeOf(value)
  if (!shape) throw new Error(`the input shape of '${layerName}' is unknown`)
  return shape.length
}

/** BatchNormalization at inference: y = x * scale + shift with scale = gamma / sqrt(var + eps), folded in float64. */
export const batchNormConverter: LayerConverter = (layer, ctx, [x]) => {
  const config = layerConfig(layer)
  const rank = inputRank(ctx, x!, layer.name)
  const axisConfig = Array.isArray(config.axis) ? (config.axis[0] as number) : Number(config.axis ?? -1)
  const axis = axisConfig < 0 ? axisConfig + rank : axisConfig
  const mean = weightValues(findWeight(layer, 'moving_mean')!)
  const variance = weightValues(findWeight(layer, 'moving_variance')!)
  const gammaWeight = config.scale === false ? null : findWeight(layer, 'gamma')
  const betaWeight = config.center === false ? null : findWeight(layer, 'beta')
  const gamma = gammaWeight ? weightValues(gammaWeight) : null
  const beta = betaWeight ? weightValues(betaWeight) : null
  const epsilon = Number(config.epsilon ?? 1e-3)
  const channels = mean.length
  const scale = new Float32Array(channels)
  const shift = new Float32Array(channels)
  for (let c = 0; c < channels; c++) {
    const s = (gamma ? gamma[c]! : 1) / Math.sqrt(variance[c]! + epsilon)
    scale[c] = s
    shift[c] = (beta ? beta[c]! : 0) - mean[c]! * s
  }
  const dims = broadcastShape(rank, [axis], [channels])
  const scaled = ctx.op('Mul', [x!, ctx.addInitializer('scale', scale, dims)])
  return [ctx.op('Add', [scaled, ctx.addInitializer('shift', shift, dims)])]
}

/** Mean/variance normalisation over `axes` (population variance), as TF.js moments + batchNormalization. */
export function normalise(ctx: OnnxExportContext, x: string, axes: readonly number[], epsilon: number): string {
  const mean = ctx.reduce('ReduceMean', x, axes, true)
  const centred = ctx.op('Sub', [x, mean])
  const variance = ctx.reduce('ReduceMean', ctx.op('Mul', [centred, centred]), axes, true)
  const std = ctx.op('Sqrt', [ctx.op('Add', [variance, ctx.constFloat('epsilon', [epsilon], [])])])
  return ctx.op('Div', [centred, std])
}

/** LayerNormalization over its axes, then gamma and beta shaped like the normalised axes. */
export const layerNormConverter: LayerConverter = (layer, ctx, [x]) => {
  const config = layerConfig(layer)
  const rank = inputRank(ctx, x!, layer.name)
  const rawAxes = Array.isArray(config.axis) ? (config.axis as number[]) : [Number(config.axis ?? -1)]
  const axes = rawAxes.map((a) => (a < 0 ? a + rank : a)).sort((a, b) => a - b)
  let y = normalise(ctx, x!, axes, Number(config.epsilon ?? 1e-3))
  const gamma = config.scale === false ? null : findWeight(layer, 'gamma')
  const beta = config.center === false ? null : findWeight(layer, 'beta')
  const shape = ctx.shapeOf(x!)!
  const dims = broadcastShape(rank, axes, axes.map((a) => shape[a] as number))
  if (gamma) y = ctx.op('Mul', [y, ctx.addInitializer('gamma', Float32Array.from(weightValues(gamma)), dims)])
  if (beta) y = ctx.op('Add', [y, ctx.addInitializer('beta', Float32Array.from(weightValues(beta)), dims)])
  return [y]
}
