import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { heapAddress, simdRunner } from './simd-runner'

/*
 * The filter gradient of a stride-1 (dilated) 2-D convolution by our own wasm SIMD kernel
 * (simd/conv2d-filter-grad.wat, run by simd-runner.ts on TF.js's heap): x and dy are read where they
 * are and dW is written into a tensor the backend allocated. XNNPACK's route (conv2d-backprop-filter.ts)
 * transposes x and dy and packs dy as a new filter at every step. It serves NHWC float32 with stride 1
 * and output channels a multiple of 8; anything else answers null and takes XNNPACK's route. The two
 * threads share the input channels.
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
