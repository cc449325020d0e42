import {
  BatchMatMul,
  type BatchMatMulAttrs,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  Reshape,
  Slice,
  type TensorInfo,
  Transpose,
  util,
  _FusedMatMul,
  type _FusedMatMulAttrs,
} from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import '@tensorflow/tfjs-backend-wasm' // registers the stock kernels we build on
import { callWasmKernel, Scratch } from './kernel-calls'

/*
 * BatchMatMul and _FusedMatMul handed to the stock kernel only in the one layout it runs through
 * XNNPACK: one matrix pair, neither transposed. tfjs-backend-wasm 4.22 sends every other layout to a
 * plain loop, 15-25x slower (measured on the 2-core machine, [256,266] x [266,256]: 1.4 ms as x W,
 * 22 ms as dy W^T, 24 ms as x^T dy, 101 ms for four such pairs in one batch). Every dense layer's
 * gradients are of the transposed kinds, so a TTS acoustic step spent 146 of its 156 ms there. Here a
 * transposed operand is transposed first (a copy of one operand, far cheaper than the loop), a batch
 * against one shared matrix is folded into the rows, and other batches go pair by pair.
 */

const stockBatchMatMul = getKernel(BatchMatMul, 'wasm')
const stockFusedMatMul = getKernel(_FusedMatMul, 'wasm')

const batchOf = (t: TensorInfo): number => util.sizeFromShape(t.shape.slice(0, -2))
/** The product's leading (batch) axes: those of the operand with more of them. */
const outerAxes = (a: TensorInfo, b: TensorInfo): number[] => (a.shape.length >= b.shape.length ? a : b).shape.slice(0, -2)

/** `t` with its last two axes swapped, as a new tensor in `s`. */
function swapLastAxes(s: Scratch, t: TensorInfo): TensorInfo {
  const perm = t.shape.map((_, i) => i)
  const r = perm.length
  ;[perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!]
  return s.run(Transpose, { x: t }, { perm })
}

/** The operands untransposed and 3-D ([batch, rows, cols]); transposes made in `s`. */
function plainOperands(s: Scratch, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): [TensorInfo, TensorInfo] {
  const as3d = (t: TensorInfo, swap: boolean): TensorInfo => {
    const m = swap ? swapLastAxes(s, t) : t
    return s.run(Reshape, { x: m }, { shape: [batchOf(m), ...m.shape.slice(-2)] })
  }
  return [as3d(a, transposeA), as3d(b, transposeB)]
}

/**
 * a x b for 3-D, untransposed a [p, m, k] and b [q, k, n] with p and q equal or 1, through the stock
 * kernel's fast layout; the result [max(p, q), m, n] is owned by the caller.
 */
function productInFastLayout(backend: BackendWasm, s: Scratch, a: TensorInfo, b: TensorInfo, run: (a: TensorInfo, b: TensorInfo) => TensorInfo): TensorInfo {
  const [p, m, k] = a.shape as [number, number, number]
  const [q, , n] = b.shape as [number, number, number]
  if (q === 1) {
    // One shared matrix: the batch is more rows.
    const rows = s.run(Reshape, { x: a }, { shape: [1, p * m, k] })
    const product = run(rows, b)
    const out = callReshape(backend, product, [p, m, n])
    backend.disposeData(product.dataId)
    return out
  }
  const out = backend.makeOutput([Math.max(p, q), m, n], 'float32')
  for (let i = 0; i < Math.max(p, q); i++) {
    // Each pair's copies freed before the next (a long batch would otherwise hold a second copy of both).
    const pair = new Scratch(backend)
    try {
      const ai = p === 1 ? a : pair.run(Slice, { x: a }, { begin: [i, 0, 0], size: [1, m, k] })
      const bi = pair.run(Slice, { x: b }, { begin: [i, 0, 0], size: [1, k, n] })
      const product = pair.adopt(run(ai, bi))
      // Views after the allocations: allocating may grow (and so detach) the heap.
      ;(backend.typedArrayFromHeap(out) as Float32Array).set(backend.typedArrayFromHeap(product) as Float32Array, i * m * n)
    } finally {
      pair.release()
    }
  }
  return out
}

function callReshape(backend: BackendWasm, x: TensorInfo, shape: number[]): TensorInfo {
  return callWasmKernel(backend, Reshape, { x }, { shape })
}

/** Whether the stock kernel already takes its fast path, or the case is one we leave to it. */
function stockServes(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): boolean {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return true
  const p = batchOf(a)
  const q = batchOf(b)
  if (p !== q && p !== 1 && q !== 1) return true // a broadcast the stock kernel checks and reports
  return !transposeA && !transposeB && p === 1 && q === 1
}

const batchMatMul: KernelFunc = (args) => {
  if (!stockBatchMatMul) throw new Error('The wasm backend has no BatchMatMul kernel to build on.')
  const backend = args.backend as BackendWasm
  const { a, b } = args.inputs as unknown as { a: TensorInfo; b: TensorInfo }
  const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs
  if (stockServes(a, b, transposeA, transposeB)) return stockBatchMatMul.kernelFunc(args)
  const s = new Scratch(backend)
  try {
    const [a3, b3] = plainOperands(s, a, b, transposeA, transposeB)
    const attrs = { transposeA: false, transposeB: false }
    const product = productInFastLayout(backend, s, a3, b3, (x, y) => stockBatchMatMul.kernelFunc({ inputs: { a: x, b: y }, backend, attrs }) as TensorInfo)
    const out = callReshape(backend, product, [...outerAxes(a, b), ...product.shape.slice(-2)])
    backend.disposeData(product.dataId)
    return out
  } finally {
    s.release()
  }
}

/**
 * _FusedMatMul (a x b + bias, then the activation): the transposed 2-D cases, the layer gradients'
 * and tied decoders', made plain first; batched ones stay with the stock kernel (no layer we train
 * fuses a batched product).
 */
const fusedMatMul: KernelFunc = (args) => {
  if (!stockFusedMatMul) throw new Error('The wasm backend has no _FusedMatMul kernel to build on.')
  const backend = args.backend as BackendWasm
  const inputs = args.inputs as unknown as { a: TensorInfo; b: TensorInfo }
  const attrs = args.attrs as unknown as _FusedMatMulAttrs
  const { a, b } = inputs
  if (stockServes(a, b, attrs.transposeA, attrs.transposeB) || batchOf(a) !== 1 || batchOf(b) !== 1) return stockFusedMatMul.kernelFunc(args)
  const s = new Scratch(backend)
  try {
    const [a3, b3] = plainOperands(s, a, b, attrs.transposeA, attrs.transposeB)
    const out = stockFusedMatMul.kernelFunc({ ...args, inputs: { ...args.inputs, a: a3, b: b3 }, attrs: { ...attrs, transposeA: false, transposeB: false } as unknown as typeof args.attrs }) as TensorInfo
    const shaped = callReshape(backend, out, [...outerAxes(a, b), ...out.shape.slice(-2)])
    backend.disposeData(out.dataId)
    return shaped
  } finally {
    s.release()
  }
}

export const batchMatMulConfig: KernelConfig = {
  kernelName: BatchMatMul,
  backendName: 'wasm',
  kernelFunc: batchMatMul,
  ...(stockBatchMatMul?.setupFunc ? { setupFunc: stockBatchMatMul.setupFunc } : {}),
}

export const fusedMatMulConfig: KernelConfig = {
  kernelName: _FusedMatMul,
  backendName: 'wasm',
  kernelFunc: fusedMatMul,
  ...(stockFusedMatMul?.setupFunc ? { setupFunc: stockFusedMatMul.setupFunc } : {}),
}
