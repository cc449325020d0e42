/** The environmental-sound CNNs of Chen et al. (2019): configs, the paper's presets, TF.js models, model-card facts. */
export {
  PAPER_INPUT_SHAPE,
  escLayerSchema,
  escModelConfigSchema,
  parseEscModelConfig,
  type EscLayer,
  type EscModelConfig,
  type EscModelConfigInput,
} from './config'
export { CONV_KERNEL, POOL_SIZE, dilationOf, isDilated, layerLabels, paperNotation, walkGeometry, type AxisPair, type LayerGeometry } from './geometry'
export { PRESET_FILTERS, listPresets, presetNames, presetConfig, type EscPreset } from './presets'
export { PAPER_TRAINING, ESC_INPUT_NAME, ESC_OUTPUT_NAME, buildEscModel, type BuildEscModelOptions } from './build'
export { describeEscModel, layerTableMarkdown, type EscModelDescription, type EscLayerRow } from './describe'
