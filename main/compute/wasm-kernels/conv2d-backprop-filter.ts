import {
  backend_util,
  Conv2D,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  Slice,
  type TensorInfo,
  Transpose,
} from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { planFilterGradAxis } from './filter-grad-plan'
import { callWasmKernel, release } from './kernel-calls'
import { simdFilterGrad } from './simd-filter-grad'

export interface FilterGradGeometry {
  filterShape: [number, number, number, number]
  strides: [number, number]
  dilations: [number, number]
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
  dataFormat: 'NHWC' | 'NCHW'
}

/**
 * dW = conv2d(x with batch and channels swapped, dy as the filter), with stride and dilation
 * swapped (see filter-grad-plan.ts). One XNNPACK convolution does the work, so this runs at the
 * wasm backend's convolution speed (and on its threads) and copies nothing to another backend.
 * x: NHWC [B, H, W, Ci] (or NCHW), dy: [B, OH, OW, Co] (or NCHW); result [fh, fw, Ci, Co].
 */
export function conv2dFilterGradWasm(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, geometry: FilterGradGeometry): TensorInfo {
  const channelsLast = geometry.dataFormat !== 'NCHW'
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    geometry.filterShape,
    geometry.strides,
    geometry.dilations,
    geometry.pad,
    geometry.dimRoundingMode,
    false,
    channelsLast ? 'channelsLast' : 'channelsFirst',
  )
  // Our SIMD kernel where it serves (stride 1, NHWC, output channels in multiples of 8): no transposes, no packing.
  const direct = simdFilterGrad(backend, x, dy, info)
  if (direct) return direct
  const rows = planFilterGradAxis(info.inHeight, info.padInfo.top, info.strideHeight, info.dilationHeight, info.filterHeight, info.outHeight)
  const cols = planFilterGradAxis(info.inWidth, info.padInfo.left, info.strideWidth, info.dilationWidth, info.filterWidth, info.outWidth)
  const owned: TensorInfo[] = []
  try {
    // x -> [Ci, H, W, B]: the batch becomes the channels that the gradient convolution sums over.
    let xt = callWasmKernel(backend, Transpose, { x }, { perm: channelsLast ? [3, 1, 2, 0] : [1, 2, 3, 0] })
    owned.push(xt)
    if (rows.keep < info.inHeight || cols.keep < info.inWidth) {
      xt = callWasmKernel(backend, Slice, { x: xt }, { begin: [0, 0, 0, 0], size: [info.inChannels, rows.keep, cols.keep, info.batchSize] })
      owned.push(xt)
    }
    // dy -> [OH, OW, B, Co]: a filter whose input channels are the batch.
    const dyt = callWasmKernel(backend, Transpose, { x: dy }, { perm: channelsLast ? [1, 2, 0, 3] : [2, 3, 0, 1] })
    owned.push(dyt)
    const pad: backend_util.ExplicitPadding = [
      [0, 0],
      [rows.padBefore, rows.padAfter],
      [cols.padBefore, cols.padAfter],
      [0, 0],
    ]
    const grad = callWasmKernel(backend, Conv2D, { x: xt, filter: dyt }, {
      strides: [rows.stride, cols.stride],
      dilations: [rows.dilation, cols.dilation],
      pad,
      dataFormat: 'NHWC',
    })
    owned.push(grad)
    // [Ci, fh, fw, Co] -> [fh, fw, Ci, Co]
    return callWasmKernel(backend, Transpose, { x: grad }, { perm: [1, 2, 0, 3] })
  } finally {
    release(backend, ...owned)
  }
}

const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as unknown as { x: TensorInfo; dy: TensorInfo }
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs
  const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v)
  return conv2dFilterGradWasm(backend as BackendWasm, x, dy, {
    filterShape,
    strides: pair(strides),
    dilations: [1, 1],
    pad,
    dimRoundingMode,
    dataFormat,
  })
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter,
}

/**
 * The filter gradient with dilations, which TF.js's Conv2DBackpropFilter cannot express: what the dilated
 * convolutions' gradient (backend-gradients.ts) asks of the wasm backend, NHWC.
 */
export const dilatedFilterGradKernel = 'PerceptConv2DFilterGradDilated'

export interface DilatedFilterGradAttrs {
  filterShape: [number, number, number, number]
  strides: [number, number]
  dilations: [number, number]
  pad: FilterGradGeometry['pad']
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
}

export const dilatedFilterGradConfig: KernelConfig = {
  kernelName: dilatedFilterGradKernel,
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs as unknown as { x: TensorInfo; dy: TensorInfo }
    return conv2dFilterGradWasm(backend as BackendWasm, x, dy, { ...(attrs as unknown as DilatedFilterGradAttrs), dataFormat: 'NHWC' })
  },
}
