import { parseEscModelConfig, type EscModelConfigInput } from './config'
import { CONV_KERNEL, POOL_SIZE, dilationOf, isDilated, layerLabels, paperNotation, walkGeometry, type AxisPair } from './geometry'

/** One row of a model card's layer table. */
export interface EscLayerRow {
  /** The paper's name (Cov1, DilaCov2, Max-pooling) or the head's (Global average pooling, ...). */
  label: string
  kind: 'conv' | 'dilated conv' | 'max-pooling' | 'global average pooling' | 'dropout' | 'dense softmax'
  /** Kernel, filters, dilation, stride, padding, activation, in words. */
  detail: string
  /** Output shape without the batch. */
  output: number[]
  params: number
  /** Input cells one output unit sees, as frames x bands; null after global pooling (it sees everything). */
  receptiveField: { frames: number; bands: number } | null
}

export interface EscModelDescription {
  /** The structure in the paper's notation, rates included ("Cov1 + DilaCov1(2) + ..."). */
  notation: string
  inputShape: [number, number, number]
  classes: number
  padding: 'same' | 'valid'
  dropout: number
  /** Filters of each convolution, in order. */
  filters: number[]
  layers: EscLayerRow[]
  /** Trainable parameters: conv (3 * 3 * in + 1) * filters, dense (in + 1) * classes. */
  params: number
  /** Receptive field of the last feature map before global average pooling. */
  receptiveField: { frames: number; bands: number }
  /** The choices the paper leaves open, as a model card should state them. */
  notInPaper: string[]
}

const field = ([bands, frames]: AxisPair) => ({ frames, bands })

/** Layer table, parameter count and receptive fields of a config, worked out from the config alone. */
export function describeEscModel(input: EscModelConfigInput): EscModelDescription {
  const config = parseEscModelConfig(input)
  const { layers: geometry } = walkGeometry(config)
  const labels = layerLabels(config.layers)
  let channels = config.inputShape[2]
  const rows: EscLayerRow[] = config.layers.map((layer, i) => {
    const g = geometry[i]!
    const base = { label: labels[i]!, output: [...g.output], receptiveField: field(g.receptiveField) }
    if (layer.kind === 'maxpool') {
      return { ...base, kind: 'max-pooling', detail: `${POOL_SIZE}x${POOL_SIZE}, stride ${POOL_SIZE}, ${config.padding}`, params: 0 }
    }
    const params = (CONV_KERNEL * CONV_KERNEL * channels + 1) * layer.filters
    channels = layer.filters
    const rate = dilationOf(layer)
    const dilation = isDilated(layer) ? `, dilation (${rate.join(', ')})` : ''
    return {
      ...base,
      kind: isDilated(layer) ? 'dilated conv' : 'conv',
      detail: `${CONV_KERNEL}x${CONV_KERNEL}, ${layer.filters} filters${dilation}, stride 1, ${config.padding}, ReLU`,
      params,
    }
  })
  const last = geometry[geometry.length - 1]!
  const filters = config.layers.flatMap((l) => (l.kind === 'conv' ? [l.filters] : []))
  rows.push(
    { label: 'Global average pooling', kind: 'global average pooling', detail: 'mean over bands and frames', output: [channels], params: 0, receptiveField: null },
    { label: 'Dropout', kind: 'dropout', detail: `rate ${config.dropout}`, output: [channels], params: 0, receptiveField: null },
    {
      label: 'Softmax',
      kind: 'dense softmax',
      detail: `${config.classes} classes`,
      output: [config.classes],
      params: (channels + 1) * config.classes,
      receptiveField: null,
    },
  )
  return {
    notation: paperNotation(config.layers, true),
    inputShape: [...config.inputShape],
    classes: config.classes,
    padding: config.padding,
    dropout: config.dropout,
    filters,
    layers: rows,
    params: rows.reduce((sum, row) => sum + row.params, 0),
    receptiveField: field(last.receptiveField),
    notInPaper: [
      `Filters per convolution ${filters.join('/')}: the paper gives none.`,
      `Padding '${config.padding}' in every convolution and pooling: the paper gives none.`,
      'Kernels Glorot-uniform, biases zero (Keras defaults): the paper does not say.',
      ...(config.standardize
        ? [`Each input channel standardised with the training folds' mean and std (log-mel ${fmt(config.standardize, 0)}, delta ${fmt(config.standardize, 1)}): the paper trains on the raw values.`]
        : []),
    ],
  }
}

const fmt = (s: { mean: number[]; std: number[] }, c: number): string => `mean ${s.mean[c]?.toFixed(2)}, std ${s.std[c]?.toFixed(2)}`

/** The layer table as Markdown, for a model card. */
export function layerTableMarkdown(description: EscModelDescription): string {
  const lines = ['| Layer | Kind | Detail | Output | Receptive field (frames x bands) | Parameters |', '| --- | --- | --- | --- | --- | ---: |']
  for (const row of description.layers) {
    const rf = row.receptiveField ? `${row.receptiveField.frames} x ${row.receptiveField.bands}` : 'whole input'
    lines.push(`| ${row.label} | ${row.kind} | ${row.detail} | ${row.output.join(' x ')} | ${rf} | ${row.params.toLocaleString('en-US')} |`)
  }
  lines.push(`| Total | | | | | ${description.params.toLocaleString('en-US')} |`)
  return lines.join('\n')
}
