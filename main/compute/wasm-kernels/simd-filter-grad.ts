import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { heapView, Scratch } from './kernel-calls'
import { heapAddress, type SimdRunner, simdRunner } from './simd-runner'
import { winogradFilterGrad, winogradPlanes, winogradRowTiles, winogradScratchFloats, winogradTiles } from './winograd'

/*
 * The filter gradient of a stride-1 (dilated) 2-D convolution by our own wasm SIMD kernel
 * (simd/conv2d-filter-grad.wat, run by simd-runner.ts on TF.js's heap): x and dy are read where they
 * are and dW is written into a tensor the backend allocated. XNNPACK's route (conv2d-backprop-filter.ts)
 * transposes x and dy and packs dy as a new filter at every step. It serves NHWC float32 with stride 1
 * and output channels a multiple of 8; anything else answers null and takes XNNPACK's route. The two
 * threads share the input channels.
 *
 * 3x3 filters with input channels in fours go by Winograd's F(3x3, 4x4) instead (simd/conv2d-winograd.wat,
 * 4x fewer multiplications): the threads share the tile rows, each summing its own products, which
 * are added and transformed back here. Batch 32 x 64 x 41, dilation 2, 2-core VM: 32 -> 32 channels
 * 7.8 ms against 14.7 by F(3x3, 2x2) and 23-25 by the kernel above (64 -> 64 channels: 32 ms).
 */

/** Output rows per pass over the taps: two keep what the taps read of x and dy in cache (measured best of 1-64). */
const rowsPerPass = 2

/** Whether simdFilterGrad serves this geometry (see above). */
export function simdFilterGradServes(info: backend_util.Conv2DInfo, dtype: string): boolean {
  return dtype === 'float32' && info.dataFormat === 'channelsLast' && info.strideHeight === 1 && info.strideWidth === 1 && info.outChannels % 8 === 0
}

/** dW [fh, fw, Ci, Co] of conv2d(x, W) for dy, or null where the kernel does not serve (see above). */
export function simdFilterGrad(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo | null {
  if (!simdFilterGradServes(info, x.dtype) || dy.dtype !== 'float32') return null
  const runner = simdRunner(backend)
  if (!runner) return null
  if (filterGradByWinograd(info)) return winogradGrad(backend, runner, x, dy, info)
  const shape = [info.filterHeight, info.filterWidth, info.inChannels, info.outChannels]
  const out = backend.makeOutput(shape, 'float32')
  // The view after makeOutput, which may have grown the heap.
  new Float32Array(runner.memory.buffer, heapAddress(backend, out.dataId), shape[0]! * shape[1]! * shape[2]! * shape[3]!).fill(0)
  const [xAt, dyAt, outAt] = [heapAddress(backend, x.dataId), heapAddress(backend, dy.dataId), heapAddress(backend, out.dataId)]
  runner.run(
    'conv2dFilterGrad',
    (ciFrom, ciTo) => [
      xAt, dyAt, outAt,
      info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outChannels,
      info.filterHeight, info.filterWidth, info.dilationHeight, info.dilationWidth, info.padInfo.top, info.padInfo.left, info.outHeight, info.outWidth,
      ciFrom, ciTo, rowsPerPass,
    ],
    info.inChannels,
    4,
  )
  return out
}

/**
 * 3x3 filters with input channels in fours (see simd/conv2d-winograd.wat), or a first layer's 1-3
 * channels padded with zeros to 4: 2.0 ms against 4.1 by the kernel above for 2 -> 32 channels at
 * batch 32 x 64 x 41 (the padded copy of x is small).
 */
export function filterGradByWinograd(info: backend_util.Conv2DInfo): boolean {
  return info.filterHeight === 3 && info.filterWidth === 3 && (info.inChannels % 4 === 0 || info.inChannels < 4)
}

/** Tiles a pass over the products takes (rounded to whole tile rows): enough to pay for loading and storing P. */
const tilesPerPass = 96

/** x (NHWC) with its channels padded with zeros to `channels`, in one pass (the stock PadV2 takes 4x as long here). */
function padChannels(backend: BackendWasm, x: TensorInfo, channels: number): TensorInfo {
  const c = x.shape[3]!
  const out = backend.makeOutput([...x.shape.slice(0, 3), channels], 'float32')
  // Views after makeOutput: allocating can grow the heap, which detaches earlier views.
  const src = heapView(backend, x) as Float32Array
  const dst = heapView(backend, out) as Float32Array
  for (let i = 0, o = 0; i < src.length; i += c, o += channels) {
    for (let k = 0; k < c; k++) dst[o + k] = src[i + k]!
    for (let k = c; k < channels; k++) dst[o + k] = 0
  }
  return out
}

function winogradGrad(backend: BackendWasm, runner: SimdRunner, x: TensorInfo, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, dilationHeight: dh, dilationWidth: dw, inChannels, outChannels: Co } = info
  const s = new Scratch(backend)
  try {
    // A first layer's 1-3 input channels: zeros make 4, whose gradients are computed and dropped.
    const Ci = Math.ceil(inChannels / 4) * 4
    const xs = Ci === inChannels ? x : s.adopt(padChannels(backend, x, Ci))
    const rowsPerPass = Math.max(1, Math.round(tilesPerPass / winogradRowTiles(OW, dw)))
    const threads = runner.threads
    const perThread = winogradScratchFloats(OW, dw, Ci, Co, rowsPerPass)
    const scratch = s.adopt(backend.makeOutput([threads * perThread], 'float32'))
    const products = s.adopt(backend.makeOutput([threads, winogradPlanes, Ci, Co], 'float32'))
    const out = backend.makeOutput([3, 3, inChannels, Co], 'float32')
    // Views after the last allocation: allocating may grow the heap, which detaches earlier views.
    const p = heapView(backend, products) as Float32Array
    p.fill(0)
    const [xAt, dyAt, pAt, scratchAt] = [xs, dy, products, scratch].map((t) => heapAddress(backend, t.dataId)) as [number, number, number, number]
    runner.run(
      'conv2dWinogradFilterGrad',
      (from, to) => {
        const part = from === 0 ? 0 : 1
        return [
          xAt, dyAt, pAt + part * 4 * winogradPlanes * Ci * Co, scratchAt + part * 4 * perThread,
          H, W, Ci, Co, dh, dw, OH, OW, info.padInfo.top, info.padInfo.left, from, to, rowsPerPass,
        ]
      },
      info.batchSize * winogradTiles(OH, dh),
      1,
    )
    const dW = heapView(backend, out) as Float32Array
    if (Ci === inChannels) winogradFilterGrad(heapView(backend, products) as Float32Array, threads, Ci * Co, dW)
    else {
      const padded = new Float32Array(9 * Ci * Co)
      winogradFilterGrad(heapView(backend, products) as Float32Array, threads, Ci * Co, padded)
      for (let tap = 0; tap < 9; tap++) dW.set(padded.subarray(tap * Ci * Co, (tap * Ci + inChannels) * Co), tap * inChannels * Co)
    }
    return out
  } finally {
    s.release()
  }
}
