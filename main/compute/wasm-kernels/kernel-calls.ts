import { getKernel, type KernelConfig, type KernelFunc, type NamedAttrMap, type NamedTensorInfoMap, PadV2, Reshape, Slice, type TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

/**
 * Runs another wasm kernel from inside a kernel, the way the wasm backend's own kernels compose:
 * straight through the kernel registry, so nothing is recorded on the gradient tape and no tensor
 * objects are made. Every TensorInfo returned owns one reference; pass it to `release` when done.
 */
export function callWasmKernel(backend: BackendWasm, kernelName: string, inputs: NamedTensorInfoMap, attrs: object = {}): TensorInfo {
  const kernel = getKernel(kernelName, 'wasm')
  if (!kernel) throw new Error(`The wasm backend has no ${kernelName} kernel to build on.`)
  const out = kernel.kernelFunc({ inputs, backend, attrs: attrs as unknown as NamedAttrMap })
  if (Array.isArray(out)) throw new Error(`${kernelName} returned several outputs where one was expected.`)
  return out
}

/**
 * The stock wasm kernel `kernelName` as registered now (call it at module load, before ours replaces
 * it): `fallBack` runs it, with a clear error where this backend has none; `replaceWith` is the
 * registration of our kernel in its place, keeping its setup, which binds the wasm functions it calls.
 */
export function stockKernel(kernelName: string): { fallBack: KernelFunc; replaceWith: (kernelFunc: KernelFunc) => KernelConfig } {
  const stock = getKernel(kernelName, 'wasm')
  return {
    fallBack: (args) => {
      if (!stock) throw new Error(`The wasm backend has no ${kernelName} kernel to fall back to.`)
      return stock.kernelFunc(args)
    },
    replaceWith: (kernelFunc) => ({ kernelName, backendName: 'wasm', kernelFunc, ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}) }),
  }
}

/** Drops the references `callWasmKernel` handed out. */
export function release(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId)
}

/** A view of a tensor's values in the wasm heap (no copy); valid until the heap grows. */
export function heapView(backend: BackendWasm, info: TensorInfo): Float32Array | Int32Array {
  const view = backend.typedArrayFromHeap(info)
  if (!(view instanceof Float32Array || view instanceof Int32Array)) throw new Error(`Unsupported dtype ${info.dtype}.`)
  return view
}

/** A small arena for composing kernels: every intermediate goes in, all are released at the end. */
export class Scratch {
  private readonly owned: TensorInfo[] = []
  constructor(readonly backend: BackendWasm) {}

  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: object = {}): TensorInfo {
    const out = callWasmKernel(this.backend, kernelName, inputs, attrs)
    this.owned.push(out)
    return out
  }

  /** Takes ownership of a TensorInfo made elsewhere, so `release` frees it too. */
  adopt(info: TensorInfo): TensorInfo {
    this.owned.push(info)
    return info
  }

  release(): void {
    release(this.backend, ...this.owned)
  }
}

/** Pads (positive) or crops (negative) the given before/after amounts of every axis. */
export function padOrCrop(s: Scratch, t: TensorInfo, amounts: [number, number][]): TensorInfo {
  let out = t
  if (amounts.some(([a, b]) => a < 0 || b < 0)) {
    const begin = amounts.map(([a]) => Math.max(0, -a))
    const size = amounts.map(([a, b], i) => t.shape[i]! - Math.max(0, -a) - Math.max(0, -b))
    out = s.run(Slice, { x: out }, { begin, size })
  }
  if (amounts.some(([a, b]) => a > 0 || b > 0)) {
    out = s.run(PadV2, { x: out }, { paddings: amounts.map(([a, b]) => [Math.max(0, a), Math.max(0, b)]), constantValue: 0 })
  }
  return out
}

/** Puts `stride - 1` zeros after every element along `axis` (the spread-out dy of a strided convolution). */
export function insertZeros(s: Scratch, t: TensorInfo, axis: number, stride: number): TensorInfo {
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
