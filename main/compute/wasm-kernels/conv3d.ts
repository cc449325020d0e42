import {
  Add,
  backend_util,
  Conv2D,
  Conv3D,
  type Conv3DAttrs,
  type KernelConfig,
  type KernelFunc,
  Reshape,
  Slice,
  StridedSlice,
  type TensorInfo,
} from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { callWasmKernel, padOrCrop, Scratch } from './kernel-calls'

/*
 * Conv3D on wasm as a sum of XNNPACK 2-D convolutions, replacing the wasm backend's own Conv3D, a
 * plain loop outside XNNPACK: 176 ms against 17 ms for x 1x32x32x32x8, filter 3x3x3x8x8, 'same'
 * (2 threads). For each depth tap kd, the depth slices that tap reads (every stride-th, starting
 * at kd * dilation) go through one conv2d with the filter's kd-th 2-D kernel, the depth slices
 * riding in the batch; the fd partial results are added. Every Conv3D-based kernel (the backprop
 * kernels of conv3d-backprop.ts and conv-backprop-input.ts) goes through it too. NDHWC only.
 */

type Five = [number, number, number, number, number]

/**
 * The input's depth slices that depth tap kd of a 3-D convolution reads, as a batch of 2-D images
 * [B * OD, H, W, Ci] (slices OD apart in the batch, one output depth each). `padded` is the input
 * padded or cropped along depth by `padDepth`.
 */
export function depthTap(s: Scratch, padded: TensorInfo, info: backend_util.Conv3DInfo, kd: number): TensorInfo {
  const { batchSize: B, outDepth: OD, strideDepth: sd, dilationDepth: dd, inChannels: Ci } = info
  const [, , H, W] = padded.shape as Five
  const start = kd * dd
  const slices =
    sd === 1
      ? s.run(Slice, { x: padded }, { begin: [0, start, 0, 0, 0], size: [B, OD, H, W, Ci] })
      : s.run(StridedSlice, { x: padded }, {
          begin: [0, start, 0, 0, 0],
          end: [B, start + (OD - 1) * sd + 1, H, W, Ci],
          strides: [1, sd, 1, 1, 1],
          beginMask: 0,
          endMask: 0,
          ellipsisMask: 0,
          newAxisMask: 0,
          shrinkAxisMask: 0,
        })
  return s.run(Reshape, { x: slices }, { shape: [B * OD, H, W, Ci] })
}

/** The input padded (or cropped) along depth to exactly the extent the convolution reads. */
export function padDepth(s: Scratch, x: TensorInfo, info: backend_util.Conv3DInfo): TensorInfo {
  const extent = (info.outDepth - 1) * info.strideDepth + (info.filterDepth - 1) * info.dilationDepth + 1
  return padOrCrop(s, x, [[0, 0], [info.padInfo.front, extent - info.padInfo.front - info.inDepth], [0, 0], [0, 0], [0, 0]])
}

/** The height/width padding of a 3-D convolution, as a 2-D convolution's explicit padding. */
export function planePadding(info: backend_util.Conv3DInfo): backend_util.ExplicitPadding {
  return [[0, 0], [info.padInfo.top, info.padInfo.bottom], [info.padInfo.left, info.padInfo.right], [0, 0]]
}

const conv3d: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, filter } = inputs as unknown as { x: TensorInfo; filter: TensorInfo }
  const { strides, pad, dilations } = attrs as unknown as Conv3DAttrs
  const info = backend_util.computeConv3DInfo(x.shape as Five, filter.shape as Five, strides, dilations, pad)
  const { batchSize: B, outDepth: OD, outHeight: OH, outWidth: OW, outChannels: Co, inChannels: Ci, filterHeight: fh, filterWidth: fw } = info
  const s = new Scratch(backend as BackendWasm)
  try {
    const padded = padDepth(s, x, info)
    let sum: TensorInfo | null = null
    for (let kd = 0; kd < info.filterDepth; kd++) {
      const tapSlice = s.run(Slice, { x: filter }, { begin: [kd, 0, 0, 0, 0], size: [1, fh, fw, Ci, Co] })
      const tap = s.run(Reshape, { x: tapSlice }, { shape: [fh, fw, Ci, Co] })
      const part = s.run(Conv2D, { x: depthTap(s, padded, info, kd), filter: tap }, {
        strides: [info.strideHeight, info.strideWidth],
        dilations: [info.dilationHeight, info.dilationWidth],
        pad: planePadding(info),
        dataFormat: 'NHWC',
      })
      sum = sum ? s.run(Add, { a: sum, b: part }) : part
    }
    return callWasmKernel(s.backend, Reshape, { x: sum! }, { shape: [B, OD, OH, OW, Co] })
  } finally {
    s.release()
  }
}

export const conv3dConfig: KernelConfig = { kernelName: Conv3D, backendName: 'wasm', kernelFunc: conv3d }
