/** Which TF.js layer classes the exporter writes, by their serialised class name. */
import type { LayerConverter } from './converters-conv'
import {
  convConverter,
  convTransposeConverter,
  depthwiseConvConverter,
  globalPoolConverter,
  poolConverter,
  separableConvConverter,
} from './converters-conv'
import {
  activationLayerConverter,
  addConverter,
  averageConverter,
  concatenateConverter,
  croppingConverter,
  denseConverter,
  eluConverter,
  flattenConverter,
  identityConverter,
  leakyReluConverter,
  maximumConverter,
  minimumConverter,
  multiplyConverter,
  permuteConverter,
  preluConverter,
  reluConverter,
  repeatVectorConverter,
  reshapeConverter,
  rescalingConverter,
  softmaxLayerConverter,
  thresholdedReluConverter,
  upSamplingConverter,
  zeroPaddingConverter,
} from './converters-core'
import { batchNormConverter, layerNormConverter } from './converters-norm'
import { materialisedConvConverter } from './converters-gabor'

export type { LayerConverter }

const builtIn: Record<string, LayerConverter> = {
  Dense: denseConverter,
  Conv1D: convConverter,
  Conv2D: convConverter,
  Conv3D: convConverter,
  Conv2DTranspose: convTransposeConverter,
  Conv3DTranspose: convTransposeConverter,
  DepthwiseConv2D: depthwiseConvConverter,
  SeparableConv2D: separableConvConverter,
  MaxPooling1D: poolConverter('max'),
  MaxPooling2D: poolConverter('max'),
  MaxPooling3D: poolConverter('max'),
  AveragePooling1D: poolConverter('average'),
  AveragePooling2D: poolConverter('average'),
  AveragePooling3D: poolConverter('average'),
  GlobalAveragePooling1D: globalPoolConverter('average'),
  GlobalAveragePooling2D: globalPoolConverter('average'),
  GlobalMaxPooling1D: globalPoolConverter('max'),
  GlobalMaxPooling2D: globalPoolConverter('max'),
  BatchNormalization: batchNormConverter,
  LayerNormalization: layerNormConverter,
  Activation: activationLayerConverter,
  ReLU: reluConverter,
  LeakyReLU: leakyReluConverter,
  ELU: eluConverter,
  PReLU: preluConverter,
  ThresholdedReLU: thresholdedReluConverter,
  Softmax: softmaxLayerConverter,
  Dropout: identityConverter,
  SpatialDropout1D: identityConverter,
  AlphaDropout: identityConverter,
  GaussianDropout: identityConverter,
  GaussianNoise: identityConverter,
  Add: addConverter,
  Multiply: multiplyConverter,
  Average: averageConverter,
  Maximum: maximumConverter,
  Minimum: minimumConverter,
  Concatenate: concatenateConverter,
  Reshape: reshapeConverter,
  Flatten: flattenConverter,
  Permute: permuteConverter,
  RepeatVector: repeatVectorConverter,
  Rescaling: rescalingConverter,
  ZeroPadding2D: zeroPaddingConverter,
  Cropping2D: croppingConverter,
  UpSampling2D: upSamplingConverter,
  GaborConv3D: materialisedConvConverter,
}

const registered = new Map<string, LayerConverter>(Object.entries(builtIn))

/**
 * Teaches the exporter a layer class it cannot change (a third-party layer). Layers we write implement
 * `OnnxExportable.toOnnx` instead, which takes precedence over this table.
 */
export function registerOnnxConverter(className: string, converter: LayerConverter): void {
  registered.set(className, converter)
}

export function converterFor(className: string): LayerConverter | undefined {
  return registered.get(className)
}

export function supportedLayerClasses(): string[] {
  return [...registered.keys()].sort()
}
