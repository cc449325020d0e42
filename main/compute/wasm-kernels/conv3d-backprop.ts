import {
  backend_util,
  Conv3D,
  Conv3DBackpropFilterV2,
  type Conv3DBackpropFilterV2Attrs,
  Conv3DBackpropInputV2,
  type Conv3DBackpropInputV2Attrs,
  type KernelConfig,
  type KernelFunc,
  PadV2,
  Reshape,
  Reverse,
  Slice,
  type TensorInfo,
  Transpose,
} from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { planFilterGradAxis } from './filter-grad-plan'
import { callWasmKernel, release } from './kernel-calls'

/*
 * Conv3DBackpropInputV2 and Conv3DBackpropFilterV2, replacing the wasm backend's own: in
 * tfjs-backend-wasm 4.22 the input gradient is wrong for every geometry we tried and the filter
 * gradient is wrong whenever the stride is above 1 (checked against the cpu backend and a
 * brute-force reference; see test/unit/compute/conv-kernels.test.ts). So conv3d layers trained
 * wrong on wasm, and conv3dTranspose (whose forward pass is Conv3DBackpropInputV2) was wrong even
 * at inference. Both are rebuilt from the wasm Conv3D kernel, which is right, as in
 * filter-grad-plan.ts. NDHWC only, like every 3-D kernel of the wasm backend.
 */

type Five = [number, number, number, number, number]
const triple = (v: number | number[]): [number, number, number] => (typeof v === 'number' ? [v, v, v] : [v[0]!, v[1]!, v[2]!])

/** A small arena: every intermediate goes in, all are released at the end. */
class Scratch {
  private readonly owned: TensorInfo[] = []
  constructor(readonly backend: BackendWasm) {}
  run(kernel: string, inputs: Record<string, TensorInfo>, attrs: object): TensorInfo {
    const out = callWasmKernel(this.backend, kernel, inputs, attrs)
    this.owned.push(out)
    return out
  }
  release(): void {
    release(this.backend, ...this.owned)
  }
}

/** Pads (positive) or crops (negative) the given before/after amounts of every axis. */
function padOrCrop(s: Scratch, t: TensorInfo, amounts: [number, number][]): TensorInfo {
  let out = t
  if (amounts.some(([a, b]) => a < 0 || b < 0)) {
    const begin = amounts.map(([a]) => Math.max(0, -a))
    const size = amounts.map(([a, b], i) => out.shape[i]! - Math.max(0, -a) - Math.max(0, -b))
    out = s.run(Slice, { x: out }, { begin, size })
  }
  if (amounts.some(([a, b]) => a > 0 || b > 0)) {
    out = s.run(PadV2, { x: out }, { paddings: amounts.map(([a, b]) => [Math.max(0, a), Math.max(0, b)]), constantValue: 0 })
  }
  return out
}

/** Puts `stride - 1` zeros after every element along `axis` (the "dilated" dy of a strided convolution). */
function insertZeros(s: Scratch, t: TensorInfo, axis: number, stride: number): TensorInfo {
  if (stride === 1) return t
  const pre = t.shape.slice(0, axis).reduce((a, b) => a * b, 1)
  const n = t.shape[axis]!
  const post = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1)
  const r = s.run(Reshape, { x: t }, { shape: [pre, n, 1, post] })
  const p = s.run(PadV2, { x: r }, { paddings: [[0, 0], [0, 0], [0, stride - 1], [0, 0]], constantValue: 0 })
  const shape = [...t.shape]
  shape[axis] = n * stride
  return s.run(Reshape, { x: p }, { shape })
}

const conv3dBackpropInput: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as unknown as { dy: TensorInfo; filter: TensorInfo }
  const { strides, pad, inputShape } = attrs as unknown as Conv3DBackpropInputV2Attrs
  const info = backend_util.computeConv3DInfo(inputShape, filter.shape as Five, strides, 1, pad)
  const s = new Scratch(backend as BackendWasm)
  try {
    const st = triple(strides)
    let d = dy
    for (let axis = 1; axis <= 3; axis++) d = insertZeros(s, d, axis, st[axis - 1]!)
    const sizes = [info.inDepth, info.inHeight, info.inWidth]
    const filters = [info.filterDepth, info.filterHeight, info.filterWidth]
    const before = [info.padInfo.front, info.padInfo.top, info.padInfo.left]
    const amounts: [number, number][] = [[0, 0]]
    for (let i = 0; i < 3; i++) {
      const padBefore = filters[i]! - 1 - before[i]!
      amounts.push([padBefore, sizes[i]! + filters[i]! - 1 - padBefore - d.shape[i + 1]!])
    }
    amounts.push([0, 0])
    const padded = padOrCrop(s, d, amounts)
    const reversed = s.run(Reverse, { x: filter }, { dims: [0, 1, 2] })
    const flipped = s.run(Transpose, { x: reversed }, { perm: [0, 1, 2, 4, 3] })
    return callWasmKernel(s.backend, Conv3D, { x: padded, filter: flipped }, { strides: [1, 1, 1], pad: 'valid', dilations: [1, 1, 1], dataFormat: 'NDHWC' })
  } finally {
    s.release()
  }
}

const conv3dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as unknown as { x: TensorInfo; dy: TensorInfo }
  const { strides, pad, filterShape } = attrs as unknown as Conv3DBackpropFilterV2Attrs
  const info = backend_util.computeConv3DInfo(x.shape as Five, filterShape, strides, 1, pad)
  const axes = [
    planFilterGradAxis(info.inDepth, info.padInfo.front, info.strideDepth, 1, info.filterDepth, info.outDepth),
    planFilterGradAxis(info.inHeight, info.padInfo.top, info.strideHeight, 1, info.filterHeight, info.outHeight),
    planFilterGradAxis(info.inWidth, info.padInfo.left, info.strideWidth, 1, info.filterWidth, info.outWidth),
  ]
  const s = new Scratch(backend as BackendWasm)
  try {
    // x -> [Ci, D, H, W, B], cropped to what the forward pass read, then padded as it was.
    const xt = s.run(Transpose, { x }, { perm: [4, 1, 2, 3, 0] })
    const cropped = padOrCrop(s, xt, [[0, 0], ...axes.map((a) => [0, a.keep - xt.shape[axes.indexOf(a) + 1]!] as [number, number]), [0, 0]])
    const padded = padOrCrop(s, cropped, [[0, 0], ...axes.map((a) => [a.padBefore, a.padAfter] as [number, number]), [0, 0]])
    const dyt = s.run(Transpose, { x: dy }, { perm: [1, 2, 3, 0, 4] })
    const grad = s.run(Conv3D, { x: padded, filter: dyt }, {
      strides: axes.map((a) => a.stride),
      pad: 'valid',
      dilations: axes.map((a) => a.dilation),
      dataFormat: 'NDHWC',
    })
    return callWasmKernel(s.backend, Transpose, { x: grad }, { perm: [1, 2, 3, 0, 4] })
  } finally {
    s.release()
  }
}

export const conv3dBackpropInputConfig: KernelConfig = { kernelName: Conv3DBackpropInputV2, backendName: 'wasm', kernelFunc: conv3dBackpropInput }
export const conv3dBackpropFilterConfig: KernelConfig = { kernelName: Conv3DBackpropFilterV2, backendName: 'wasm', kernelFunc: conv3dBackpropFilter }
