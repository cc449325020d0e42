/**
 * Layers whose convolution kernel is computed from a few parameters (the Gabor-based GaborConv3D) export as an
 * ordinary ONNX Conv holding the materialised kernel: inference needs only the weights, not the formula.
 */
import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import type { LayerConverter } from './converters-conv'
import { asArray, padAttributes } from './converters-conv'
import { findWeight, layerConfig, weightArray } from './layer-weights'

/** What the converter needs from such a layer: its kernel [k.., in, out] as TF.js conv3d takes it. */
interface MaterialisedKernelLayer {
  materialisedKernel(): tf.Tensor
}

function hasMaterialisedKernel(layer: unknown): layer is MaterialisedKernelLayer {
  return typeof (layer as Partial<MaterialisedKernelLayer>).materialisedKernel === 'function'
}

/** Channels-last 3D conv with a materialised kernel [kd, kh, kw, in, out] -> Transpose, Conv [out, in, kd, kh, kw], Transpose. */
export const materialisedConvConverter: LayerConverter = (layer: tfl.layers.Layer, ctx, [x]) => {
  if (!hasMaterialisedKernel(layer)) throw new Error(`layer '${layer.name}' has no materialisedKernel()`)
  const config = layerConfig(layer)
  const shape = ctx.shapeOf(x!)
  if (!shape || shape.length !== 5) throw new Error(`the input of '${layer.name}' must be a channels-last volume [N, D, H, W, C]`)
  const kernelSize = asArray(config.kernelSize, 3, 'kernelSize')
  const strides = asArray(config.strides ?? 1, 3, 'strides')
  const kernel = tf.tidy(() => {
    const t = tf.transpose(layer.materialisedKernel(), [4, 3, 0, 1, 2])
    return { data: Float32Array.from(t.dataSync() as Float32Array), dims: [...t.shape] }
  })
  const w = ctx.addInitializer('kernel', kernel.data, kernel.dims)
  const biasWeight = config.useBias === false ? null : findWeight(layer, 'bias')
  const bias = biasWeight ? weightArray(biasWeight) : null
  const b = bias ? [ctx.addInitializer('bias', bias.data, bias.dims)] : []
  const pads = padAttributes(String(config.padding ?? 'same'), shape.slice(1, 4), kernelSize, strides, [1, 1, 1])
  const xc = ctx.toChannelsFirst(x!, 5)
  const y = ctx.op('Conv', [xc, w, ...b], { kernel_shape: kernelSize, strides, dilations: [1, 1, 1], group: 1, ...pads })
  return [ctx.toChannelsLast(y, 5)]
}
