import { type KernelConfig, type KernelFunc, Tile, type TileAttrs, type TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import '@tensorflow/tfjs-backend-wasm' // registers the stock kernel we fall back to
import { stockKernel } from './kernel-calls'

/*
 * Tile (and so broadcastTo) by block copies on the heap: each axis's first copy is written, then
 * doubled in place (copyWithin) until the axis holds all its repetitions. The stock wasm kernel walks
 * the output element by element: broadcasting [32, 1, 1, 32] to [32, 64, 41, 32] (the gradient of
 * global average pooling) took 227 ms there and takes about 1 ms here. Strings fall back to it.
 */

type NumericArray = Float32Array | Int32Array | Uint8Array

/** dst (shape * reps) from src (shape), row-major; axis d's block starts at srcAt / dstAt. */
function tileInto(src: NumericArray, dst: NumericArray, shape: readonly number[], reps: readonly number[]): void {
  const rank = shape.length
  const srcStride = new Array<number>(rank)
  const dstStride = new Array<number>(rank)
  for (let d = rank - 1, s = 1, t = 1; d >= 0; d--) {
    srcStride[d] = s
    dstStride[d] = t
    s *= shape[d]!
    t *= shape[d]! * reps[d]!
  }
  const write = (d: number, srcAt: number, dstAt: number): void => {
    const block = shape[d]! * dstStride[d]!
    if (d === rank - 1) dst.set(src.subarray(srcAt, srcAt + shape[d]!), dstAt)
    else for (let i = 0; i < shape[d]!; i++) write(d + 1, srcAt + i * srcStride[d]!, dstAt + i * dstStride[d]!)
    // The axis's other repetitions: double what is written until all are.
    const total = block * reps[d]!
    for (let filled = block; filled < total; filled *= 2) dst.copyWithin(dstAt + filled, dstAt, dstAt + Math.min(filled, total - filled))
  }
  if (rank === 0) dst.set(src)
  else if (dst.length > 0) write(0, 0, 0)
}

const stockTile = stockKernel(Tile)

const tile: KernelFunc = (args) => {
  const { x } = args.inputs as unknown as { x: TensorInfo }
  const { reps } = args.attrs as unknown as TileAttrs
  if (x.dtype === 'string' || x.dtype === 'complex64' || reps.length !== x.shape.length) return stockTile.fallBack(args)
  const backend = args.backend as BackendWasm
  const out = backend.makeOutput(x.shape.map((d, i) => d * reps[i]!), x.dtype)
  // Views after makeOutput: allocating can grow the heap, which detaches earlier views.
  tileInto(backend.typedArrayFromHeap(x) as NumericArray, backend.typedArrayFromHeap(out) as NumericArray, x.shape, reps)
  return out
}

export const tileConfig: KernelConfig = stockTile.replaceWith(tile)
