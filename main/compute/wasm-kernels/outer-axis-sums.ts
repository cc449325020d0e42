import { type KernelConfig, type KernelFunc, Mean, Sum, type SumAttrs, type TensorInfo, util } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import '@tensorflow/tfjs-backend-wasm' // registers the stock kernels we fall back to
import { stockKernel } from './kernel-calls'
import { heapAddress, simdRunner } from './simd-runner'

/*
 * Sum and Mean over a run of axes that does not end at the innermost one: the bias gradient of a
 * convolution (NHWC dy over batch, height and width) and global average pooling (over height and
 * width). The stock wasm kernels transpose the reduced axes innermost first, a full copy of the
 * tensor in a slow gather; this loop reads it once, in order, accumulating in float64. Measured on
 * the 2-core machine under load, dy 32x64x41x64 over axes 0-2: 25-30 ms stock, 12-16 ms here (a
 * matmul with a ones vector through XNNPACK: 70 ms, packing dy as weights). Where the inner size is a
 * multiple of 4, our SIMD kernel does the same sums on two threads (sumWithSimd): dy 32x64x41x32 over
 * axes 0-2 (a bias gradient) or 1-2 (global average pooling) in about 0.4 ms each. Every other case
 * (innermost axes, scattered axes, other dtypes) goes to the stock kernel.
 */

/** The tensor as [outer, reduced, inner] when `axes` is one contiguous run with axes after it; else null. */
export function outerAxisSplit(shape: readonly number[], axes: readonly number[]): { outer: number; reduced: number; inner: number } | null {
  if (axes.length === 0) return null
  const sorted = [...new Set(axes)].sort((a, b) => a - b)
  const first = sorted[0]!
  const last = sorted[sorted.length - 1]!
  if (last - first + 1 !== sorted.length || last >= shape.length - 1) return null
  const size = (from: number, to: number): number => shape.slice(from, to).reduce((a, b) => a * b, 1)
  return { outer: size(0, first), reduced: size(first, last + 1), inner: size(last + 1, shape.length) }
}

function reduceOuterAxes(backend: BackendWasm, x: TensorInfo, axes: number[], keepDims: boolean, scale: number): TensorInfo | null {
  if (x.dtype !== 'float32') return null
  const split = outerAxisSplit(x.shape, axes)
  if (!split) return null
  const { outer, reduced, inner } = split
  const outShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d)).filter((_, i) => keepDims || !axes.includes(i))
  const out = backend.makeOutput(outShape, 'float32')
  if (inner % 4 === 0 && sumWithSimd(backend, x, out, split, scale)) return out
  // Views after makeOutput: allocating can grow the heap, which detaches earlier views.
  const src = backend.typedArrayFromHeap(x) as Float32Array
  const dst = backend.typedArrayFromHeap(out) as Float32Array
  const acc = new Float64Array(inner)
  for (let o = 0; o < outer; o++) {
    acc.fill(0)
    let at = o * reduced * inner
    for (let r = 0; r < reduced; r++, at += inner) {
      for (let i = 0; i < inner; i++) acc[i]! += src[at + i]!
    }
    for (let i = 0; i < inner; i++) dst[o * inner + i] = acc[i]! * scale
  }
  return out
}

/**
 * The same sums by our SIMD kernel (simd/sum-rows.wat, float64 accumulators) on two threads: over half the
 * rows each, into its own accumulators, where there is one slice (a bias gradient); else half the slices
 * each (global average pooling: one an image). False where the kernels cannot run (the loop above serves).
 */
function sumWithSimd(backend: BackendWasm, x: TensorInfo, out: TensorInfo, split: { outer: number; reduced: number; inner: number }, scale: number): boolean {
  const runner = simdRunner(backend)
  if (!runner) return false
  const { outer, reduced, inner } = split
  // float64 accumulators: one set a slice, or with one slice, one a thread (the calling thread's, then the helper's).
  const sets = outer > 1 ? outer : 2
  const scratch = backend.makeOutput([2 * sets * inner], 'float32')
  try {
    const at = heapAddress(backend, scratch.dataId)
    if (at % 8 !== 0) return false
    const xAt = heapAddress(backend, x.dataId)
    // Views after the last allocation: allocating can grow the heap, which detaches earlier views.
    const acc = new Float64Array(runner.memory.buffer, at, sets * inner)
    acc.fill(0)
    const dst = backend.typedArrayFromHeap(out) as Float32Array
    if (outer > 1) {
      runner.run('sumSlices', (from, to) => [xAt, at, inner, reduced, from, to], outer, 1)
      for (let i = 0; i < outer * inner; i++) dst[i] = acc[i]! * scale
    } else {
      runner.run('sumRows', (from, to) => [xAt, from === 0 ? at : at + 8 * inner, inner, from, to], reduced, 1)
      for (let i = 0; i < inner; i++) dst[i] = (acc[i]! + acc[inner + i]!) * scale
    }
    return true
  } finally {
    backend.disposeData(scratch.dataId)
  }
}

function withFallback(kernelName: string, mean: boolean): KernelConfig {
  const stock = stockKernel(kernelName)
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as unknown as { x: TensorInfo }
    const { axis, keepDims } = args.attrs as unknown as SumAttrs
    const axes = util.parseAxisParam(axis, x.shape)
    const split = outerAxisSplit(x.shape, axes)
    const scale = mean && split ? 1 / split.reduced : 1
    const out = reduceOuterAxes(args.backend as BackendWasm, x, axes, keepDims, scale)
    return out ?? stock.fallBack(args)
  }
  return stock.replaceWith(kernelFunc)
}

export const sumConfig = withFallback(Sum, false)
export const meanConfig = withFallback(Mean, true)
