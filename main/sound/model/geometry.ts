import type { EscLayer, EscModelConfig } from './config'

/** Every convolution in the paper is 3x3 with stride (1, 1). */
export const CONV_KERNEL = 3
/** Every max-pooling in the paper is 2x2 with stride (2, 2). */
export const POOL_SIZE = 2

/** A pair per spatial axis, in the input's order: [bands, frames]. */
export type AxisPair = [number, number]

/** A conv layer's dilation as [bands, frames]; a plain conv is [1, 1]. */
export function dilationOf(layer: Extract<EscLayer, { kind: 'conv' }>): AxisPair {
  const d = layer.dilation ?? 1
  return typeof d === 'number' ? [d, d] : [d[0], d[1]]
}

export function isDilated(layer: EscLayer): boolean {
  return layer.kind === 'conv' && dilationOf(layer).some((d) => d > 1)
}

/**
 * The paper's name for each layer: plain convolutions count Cov1, Cov2, ..., dilated ones DilaCov1,
 * DilaCov2, ..., each on its own counter (Table 1: "Cov1 + Cov2 + DilaCov1 + DilaCov2").
 */
export function layerLabels(layers: readonly EscLayer[]): string[] {
  let plain = 0
  let dilated = 0
  return layers.map((layer) => (layer.kind === 'maxpool' ? 'Max-pooling' : isDilated(layer) ? `DilaCov${++dilated}` : `Cov${++plain}`))
}

/**
 * The structure in the paper's notation. With `rates`, dilated layers carry their rate as in Table 2
 * ("DilaCov1(2)"; a non-square rate reads "(2, 3)"); Tables 1 and 3 leave it out.
 */
export function paperNotation(layers: readonly EscLayer[], rates = false): string {
  const labels = layerLabels(layers)
  return layers
    .map((layer, i) => {
      if (!rates || layer.kind !== 'conv' || !isDilated(layer)) return labels[i]
      const [b, f] = dilationOf(layer)
      return `${labels[i]}(${b === f ? b : `${b}, ${f}`})`
    })
    .join(' + ')
}

export interface LayerGeometry {
  /** Output [bands, frames, channels], without the batch. */
  output: [number, number, number]
  /**
   * Input cells one output unit sees, [bands, frames]. Per layer r' = r + (s - 1) * j, where s is the
   * layer's span ((k - 1) * d + 1 for a k x k convolution of dilation d, the window for pooling) and j
   * the jump: the input cells between adjacent units, the product of the strides so far (pooling
   * doubles it). Padding does not change it (padded cells are zeros, not input).
   */
  receptiveField: AxisPair
  /** Input cells between adjacent output units, [bands, frames]. */
  jump: AxisPair
}

export interface GeometryProblem {
  index: number
  message: string
}

type Geometry = Pick<EscModelConfig, 'inputShape' | 'layers' | 'padding'>

function axes(pair: AxisPair): string {
  return `${pair[0]} bands x ${pair[1]} frames`
}

/**
 * Output shape and receptive field after each layer, or the first layer whose input is smaller than
 * its window under 'valid' padding (TF.js would fail there with an opaque negative-dimension error).
 */
export function walkGeometry(config: Geometry): { layers: LayerGeometry[]; problem?: GeometryProblem } {
  const labels = layerLabels(config.layers)
  const layers: LayerGeometry[] = []
  const input: AxisPair = [config.inputShape[0], config.inputShape[1]]
  let size = input
  let channels = config.inputShape[2]
  let field: AxisPair = [1, 1]
  let jump: AxisPair = [1, 1]
  const same = config.padding === 'same'
  for (const [index, layer] of config.layers.entries()) {
    const pooling = layer.kind === 'maxpool'
    const dilation: AxisPair = pooling ? [1, 1] : dilationOf(layer)
    const window = pooling ? POOL_SIZE : CONV_KERNEL
    const span = dilation.map((d) => (window - 1) * d + 1) as AxisPair
    if (!same && (size[0] < span[0] || size[1] < span[1])) {
      const what = pooling ? `${POOL_SIZE}x${POOL_SIZE}, stride ${POOL_SIZE}` : `${CONV_KERNEL}x${CONV_KERNEL}, dilation (${dilation.join(', ')})`
      const left = index === 0 ? `its input is only ${axes(size)}` : `the layers before it leave only ${axes(size)} of the ${axes(input)} input`
      const fixes = ["padding 'same'", ...(pooling ? [] : ['a smaller dilation']), ...(index === 0 ? [] : ['fewer layers before it'])]
      return {
        layers,
        problem: {
          index,
          message: `${labels[index]} (${what}) spans ${axes(span)}, but with padding 'valid' ${left}. Use ${fixes.join(', ').replace(/, ([^,]*)$/, ', or $1')}.`,
        },
      }
    }
    if (pooling) {
      size = size.map((n) => (same ? Math.ceil(n / POOL_SIZE) : Math.floor((n - POOL_SIZE) / POOL_SIZE) + 1)) as AxisPair
    } else {
      size = same ? size : (size.map((n, a) => n - span[a]! + 1) as AxisPair)
      channels = layer.filters
    }
    field = field.map((r, a) => r + (span[a]! - 1) * jump[a]!) as AxisPair
    if (pooling) jump = jump.map((j) => j * POOL_SIZE) as AxisPair
    layers.push({ output: [size[0], size[1], channels], receptiveField: field, jump })
  }
  return { layers }
}
