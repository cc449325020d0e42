import {
  backend_util,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  Slice,
  slice_util,
  type SliceAttrs,
  SplitV,
  type SplitVAttrs,
  StridedSlice,
  type StridedSliceAttrs,
  type TensorInfo,
  Unpack,
  type UnpackAttrs,
  util,
} from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import '@tensorflow/tfjs-backend-wasm' // registers the stock kernels we fall back to

/*
 * Slice, SplitV, Unpack and StridedSlice that copy only what they return. The stock wasm Slice (4.22)
 * starts with backend.readSync(x), which copies the whole input out of the heap into a new JavaScript
 * array, and SplitV, Unpack and StridedSlice's contiguous case call it once per piece: unstacking a
 * [32, 64, 41, 64] tensor copied 32 x 21 MB, and a concat's gradient (a SplitV) copies its whole
 * input once per concatenated tensor. Here each piece is copied straight from a view of the heap, in
 * runs as long as the slice allows. Measured in one process, stock against these, interleaved,
 * medians, load ~4 on 2 cores: that unstack 317 -> 2.2 ms; the MRI segmentation training step at
 * 64^3 (66 Slice and 4 SplitV calls) 14.7 -> 4.7 s conventional, 21.6 -> 9.6 s Gabor. Strings (not
 * in the heap) go to the stock kernels, and so does StridedSlice's float32 strided case (C++); its
 * int32 and bool strided case is ours, as the stock kernel writes those as float32.
 */

type HeapArray = Float32Array | Int32Array | Uint8Array

/**
 * Copies the box `begin` + `size` of a row-major array of `shape` into `out` (packed). Trailing axes
 * the box covers whole are merged into one run, so a slice along the first axis is a single copy.
 */
export function copyBox(src: HeapArray, shape: readonly number[], begin: readonly number[], size: readonly number[], out: HeapArray): void {
  const rank = shape.length
  if (rank === 0) {
    out[0] = src[0]!
    return
  }
  const strides = util.computeStrides(shape as number[])
  const stride = (axis: number): number => (axis === rank - 1 ? 1 : strides[axis]!)
  // The innermost axis k that is cut: everything inside it is copied whole.
  let k = rank - 1
  while (k > 0 && begin[k] === 0 && size[k] === shape[k]) k--
  const run = size[k]! * stride(k)
  const outer = size.slice(0, k)
  const count = outer.reduce((a, b) => a * b, 1)
  const index = new Array<number>(k).fill(0)
  let from = begin.slice(0, k + 1).reduce((sum, b, axis) => sum + b * stride(axis), 0)
  for (let n = 0, to = 0; n < count; n++, to += run) {
    if (run >= 16) (out as Float32Array).set((src as Float32Array).subarray(from, from + run), to)
    else for (let i = 0; i < run; i++) out[to + i] = src[from + i]!
    // Next outer index, odometer style, moving `from` by the strides of the axes that turn over.
    for (let axis = k - 1; axis >= 0; axis--) {
      from += stride(axis)
      if (++index[axis]! < outer[axis]!) break
      from -= outer[axis]! * stride(axis)
      index[axis] = 0
    }
  }
}

function sliceHeap(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype)
  if (util.sizeFromShape(size) === 0) return out
  // Views taken after makeOutput: allocating may grow (and so detach) the heap.
  copyBox(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out))
  return out
}

const inHeap = (x: TensorInfo): boolean => x.dtype === 'float32' || x.dtype === 'int32' || x.dtype === 'bool'

function stock(name: string): KernelConfig {
  const kernel = getKernel(name, 'wasm')
  if (!kernel) throw new Error(`The wasm backend has no ${name} kernel to fall back to.`)
  return kernel
}
const stockSlice = stock(Slice).kernelFunc
const stockSplitV = stock(SplitV).kernelFunc
const stockUnpack = stock(Unpack).kernelFunc
const stockStridedSliceConfig = stock(StridedSlice)

const slice: KernelFunc = (args) => {
  const x = (args.inputs as unknown as { x: TensorInfo }).x
  if (!inHeap(x)) return stockSlice(args)
  const { begin, size } = args.attrs as unknown as SliceAttrs
  const [b, s] = slice_util.parseSliceParams(x, begin, size) as [number[], number[]]
  slice_util.assertParamsValid(x, b, s)
  return sliceHeap(args.backend as BackendWasm, x, b, s)
}

const splitV: KernelFunc = (args) => {
  const x = (args.inputs as unknown as { x: TensorInfo }).x
  if (!inHeap(x)) return stockSplitV(args)
  const { numOrSizeSplits, axis } = args.attrs as unknown as SplitVAttrs
  const $axis = util.parseAxisParam(axis, x.shape)[0]!
  const sizes = backend_util.prepareSplitSize(x, numOrSizeSplits, $axis)
  const begin = new Array<number>(x.shape.length).fill(0)
  return sizes.map((n) => {
    const size = [...x.shape]
    size[$axis] = n
    const piece = sliceHeap(args.backend as BackendWasm, x, begin, size)
    begin[$axis]! += n
    return piece
  })
}

const unpack: KernelFunc = (args) => {
  const value = (args.inputs as unknown as { value: TensorInfo }).value
  if (!inHeap(value)) return stockUnpack(args)
  const rank = value.shape.length
  let { axis } = args.attrs as unknown as UnpackAttrs
  if (axis < 0) axis += rank
  const outShape = value.shape.filter((_, i) => i !== axis)
  const begin = new Array<number>(rank).fill(0)
  const size = [...value.shape]
  size[axis] = 1
  return Array.from({ length: value.shape[axis]! }, (_, i) => {
    begin[axis] = i
    const piece = sliceHeap(args.backend as BackendWasm, value, begin, size)
    return { dataId: piece.dataId, dtype: piece.dtype, shape: outShape }
  })
}

/** The contiguous case (strides 1, one box) copied from the heap; other float32 cases to the stock kernel. */
const stridedSlice: KernelFunc = (args) => {
  const x = (args.inputs as unknown as { x: TensorInfo }).x
  const a = args.attrs as unknown as StridedSliceAttrs
  if (!inHeap(x) || x.shape.length === 0) return stockStridedSliceConfig.kernelFunc(args)
  const info = slice_util.sliceInfo(x.shape, a.begin, a.end, a.strides, a.beginMask, a.endMask, a.ellipsisMask, a.newAxisMask, a.shrinkAxisMask)
  const contiguous = !info.isIdentity && (info.sliceDim0 || info.isSimpleSlice)
  // The stock kernel's strided case writes float32 whatever the input: int32 and bool are ours too.
  if (!contiguous && (info.isIdentity || x.dtype === 'float32')) return stockStridedSliceConfig.kernelFunc(args)
  const backend = args.backend as BackendWasm
  const piece = contiguous ? sliceHeap(backend, x, info.begin, slice_util.computeOutShape(info.begin, info.end, info.strides)) : stridedHeap(backend, x, info.begin, info.strides, info.finalShapeSparse)
  // Our one reference to the copy, under the final shape (the wasm Reshape's way: same data, new shape).
  return { dataId: piece.dataId, dtype: piece.dtype, shape: info.finalShape }
}

/** out[i] = x[begin + i * strides] over `shape` (per axis of x), element by element. */
function stridedHeap(backend: BackendWasm, x: TensorInfo, begin: number[], strides: number[], shape: number[]): TensorInfo {
  const out = backend.makeOutput(shape, x.dtype)
  const count = util.sizeFromShape(shape)
  if (count === 0) return out
  const src = backend.typedArrayFromHeap(x)
  const dst = backend.typedArrayFromHeap(out)
  const xStrides = [...util.computeStrides(x.shape), 1]
  const steps = strides.map((s, axis) => s * xStrides[axis]!)
  const index = new Array<number>(shape.length).fill(0)
  let from = begin.reduce((sum, b, axis) => sum + b * xStrides[axis]!, 0)
  for (let n = 0; n < count; n++) {
    dst[n] = src[from]!
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      from += steps[axis]!
      if (++index[axis]! < shape[axis]!) break
      from -= shape[axis]! * steps[axis]!
      index[axis] = 0
    }
  }
  return out
}

export const sliceConfig: KernelConfig = { kernelName: Slice, backendName: 'wasm', kernelFunc: slice }
export const splitVConfig: KernelConfig = { kernelName: SplitV, backendName: 'wasm', kernelFunc: splitV }
export const unpackConfig: KernelConfig = { kernelName: Unpack, backendName: 'wasm', kernelFunc: unpack }
export const stridedSliceConfig: KernelConfig = {
  kernelName: StridedSlice,
  backendName: 'wasm',
  kernelFunc: stridedSlice,
  // The stock kernel's setup binds the C++ function its general case calls.
  ...(stockStridedSliceConfig.setupFunc ? { setupFunc: stockStridedSliceConfig.setupFunc } : {}),
}
