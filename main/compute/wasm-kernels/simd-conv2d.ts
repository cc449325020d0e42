import {
  backend_util,
  Conv2D,
  type Conv2DAttrs,
  FusedConv2D,
  type FusedConv2DAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import '@tensorflow/tfjs-backend-wasm' // registers the stock kernels we fall back to
import { heapView, padOrCrop, Scratch, stockKernel } from './kernel-calls'
import { heapAddress, type SimdRunner, simdRunner } from './simd-runner'
import { winogradFilter, winogradPlanes, winogradScratchFloats, winogradTiles } from './winograd'

/*
 * Conv2D and FusedConv2D (bias, ReLU) by our own wasm SIMD kernel (simd/conv2d-forward.wat, run by
 * simd-runner.ts on TF.js's heap) where it serves: NHWC float32, stride 1 (any dilation and padding),
 * output channels a multiple of 8, no activation or ReLU. Idle, batch 32 x 64 x 41, 32 -> 32 channels:
 * 23.6 ms against XNNPACK's 27.0 (66 against 57 GFLOP/s; wasm SIMD's mul+add peak is about 117 on two
 * threads). The two threads share the output rows. The input is padded first
 * (one copy) where the convolution pads. Everything else goes to the stock kernels, which are also what
 * the gradients' own compositions get for the geometries this does not serve.
 *
 * 3x3 filters with input channels in fours go by Winograd's F(4x4, 3x3) instead
 * (simd/conv2d-winograd.wat): 4x fewer multiplications, for a transform of the filter here and small
 * transforms around the products in the kernel, which also reads x where it is (the padding as zeros,
 * no padded copy). Batch 32 x 64 x 41, dilation 2, kernel alone: 32 -> 32 channels about 11 ms against
 * 16 by F(2x2, 3x3) and 24 directly (64 -> 64 channels: about 38 ms). These convolutions are the
 * forward pass and the input gradient of every 3x3 layer, so training steps gain most.
 */

const stockConv2D = stockKernel(Conv2D)
const stockFusedConv2D = stockKernel(FusedConv2D)

function servesGeometry(info: backend_util.Conv2DInfo): boolean {
  return info.dataFormat === 'channelsLast' && info.strideHeight === 1 && info.strideWidth === 1 && info.outChannels % 8 === 0
}

/** y = act(conv2d(x, filter) + bias) for NHWC x, or null where the kernel does not serve (see above). */
export function simdConv2d(backend: BackendWasm, x: TensorInfo, filter: TensorInfo, bias: TensorInfo | null, info: backend_util.Conv2DInfo, relu: boolean): TensorInfo | null {
  if (!servesGeometry(info) || x.dtype !== 'float32' || filter.dtype !== 'float32') return null
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== info.outChannels)) return null
  const runner = simdRunner(backend)
  if (!runner) return null
  if (convolutionByWinograd(info)) return winogradConv2d(backend, runner, x, filter, bias, info, relu)
  const { top, bottom, left, right } = info.padInfo
  const s = new Scratch(backend)
  try {
    const padded = top || bottom || left || right ? padOrCrop(s, x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x
    const [, hp, wp] = padded.shape as [number, number, number, number]
    const out = backend.makeOutput(info.outShape, 'float32')
    // A filter row's taps as one run of the kernel's inner loop, where they are contiguous (see the .wat).
    const mergeRow = info.dilationWidth === 1
    const [xAt, wAt, yAt] = [heapAddress(backend, padded.dataId), heapAddress(backend, filter.dataId), heapAddress(backend, out.dataId)]
    const biasAt = bias ? heapAddress(backend, bias.dataId) : 0
    runner.run(
      'conv2dForward',
      (ohFrom, ohTo) => [
        xAt, wAt, biasAt, yAt,
        info.batchSize, hp, wp, info.inChannels, info.outChannels,
        info.filterHeight, mergeRow ? 1 : info.filterWidth, info.dilationHeight, info.dilationWidth, info.outHeight, info.outWidth,
        ohFrom, ohTo, relu ? 1 : 0, mergeRow ? info.filterWidth * info.inChannels : info.inChannels,
      ],
      info.outHeight,
      1,
    )
    return out
  } finally {
    s.release()
  }
}

/**
 * 3x3 filters with input channels in fours (see simd/conv2d-winograd.wat): from 4 on the transforms pay,
 * 4 -> 32 channels at batch 32 x 64 x 41 taking 3.4 ms against the direct kernel's 5.5.
 */
export function convolutionByWinograd(info: backend_util.Conv2DInfo): boolean {
  return info.filterHeight === 3 && info.filterWidth === 3 && info.inChannels % 4 === 0
}

function winogradConv2d(backend: BackendWasm, runner: SimdRunner, x: TensorInfo, filter: TensorInfo, bias: TensorInfo | null, info: backend_util.Conv2DInfo, relu: boolean): TensorInfo {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, dilationHeight: dh, dilationWidth: dw, inChannels: Ci, outChannels: Co } = info
  const s = new Scratch(backend)
  try {
    const u = s.adopt(backend.makeOutput([winogradPlanes, Ci, Co], 'float32'))
    const perThread = winogradScratchFloats(OW, dw, Ci, Co)
    const scratch = s.adopt(backend.makeOutput([runner.threads * perThread], 'float32'))
    const out = backend.makeOutput(info.outShape, 'float32')
    // Views after the last allocation: allocating may grow the heap, which detaches earlier views.
    winogradFilter(heapView(backend, filter) as Float32Array, Ci * Co, heapView(backend, u) as Float32Array)
    const [xAt, uAt, yAt, scratchAt] = [x, u, out, scratch].map((t) => heapAddress(backend, t.dataId)) as [number, number, number, number]
    const biasAt = bias ? heapAddress(backend, bias.dataId) : 0
    runner.run(
      'conv2dWinograd',
      (from, to) => [
        xAt, uAt, biasAt, yAt, scratchAt + (from === 0 ? 0 : 4 * perThread),
        H, W, Ci, Co, dh, dw, OH, OW, info.padInfo.top, info.padInfo.left, from, to, relu ? 1 : 0,
      ],
      info.batchSize * winogradTiles(OH, dh),
      1,
    )
    return out
  } finally {
    s.release()
  }
}

function infoOf(x: TensorInfo, filter: TensorInfo, a: Conv2DAttrs): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    a.strides,
    a.dilations,
    a.pad,
    a.dimRoundingMode,
    false,
    a.dataFormat === 'NCHW' ? 'channelsFirst' : 'channelsLast',
  )
}

const conv2d: KernelFunc = (args) => {
  const { x, filter } = args.inputs as unknown as { x: TensorInfo; filter: TensorInfo }
  const out = simdConv2d(args.backend as BackendWasm, x, filter, null, infoOf(x, filter, args.attrs as unknown as Conv2DAttrs), false)
  return out ?? stockConv2D.fallBack(args)
}

const fusedConv2d: KernelFunc = (args) => {
  const { x, filter, bias, preluActivationWeights } = args.inputs as unknown as { x: TensorInfo; filter: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo }
  const a = args.attrs as unknown as FusedConv2DAttrs
  const activation = a.activation ?? 'linear'
  if ((activation === 'linear' || activation === 'relu') && !preluActivationWeights) {
    const out = simdConv2d(args.backend as BackendWasm, x, filter, bias ?? null, infoOf(x, filter, a), activation === 'relu')
    if (out) return out
  }
  return stockFusedConv2D.fallBack(args)
}

export const conv2dConfig: KernelConfig = stockConv2D.replaceWith(conv2d)
export const fusedConv2dConfig: KernelConfig = stockFusedConv2D.replaceWith(fusedConv2d)
