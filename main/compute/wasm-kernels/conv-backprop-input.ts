import {
  backend_util,
  Conv2D,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  Conv3D,
  Conv3DBackpropInputV2,
  type Conv3DBackpropInputV2Attrs,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  Reverse,
  type TensorInfo,
  Transpose,
} from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import '@tensorflow/tfjs-backend-wasm' // registers the stock kernels, one of which we keep for NCHW
import { callWasmKernel, insertZeros, padOrCrop, Scratch } from './kernel-calls'

/*
 * The input gradient of a convolution (also the forward pass of conv2dTranspose/conv3dTranspose)
 * as a forward convolution: spread dy out by the stride (zeros between its elements), pad it by
 * filter - 1 - padBefore, and convolve with the filter flipped in space, in/out channels swapped.
 *
 * - Conv3DBackpropInputV2 replaces the wasm backend's own, which in tfjs-backend-wasm 4.22 is wrong
 *   for every geometry we tried (so conv3d layers trained wrong on wasm, and conv3dTranspose was
 *   wrong even at inference). The wasm Conv3D kernel it is built on is right.
 * - Conv2DBackpropInput replaces the wasm backend's own (right, but a plain loop: 790 ms against
 *   about 80 ms through XNNPACK for dy 32x64x41x32, filter 3x3x32x32). NCHW still goes to the stock kernel.
 */

interface Geometry {
  inSizes: number[]
  filterSizes: number[]
  strides: number[]
  padsBefore: number[]
}

function backpropInputViaConv(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, g: Geometry, conv: string): TensorInfo {
  const rank = g.inSizes.length
  const s = new Scratch(backend)
  try {
    let spread = dy
    for (let axis = 1; axis <= rank; axis++) spread = insertZeros(s, spread, axis, g.strides[axis - 1]!)
    const amounts: [number, number][] = [[0, 0]]
    for (let i = 0; i < rank; i++) {
      const before = g.filterSizes[i]! - 1 - g.padsBefore[i]!
      amounts.push([before, g.inSizes[i]! + g.filterSizes[i]! - 1 - before - spread.shape[i + 1]!])
    }
    amounts.push([0, 0])
    const padded = padOrCrop(s, spread, amounts)
    const spatial = Array.from({ length: rank }, (_, i) => i)
    const reversed = s.run(Reverse, { x: filter }, { dims: spatial })
    const flipped = s.run(Transpose, { x: reversed }, { perm: [...spatial, rank + 1, rank] })
    const ones = new Array<number>(rank).fill(1)
    return callWasmKernel(backend, conv, { x: padded, filter: flipped }, { strides: ones, pad: 'valid', dilations: ones, dataFormat: rank === 2 ? 'NHWC' : 'NDHWC' })
  } finally {
    s.release()
  }
}

const stockConv2DBackpropInput = getKernel(Conv2DBackpropInput, 'wasm')

const conv2dBackpropInput: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args
  const { dy, filter } = inputs as unknown as { dy: TensorInfo; filter: TensorInfo }
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs
  if (dataFormat === 'NCHW') {
    if (!stockConv2DBackpropInput) throw new Error('Conv2DBackpropInput: NCHW is not supported on wasm')
    return stockConv2DBackpropInput.kernelFunc(args)
  }
  const info = backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode)
  return backpropInputViaConv(backend as BackendWasm, dy, filter, {
    inSizes: [info.inHeight, info.inWidth],
    filterSizes: [info.filterHeight, info.filterWidth],
    strides: [info.strideHeight, info.strideWidth],
    padsBefore: [info.padInfo.top, info.padInfo.left],
  }, Conv2D)
}

const conv3dBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as unknown as { dy: TensorInfo; filter: TensorInfo }
  const { strides, pad, inputShape } = attrs as unknown as Conv3DBackpropInputV2Attrs
  const info = backend_util.computeConv3DInfo(inputShape, filter.shape as [number, number, number, number, number], strides, 1, pad)
  return backpropInputViaConv(backend as BackendWasm, dy, filter, {
    inSizes: [info.inDepth, info.inHeight, info.inWidth],
    filterSizes: [info.filterDepth, info.filterHeight, info.filterWidth],
    strides: [info.strideDepth, info.strideHeight, info.strideWidth],
    padsBefore: [info.padInfo.front, info.padInfo.top, info.padInfo.left],
  }, Conv3D)
}

export const conv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput,
  // the stock kernel's setup, so its NCHW path still works
  ...(stockConv2DBackpropInput?.setupFunc ? { setupFunc: stockConv2DBackpropInput.setupFunc } : {}),
}

export const conv3dBackpropInputConfig: KernelConfig = { kernelName: Conv3DBackpropInputV2, backendName: 'wasm', kernelFunc: conv3dBackpropInput }
