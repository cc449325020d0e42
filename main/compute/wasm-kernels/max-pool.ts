import {
  backend_util,
  type KernelConfig,
  type KernelFunc,
  MaxPool3D,
  type MaxPool3DAttrs,
  MaxPool3DGrad,
  type MaxPool3DGradAttrs,
  MaxPoolGrad,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { heapView } from './kernel-calls'

/*
 * MaxPool3D, MaxPoolGrad and MaxPool3DGrad, replacing the wasm backend's own: in tfjs-backend-wasm 4.22 both
 * lose the gradient of every window whose maximum is negative (all windows of a negative input;
 * 2-D also misplaces others), so max-pooling layers trained on wasm got wrong gradients. Each
 * window's gradient goes to its first maximal input, as on the cpu backend. Direct loops over the
 * wasm heap in JavaScript (pooling gradients are cheap next to convolutions).
 */

interface PoolGeometry {
  batch: number
  channels: number
  inSizes: number[]
  outSizes: number[]
  filter: number[]
  strides: number[]
  padsBefore: number[]
}

/**
 * Visits every output position's window and hands `visit` each channel's maximum and the flat input
 * index of its first maximal input (-1 for a window wholly in the padding), as the cpu backend pools.
 */
function scanWindows(x: ArrayLike<number>, g: PoolGeometry, visit: (outFlat: number, best: Float64Array, where: Int32Array) => void): void {
  const rank = g.inSizes.length
  const C = g.channels
  const inCount = g.inSizes.reduce((a, b) => a * b, 1)
  const outCount = g.outSizes.reduce((a, b) => a * b, 1)
  const windowCount = g.filter.reduce((a, b) => a * b, 1)
  const best = new Float64Array(C)
  const where = new Int32Array(C)
  const outIndex = new Array<number>(rank).fill(0)
  const offset = new Array<number>(rank).fill(0)
  for (let b = 0; b < g.batch; b++) {
    for (let o = 0; o < outCount; o++) {
      // multi-index of output position o
      for (let r = rank - 1, rest = o; r >= 0; r--) {
        outIndex[r] = rest % g.outSizes[r]!
        rest = Math.floor(rest / g.outSizes[r]!)
      }
      best.fill(-Infinity)
      where.fill(-1)
      for (let w = 0; w < windowCount; w++) {
        let flat = 0
        let inside = true
        for (let r = rank - 1, rest = w, scale = 1; r >= 0; r--) {
          offset[r] = rest % g.filter[r]!
          rest = Math.floor(rest / g.filter[r]!)
          const i = outIndex[r]! * g.strides[r]! + offset[r]! - g.padsBefore[r]!
          if (i < 0 || i >= g.inSizes[r]!) {
            inside = false
            break
          }
          flat += i * scale
          scale *= g.inSizes[r]!
        }
        if (!inside) continue
        const base = (b * inCount + flat) * C
        for (let c = 0; c < C; c++) {
          const v = x[base + c]!
          if (v > best[c]! || where[c] === -1) {
            best[c] = v
            where[c] = base + c
          }
        }
      }
      visit((b * outCount + o) * C, best, where)
    }
  }
}

function maxPoolGradNd(backend: BackendWasm, dy: TensorInfo, input: TensorInfo, g: PoolGeometry): TensorInfo {
  const out = backend.makeOutput(input.shape, 'float32')
  const dx = new Float64Array(input.shape.reduce((a, b) => a * b, 1))
  const dyv = heapView(backend, dy)
  scanWindows(heapView(backend, input), g, (dyBase, _best, where) => {
    for (let c = 0; c < g.channels; c++) if (where[c]! >= 0) dx[where[c]!]! += dyv[dyBase + c]!
  })
  heapView(backend, out).set(dx)
  return out
}

/** 3-D pooling geometry of `input` (NDHWC) as TF.js computes it. */
function pool3dGeometry(input: TensorInfo, attrs: MaxPool3DAttrs | MaxPool3DGradAttrs): PoolGeometry & { outShape: number[] } {
  const { filterSize, strides, pad, dimRoundingMode } = attrs
  const info = backend_util.computePool3DInfo(input.shape as [number, number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode)
  return {
    batch: info.batchSize,
    channels: info.inChannels,
    inSizes: [info.inDepth, info.inHeight, info.inWidth],
    outSizes: [info.outDepth, info.outHeight, info.outWidth],
    filter: [info.filterDepth, info.filterHeight, info.filterWidth],
    strides: [info.strideDepth, info.strideHeight, info.strideWidth],
    padsBefore: [info.padInfo.front, info.padInfo.top, info.padInfo.left],
    outShape: info.outShape,
  }
}

/** MaxPool3D: tfjs-backend-wasm 4.22 starts each window at the smallest positive float, not -Infinity, so a window of negative values pools to about 0. */
const maxPool3d: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as unknown as { x: TensorInfo }
  const g = pool3dGeometry(x, attrs as unknown as MaxPool3DAttrs)
  const wasm = backend as BackendWasm
  const out = wasm.makeOutput(g.outShape, 'float32')
  const y = heapView(wasm, out)
  scanWindows(heapView(wasm, x), g, (outBase, best) => {
    for (let c = 0; c < g.channels; c++) y[outBase + c] = best[c]!
  })
  return out
}

const maxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as unknown as { dy: TensorInfo; input: TensorInfo }
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode)
  return maxPoolGradNd(backend as BackendWasm, dy, input, {
    batch: info.batchSize,
    channels: info.inChannels,
    inSizes: [info.inHeight, info.inWidth],
    outSizes: [info.outHeight, info.outWidth],
    filter: [info.filterHeight, info.filterWidth],
    strides: [info.strideHeight, info.strideWidth],
    padsBefore: [info.padInfo.top, info.padInfo.left],
  })
}

const maxPool3dGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as unknown as { dy: TensorInfo; input: TensorInfo }
  return maxPoolGradNd(backend as BackendWasm, dy, input, pool3dGeometry(input, attrs as unknown as MaxPool3DGradAttrs))
}

export const maxPoolGradConfig: KernelConfig = { kernelName: MaxPoolGrad, backendName: 'wasm', kernelFunc: maxPoolGrad }
export const maxPool3dGradConfig: KernelConfig = { kernelName: MaxPool3DGrad, backendName: 'wasm', kernelFunc: maxPool3dGrad }
export const maxPool3dConfig: KernelConfig = { kernelName: MaxPool3D, backendName: 'wasm', kernelFunc: maxPool3d }
