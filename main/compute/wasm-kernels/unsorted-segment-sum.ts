import { type KernelConfig, type KernelFunc, UnsortedSegmentSum, type UnsortedSegmentSumAttrs, type TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { heapView } from './kernel-calls'

/**
 * out[s, ...] = sum of x[i, ...] over every i with segmentIds[i] = s (ids outside
 * [0, numSegments) are dropped, as in TensorFlow). The gradient of gather (embedding layers)
 * needs it. One pass in JavaScript over the wasm heap; no copy to another backend.
 */
const unsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm
  const { x, segmentIds } = inputs as unknown as { x: TensorInfo; segmentIds: TensorInfo }
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs
  const rows = segmentIds.shape.reduce((a, b) => a * b, 1)
  const inner = rows === 0 ? 0 : x.shape.reduce((a, b) => a * b, 1) / rows
  const out = wasm.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype)
  const sum = new Float64Array(numSegments * inner)
  const xv = heapView(wasm, x)
  const ids = heapView(wasm, segmentIds)
  for (let i = 0; i < rows; i++) {
    const s = ids[i]!
    if (s < 0 || s >= numSegments) continue
    for (let j = 0; j < inner; j++) sum[s * inner + j]! += xv[i * inner + j]!
  }
  heapView(wasm, out).set(sum)
  return out
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
}
