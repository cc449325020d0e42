import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { conv2dFilterGradBinary } from './simd/conv2d-filter-grad.wasm'

/*
 * The filter gradient of a stride-1 (dilated) 2-D convolution by our own wasm SIMD kernel
 * (simd/conv2d-filter-grad.wat), working in place on TF.js's wasm heap: its module imports the
 * backend's memory, so x and dy are read where they are and dW is written into a tensor the backend
 * allocated. XNNPACK's route (conv2d-backprop-filter.ts) transposes x and dy and packs dy as a new
 * filter at every step; this reads them as they are. It serves NHWC float32 with stride 1, input
 * channels a multiple of 4 and output channels a multiple of 8, on the threaded backend (whose memory
 * is shared, as the module's import declares); anything else answers null and takes XNNPACK's route.
 */

type FilterGradKernel = (
  x: number, dy: number, out: number, n: number, h: number, w: number, ci: number, co: number,
  kw: number, dh: number, dw: number, pt: number, pl: number, oh: number, ow: number,
  khFrom: number, khTo: number, rows: number,
) => void

/** Output rows per pass over the taps: two keep what the taps read of x and dy in cache (measured best of 1-64). */
const rowsPerPass = 2

/** The WebAssembly global, typed for the calls made here (our tsconfig has no DOM lib). */
interface Memory {
  readonly buffer: ArrayBufferLike
}
interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => Memory
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly

let compiled: object | null | undefined
const kernels = new WeakMap<Memory, FilterGradKernel | null>()

function kernelFor(backend: BackendWasm): { kernel: FilterGradKernel; memory: Memory } | null {
  const memory = (backend.wasm as unknown as { wasmMemory?: unknown }).wasmMemory
  if (!(memory instanceof webAssembly.Memory) || !(memory.buffer instanceof SharedArrayBuffer)) return null
  let kernel = kernels.get(memory)
  if (kernel === undefined) {
    try {
      compiled ??= new webAssembly.Module(Buffer.from(conv2dFilterGradBinary, 'base64'))
      kernel = new webAssembly.Instance(compiled, { env: { memory } }).exports.conv2dFilterGrad as FilterGradKernel
    } catch {
      // An engine without wasm SIMD or shared memory: XNNPACK's route serves.
      compiled = null
      kernel = null
    }
    kernels.set(memory, kernel)
  }
  return kernel ? { kernel, memory } : null
}

/** Whether simdFilterGrad serves this geometry (see above). */
export function simdFilterGradServes(info: backend_util.Conv2DInfo, dtype: string): boolean {
  return (
    dtype === 'float32' &&
    info.dataFormat === 'channelsLast' &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.inChannels % 4 === 0 &&
    info.outChannels % 8 === 0
  )
}

/** dW [fh, fw, Ci, Co] of conv2d(x, W) for dy, or null where the kernel does not serve (see above). */
export function simdFilterGrad(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | null {
  if (!simdFilterGradServes(info, x.dtype) || dy.dtype !== 'float32') return null
  const found = kernelFor(backend)
  if (!found) return null
  const shape = [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]
  const out = backend.makeOutput(shape, 'float32')
  const offset = (t: TensorInfo): number => backend.dataIdMap.get(t.dataId)!.memoryOffset
  // The view after makeOutput, which may have grown the heap.
  new Float32Array(found.memory.buffer, offset(out), shape[0]! * shape[1]! * shape[2]! * shape[3]!).fill(0)
  found.kernel(
    offset(x), offset(dy), offset(out),
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outChannels,
    info.filterWidth, info.dilationHeight, info.dilationWidth, info.padInfo.top, info.padInfo.left, info.outHeight, info.outWidth,
    0, info.filterHeight, rowsPerPass,
  )
  return out
}
