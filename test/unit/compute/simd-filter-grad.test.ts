import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { conv2dFilterGrad } from '../../../main/compute/backend-gradients'
import { conv2dFilterGradBinary } from '../../../main/compute/wasm-kernels/simd/conv2d-filter-grad.wasm'
import { simdFilterGrad, simdFilterGradServes, simdFilterGradThreads } from '../../../main/compute/wasm-kernels/simd-filter-grad'
import { wasmModuleSource } from '../../../scripts/build-wasm-kernels.mjs'
import { relativeError, seededValues } from './compare'
import { convAxis } from './float64-conv'

/*
 * Our wasm SIMD filter gradient (main/compute/wasm-kernels/simd/conv2d-filter-grad.wat): the committed
 * binary is the assembly of the committed text; the gradient equals a float64 sum written here for
 * strides of 1, dilations 1-3, every padding and channel counts it serves, through both routes that
 * reach it (TF.js's Conv2DBackpropFilter and the dilated convolutions' gradient); and geometries it does
 * not serve still get the right gradient from the XNNPACK route.
 */

type Shape4 = [number, number, number, number]
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1)

/** dW[p, q, c, o] = sum over b, i, j of x[b, i*s + p*d - top, j*s + q*d - left, c] * dy[b, i, j, o], float64. */
function filterGrad64(x: Float32Array, xs: Shape4, dy: Float32Array, fs: Shape4, stride: number, dilation: number, pad: 'same' | 'valid'): Float64Array {
  const [B, H, W, C] = xs
  const [FH, FW, , O] = fs
  const rows = convAxis(H, FH, stride, dilation, pad)
  const cols = convAxis(W, FW, stride, dilation, pad)
  const out = new Float64Array(size(fs))
  for (let p = 0; p < FH; p++)
    for (let q = 0; q < FW; q++)
      for (let b = 0; b < B; b++)
        for (let i = 0; i < rows.outSize; i++)
          for (let j = 0; j < cols.outSize; j++) {
            const h = i * stride + p * dilation - rows.padBefore
            const w = j * stride + q * dilation - cols.padBefore
            if (h < 0 || h >= H || w < 0 || w >= W) continue
            for (let c = 0; c < C; c++) {
              const xv = x[((b * H + h) * W + w) * C + c]!
              for (let o = 0; o < O; o++) out[((p * FW + q) * C + c) * O + o]! += xv * dy[((b * rows.outSize + i) * cols.outSize + j) * O + o]!
            }
          }
  return out
}

beforeAll(async () => {
  await useBackend('wasm')
})

describe('the SIMD filter-gradient kernel', () => {
  it('is the assembly of its text (node scripts/build-wasm-kernels.mjs after editing the .wat)', async () => {
    const wat = readFileSync(resolve('main/compute/wasm-kernels/simd/conv2d-filter-grad.wat'), 'utf8')
    const committed = readFileSync(resolve('main/compute/wasm-kernels/simd/conv2d-filter-grad.wasm.ts'), 'utf8')
    expect(await wasmModuleSource('conv2d-filter-grad', wat)).toBe(committed)
    expect(Buffer.from(conv2dFilterGradBinary, 'base64').subarray(0, 4).toString('latin1')).toBe('\0asm')
  })

  it('runs on two threads where the machine has two cores (the calling thread and a helper)', () => {
    expect(simdFilterGradThreads(tf.backend() as BackendWasm)).toBe(availableParallelism() >= 2 ? 2 : 1)
  })

  const served: { x: Shape4; filter: Shape4; dilation: number; pad: 'same' | 'valid' }[] = [
    { x: [2, 9, 7, 4], filter: [3, 3, 4, 8], dilation: 1, pad: 'same' },
    { x: [3, 11, 9, 8], filter: [3, 3, 8, 16], dilation: 2, pad: 'same' },
    { x: [2, 10, 13, 4], filter: [3, 3, 4, 8], dilation: 3, pad: 'valid' },
    // 12 input channels: the threads take 8 and 4.
    { x: [1, 6, 5, 12], filter: [1, 1, 12, 8], dilation: 1, pad: 'valid' },
    { x: [2, 12, 8, 4], filter: [5, 2, 4, 24], dilation: 2, pad: 'same' },
    // Taps that fall wholly in the padding (dilation 4 over 5 rows): those blocks stay zero.
    { x: [2, 5, 6, 4], filter: [3, 3, 4, 8], dilation: 4, pad: 'same' },
    // Input channels left over from blocks of 4: a first layer's 1 and 2, and 4 + 3 split between the threads.
    { x: [2, 9, 7, 1], filter: [3, 3, 1, 8], dilation: 1, pad: 'same' },
    { x: [3, 10, 9, 2], filter: [3, 3, 2, 16], dilation: 2, pad: 'same' },
    { x: [2, 8, 9, 11], filter: [3, 2, 11, 8], dilation: 1, pad: 'valid' },
  ]
  it.each(served)('x $x, filter $filter, dilation $dilation, $pad: equals the float64 sum, by both routes', ({ x, filter, dilation, pad }) => {
    const info = tf.backend_util.computeConv2DInfo(x, filter, 1, dilation, pad)
    expect(simdFilterGradServes(info, 'float32')).toBe(true)
    const xv = seededValues(size(x), 5)
    const dyv = seededValues(size(info.outShape), 6)
    const expected = filterGrad64(xv, x, dyv, filter, 1, dilation, pad)
    const xt = tf.tensor4d(xv, x)
    const dyt = tf.tensor4d(dyv, info.outShape as Shape4)
    try {
      // Directly: the kernel serves (no fallback hides behind the comparison).
      const backend = tf.backend() as BackendWasm
      const direct = simdFilterGrad(backend, backendInfo(xt), backendInfo(dyt), info)
      expect(direct).not.toBeNull()
      const directValues = backend.readSync(direct!.dataId) as Float32Array
      backend.disposeData(direct!.dataId)
      expect(relativeError(directValues, expected)).toBeLessThan(1e-6)
      // Through the dilated convolutions' gradient, and (dilation 1) TF.js's own kernel.
      const viaGradient = conv2dFilterGrad(xt, dyt, filter, { strides: [1, 1], dilations: [dilation, dilation], pad })
      expect(viaGradient.shape).toEqual(filter)
      expect(relativeError(viaGradient.dataSync(), expected)).toBeLessThan(1e-6)
      viaGradient.dispose()
      if (dilation === 1) {
        const viaKernel = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: xt, dy: dyt }, { strides: [1, 1], pad, dataFormat: 'NHWC', filterShape: filter } as unknown as tf.NamedAttrMap) as tf.Tensor
        expect(relativeError(viaKernel.dataSync(), expected)).toBeLessThan(1e-6)
        viaKernel.dispose()
      }
    } finally {
      tf.dispose([xt, dyt])
    }
  })

  const notServed: { x: Shape4; filter: Shape4; stride: number; dilation: number; pad: 'same' | 'valid' }[] = [
    { x: [2, 9, 7, 4], filter: [3, 3, 4, 10], stride: 1, dilation: 1, pad: 'same' }, // 10 output channels
    { x: [2, 9, 7, 4], filter: [3, 3, 4, 8], stride: 2, dilation: 1, pad: 'same' }, // stride 2
  ]
  it.each(notServed)('x $x, filter $filter, stride $stride: not served, and still right by the XNNPACK route', ({ x, filter, stride, dilation, pad }) => {
    const info = tf.backend_util.computeConv2DInfo(x, filter, stride, dilation, pad)
    expect(simdFilterGradServes(info, 'float32')).toBe(false)
    const xv = seededValues(size(x), 7)
    const dyv = seededValues(size(info.outShape), 8)
    const expected = filterGrad64(xv, x, dyv, filter, stride, dilation, pad)
    const got = tf.tidy(() => conv2dFilterGrad(tf.tensor4d(xv, x), tf.tensor4d(dyv, info.outShape as Shape4), filter, { strides: [stride, stride], dilations: [dilation, dilation], pad }).dataSync())
    expect(relativeError(got, expected)).toBeLessThan(1e-5)
  })
})

function backendInfo(t: tf.Tensor): tf.TensorInfo {
  return { dataId: t.dataId, shape: t.shape, dtype: t.dtype }
}
