import { type KernelConfig, type KernelFunc, Reverse, type ReverseAttrs, type TensorInfo, util } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import '@tensorflow/tfjs-backend-wasm' // registers the stock kernel we fall back to
import { stockKernel } from './kernel-calls'

/*
 * Reverse along outer axes by block copies on the heap: the axes after the last reversed one stay in
 * order, so each such block is copied whole from its mirrored place. A convolution's input gradient
 * flips its filter in space ([3, 3, Ci, Co] over axes 0-1): 0.47 ms in the stock kernel, a few
 * microseconds here. Reversing the innermost axis, and strings, go to the stock kernel.
 */

type NumericArray = Float32Array | Int32Array | Uint8Array

const stockReverse = stockKernel(Reverse)

const reverse: KernelFunc = (args) => {
  const { x } = args.inputs as unknown as { x: TensorInfo }
  const axes = util.parseAxisParam((args.attrs as unknown as ReverseAttrs).dims, x.shape)
  const rank = x.shape.length
  const last = Math.max(-1, ...axes)
  if (x.dtype === 'string' || x.dtype === 'complex64' || last < 0 || last === rank - 1) return stockReverse.fallBack(args)
  const backend = args.backend as BackendWasm
  const out = backend.makeOutput([...x.shape], x.dtype)
  // Views after makeOutput: allocating can grow the heap, which detaches earlier views.
  const src = backend.typedArrayFromHeap(x) as NumericArray
  const dst = backend.typedArrayFromHeap(out) as NumericArray
  const block = x.shape.slice(last + 1).reduce((a, b) => a * b, 1)
  const outer = x.shape.slice(0, last + 1)
  const index = new Array<number>(outer.length).fill(0)
  const blocks = outer.reduce((a, b) => a * b, 1)
  for (let b = 0; b < blocks; b++) {
    // the mirrored block: each reversed axis's index counted from its end
    let from = 0
    for (let d = 0; d < outer.length; d++) from = from * outer[d]! + (axes.includes(d) ? outer[d]! - 1 - index[d]! : index[d]!)
    dst.set(src.subarray(from * block, (from + 1) * block), b * block)
    for (let d = outer.length - 1; d >= 0 && ++index[d]! === outer[d]; d--) index[d] = 0
  }
  return out
}

export const reverseConfig: KernelConfig = stockReverse.replaceWith(reverse)
