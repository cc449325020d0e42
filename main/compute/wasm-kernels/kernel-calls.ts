import { getKernel, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core'
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
