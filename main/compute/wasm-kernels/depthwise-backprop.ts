import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { heapView } from './kernel-calls'

/*
 * Depthwise convolution gradients, NHWC, for depthwise/separable conv layers (none of the layers
 * we train today uses them; they are here so no wasm training dies on a missing kernel). XNNPACK
 * offers no grouped backward pass the wasm backend exposes, so these are direct loops in
 * JavaScript over the wasm heap (no copy to another backend); they honour dilation.
 * Input channel c with multiplier m feeds output channel c * M + m.
 */

type Geometry = backend_util.Conv2DInfo

/** Visits every (input pixel, filter tap, output pixel) triple the forward pass multiplied. */
function forEachTap(info: Geometry, visit: (b: number, ih: number, iw: number, kh: number, kw: number, oh: number, ow: number) => void): void {
  const { batchSize, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, inHeight, inWidth } = info
  const top = info.padInfo.top
  const left = info.padInfo.left
  for (let b = 0; b < batchSize; b++)
    for (let oh = 0; oh < outHeight; oh++)
      for (let kh = 0; kh < filterHeight; kh++) {
        const ih = oh * strideHeight + kh * dilationHeight - top
        if (ih < 0 || ih >= inHeight) continue
        for (let ow = 0; ow < outWidth; ow++)
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth + kw * dilationWidth - left
            if (iw < 0 || iw >= inWidth) continue
            visit(b, ih, iw, kh, kw, oh, ow)
          }
      }
}

const depthwiseBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm
  const { x, dy } = inputs as unknown as { x: TensorInfo; dy: TensorInfo }
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs as unknown as DepthwiseConv2dNativeBackpropFilterAttrs
  const info = backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, dilations, pad, dimRoundingMode, true)
  const C = info.inChannels
  const M = info.outChannels / C
  const sum = new Float64Array(info.filterHeight * info.filterWidth * C * M)
  const out = wasm.makeOutput(filterShape, 'float32')
  const xv = heapView(wasm, x)
  const dyv = heapView(wasm, dy)
  forEachTap(info, (b, ih, iw, kh, kw, oh, ow) => {
    const xBase = ((b * info.inHeight + ih) * info.inWidth + iw) * C
    const dyBase = ((b * info.outHeight + oh) * info.outWidth + ow) * C * M
    const wBase = (kh * info.filterWidth + kw) * C * M
    for (let c = 0; c < C; c++) {
      const xval = xv[xBase + c]!
      for (let m = 0; m < M; m++) sum[wBase + c * M + m]! += xval * dyv[dyBase + c * M + m]!
    }
  })
  heapView(wasm, out).set(sum)
  return out
}

const depthwiseBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm
  const { dy, filter } = inputs as unknown as { dy: TensorInfo; filter: TensorInfo }
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs as unknown as DepthwiseConv2dNativeBackpropInputAttrs
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, dilations, pad, dimRoundingMode, true)
  const C = info.inChannels
  const M = info.outChannels / C
  const sum = new Float64Array(inputShape.reduce((a, b) => a * b, 1))
  const out: TensorInfo = wasm.makeOutput(inputShape, 'float32')
  const dyv = heapView(wasm, dy)
  const wv = heapView(wasm, filter)
  forEachTap(info, (b, ih, iw, kh, kw, oh, ow) => {
    const xBase = ((b * info.inHeight + ih) * info.inWidth + iw) * C
    const dyBase = ((b * info.outHeight + oh) * info.outWidth + ow) * C * M
    const wBase = (kh * info.filterWidth + kw) * C * M
    for (let c = 0; c < C; c++) {
      let acc = 0
      for (let m = 0; m < M; m++) acc += dyv[dyBase + c * M + m]! * wv[wBase + c * M + m]!
      sum[xBase + c]! += acc
    }
  })
  heapView(wasm, out).set(sum)
  return out
}

export const depthwiseBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter,
}

export const depthwiseBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput,
}
