import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { conv2dFilterGrad, reluGrad } from '../../../main/compute/backend-gradients'
import { conv2dFilterGradBinary } from '../../../main/compute/wasm-kernels/simd/conv2d-filter-grad.wasm'
import { filterGradByWinograd, simdFilterGrad, simdFilterGradServes } from '../../../main/compute/wasm-kernels/simd-filter-grad'
import { reluGradConfig } from '../../../main/compute/wasm-kernels/relu-grad'
import { simdRunner } from '../../../main/compute/wasm-kernels/simd-runner'
import { convolutionByWinograd, simdConv2d } from '../../../main/compute/wasm-kernels/simd-conv2d'
import { wasmModuleSource } from '../../../scripts/build-wasm-kernels.mjs'
import { onBackend, relativeError, seededValues } from './compare'
import { referenceConvGrads } from './float64-conv'

/*
 * Our wasm SIMD kernels (main/compute/wasm-kernels/simd/*.wat): each committed binary is the assembly of
 * the committed text. The filter gradient equals a float64 sum written here for
 * strides of 1, dilations 1-3, every padding and channel counts it serves, through both routes that
 * reach it (TF.js's Conv2DBackpropFilter and the dilated convolutions' gradient); and geometries it does
 * not serve still get the right gradient from the XNNPACK route. The convolution (Conv2D, FusedConv2D
 * with bias and ReLU) equals the cpu backend's for dilations, paddings and channel counts it serves, and
 * what it does not serve still comes right from the stock kernels.
 */

type Shape4 = [number, number, number, number]
/**
 * Winograd's F(4x4, 3x3) rounds more than a direct sum (its transforms scale by up to 8 and 1/24): about
 * 1.2e-6 relative in these cases, where the direct kernel and F(2x2, 3x3) stayed under 1e-6. A wrong tap
 * or tile would be off by far more.
 */
const winogradTolerance = 3e-6
const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1)

/** dW by the brute-force float64 reference (float64-conv.ts) for a 2-D geometry. */
function filterGrad64(x: Float32Array, xs: Shape4, dy: Float32Array, fs: Shape4, info: tf.backend_util.Conv2DInfo): Float64Array {
  const strides = [info.strideHeight, info.strideWidth]
  const dilations = [info.dilationHeight, info.dilationWidth]
  return referenceConvGrads(x, xs, new Float32Array(size(fs)), fs, dy, info.outShape, strides, dilations, [info.padInfo.top, info.padInfo.left]).dw
}

beforeAll(async () => {
  await useBackend('wasm')
})

describe('the SIMD filter-gradient kernel', () => {
  it.each(['conv2d-filter-grad', 'conv2d-forward', 'conv2d-winograd', 'sum-rows', 'relu-grad'])('%s is the assembly of its text (node scripts/build-wasm-kernels.mjs after editing a .wat)', async (name) => {
    const wat = readFileSync(resolve(`main/compute/wasm-kernels/simd/${name}.wat`), 'utf8')
    const committed = readFileSync(resolve(`main/compute/wasm-kernels/simd/${name}.wasm.ts`), 'utf8')
    expect(await wasmModuleSource(name, wat)).toBe(committed)
    expect(Buffer.from(conv2dFilterGradBinary, 'base64').subarray(0, 4).toString('latin1')).toBe('\0asm')
  })

  it('runs on two threads where the machine has two cores (the calling thread and a helper)', () => {
    expect(simdRunner(tf.backend() as BackendWasm)?.threads).toBe(availableParallelism() >= 2 ? 2 : 1)
    // A backend whose heap is not shared (the single-threaded binary) gets no runner: the stock kernels serve.
    const unshared = { wasm: { wasmMemory: new WebAssembly.Memory({ initial: 1 }) } } as unknown as BackendWasm
    expect(simdRunner(unshared)).toBeNull()
    expect(simdRunner({ wasm: {} } as unknown as BackendWasm)).toBeNull()
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
    // Input channels left over from blocks of 4: a first layer's 1 and 2 (3x3: padded with zeros to 4 for
    // Winograd's, else the kernel's one-channel loop), and 4 + 3 split between the threads.
    { x: [2, 9, 7, 1], filter: [3, 3, 1, 8], dilation: 1, pad: 'same' },
    { x: [3, 10, 9, 2], filter: [3, 3, 2, 16], dilation: 2, pad: 'same' },
    { x: [2, 9, 7, 2], filter: [2, 3, 2, 8], dilation: 1, pad: 'same' },
    { x: [2, 8, 9, 11], filter: [3, 2, 11, 8], dilation: 1, pad: 'valid' },
    // Winograd's (3x3, input channels in fours; the cases above with 4 and 8 too): several passes over
    // the products a thread (32 tile rows, 24 a pass), a pass left part full, dilations 1-3
    { x: [16, 16, 9, 8], filter: [3, 3, 8, 8], dilation: 1, pad: 'same' },
    { x: [2, 13, 10, 12], filter: [3, 3, 12, 24], dilation: 3, pad: 'valid' },
    { x: [3, 17, 21, 16], filter: [3, 3, 16, 32], dilation: 2, pad: 'same' },
  ]
  it.each(served)('x $x, filter $filter, dilation $dilation, $pad: equals the float64 sum, by both routes', ({ x, filter, dilation, pad }) => {
    const info = tf.backend_util.computeConv2DInfo(x, filter, 1, dilation, pad)
    expect(simdFilterGradServes(info, 'float32')).toBe(true)
    const winograd = filter[0] === 3 && filter[1] === 3 && (x[3] % 4 === 0 || x[3] < 4)
    expect(filterGradByWinograd(info)).toBe(winograd)
    const tolerance = winograd ? winogradTolerance : 1e-6
    const xv = seededValues(size(x), 5)
    const dyv = seededValues(size(info.outShape), 6)
    const expected = filterGrad64(xv, x, dyv, filter, info)
    const xt = tf.tensor4d(xv, x)
    const dyt = tf.tensor4d(dyv, info.outShape as Shape4)
    try {
      // Directly: the kernel serves (no fallback hides behind the comparison).
      const backend = tf.backend() as BackendWasm
      const direct = simdFilterGrad(backend, backendInfo(xt), backendInfo(dyt), info)
      expect(direct).not.toBeNull()
      const directValues = backend.readSync(direct!.dataId) as Float32Array
      backend.disposeData(direct!.dataId)
      expect(relativeError(directValues, expected)).toBeLessThan(tolerance)
      // Through the dilated convolutions' gradient, and (dilation 1) TF.js's own kernel.
      const viaGradient = conv2dFilterGrad(xt, dyt, filter, { strides: [1, 1], dilations: [dilation, dilation], pad })
      expect(viaGradient.shape).toEqual(filter)
      expect(relativeError(viaGradient.dataSync(), expected)).toBeLessThan(tolerance)
      viaGradient.dispose()
      if (dilation === 1) {
        const viaKernel = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: xt, dy: dyt }, { strides: [1, 1], pad, dataFormat: 'NHWC', filterShape: filter } as unknown as tf.NamedAttrMap) as tf.Tensor
        expect(relativeError(viaKernel.dataSync(), expected)).toBeLessThan(tolerance)
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
    const expected = filterGrad64(xv, x, dyv, filter, info)
    const got = tf.tidy(() => conv2dFilterGrad(tf.tensor4d(xv, x), tf.tensor4d(dyv, info.outShape as Shape4), filter, { strides: [stride, stride], dilations: [dilation, dilation], pad }).dataSync())
    expect(relativeError(got, expected)).toBeLessThan(1e-5)
  })
})

function backendInfo(t: tf.Tensor): tf.TensorInfo {
  return { dataId: t.dataId, shape: t.shape, dtype: t.dtype }
}

describe('the SIMD convolution (Conv2D and FusedConv2D on wasm)', () => {
  type Case = { x: Shape4; filter: Shape4; dilation: number; pad: 'same' | 'valid' | tf.backend_util.ExplicitPadding; bias: boolean; activation: 'linear' | 'relu' }
  const served: Case[] = [
    { x: [2, 9, 7, 4], filter: [3, 3, 4, 8], dilation: 1, pad: 'same', bias: true, activation: 'relu' },
    { x: [3, 11, 9, 8], filter: [3, 3, 8, 16], dilation: 2, pad: 'same', bias: true, activation: 'linear' },
    { x: [2, 10, 13, 5], filter: [3, 3, 5, 8], dilation: 3, pad: 'valid', bias: false, activation: 'relu' },
    { x: [1, 6, 5, 2], filter: [1, 1, 2, 24], dilation: 1, pad: 'valid', bias: false, activation: 'linear' },
    { x: [2, 12, 8, 1], filter: [5, 2, 1, 8], dilation: 2, pad: 'same', bias: true, activation: 'relu' },
    { x: [2, 8, 11, 3], filter: [3, 3, 3, 16], dilation: 1, pad: [[0, 0], [2, 0], [1, 3], [0, 0]], bias: true, activation: 'relu' },
    // Winograd's (3x3, input channels a multiple of 4; the first case too): odd and even extents, tiles past the edge
    { x: [2, 9, 7, 8], filter: [3, 3, 8, 8], dilation: 1, pad: 'same', bias: true, activation: 'relu' },
    { x: [1, 8, 12, 16], filter: [3, 3, 16, 8], dilation: 1, pad: 'same', bias: false, activation: 'linear' },
    { x: [2, 13, 10, 12], filter: [3, 3, 12, 24], dilation: 3, pad: 'valid', bias: false, activation: 'relu' },
    { x: [2, 8, 11, 8], filter: [3, 3, 8, 16], dilation: 2, pad: [[0, 0], [2, 0], [1, 3], [0, 0]], bias: true, activation: 'linear' },
    // patches mostly in the padding (dilation 4 over 5 rows)
    { x: [2, 5, 6, 8], filter: [3, 3, 8, 8], dilation: 4, pad: 'same', bias: true, activation: 'relu' },
  ]
  const run = (c: Case, fused: boolean) => {
    const xv = seededValues(size(c.x), 11)
    const wv = seededValues(size(c.filter), 12)
    const bv = seededValues(c.filter[3], 13)
    const x = tf.tensor4d(xv, c.x)
    const filter = tf.tensor4d(wv, c.filter)
    if (!fused) return tf.conv2d(x, filter, 1, c.pad, 'NHWC', c.dilation)
    return tf.fused.conv2d({ x, filter, strides: 1, pad: c.pad, dilations: c.dilation, ...(c.bias ? { bias: tf.tensor1d(bv) } : {}), activation: c.activation })
  }
  /** The cpu backend's values, then the wasm backend's (left selected for the next test). */
  const onBoth = async (f: () => tf.Tensor): Promise<{ cpu: Float32Array; wasm: Float32Array }> => {
    const [cpu] = await onBackend('cpu', f)
    const [wasm] = await onBackend('wasm', f)
    return { cpu: cpu!, wasm: wasm! }
  }
  it.each(served)('x $x, filter $filter, dilation $dilation, pad $pad, bias $bias, $activation: as the cpu backend', async (c) => {
    const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, 1, c.dilation, c.pad)
    const winograd = c.filter[0] === 3 && c.filter[1] === 3 && c.x[3] % 4 === 0
    expect(convolutionByWinograd(info)).toBe(winograd)
    for (const fused of [false, true]) {
      const { cpu, wasm } = await onBoth(() => run(c, fused))
      expect(wasm.length).toBe(cpu.length)
      expect(relativeError(wasm, cpu)).toBeLessThan(winograd ? winogradTolerance : 1e-6)
      if (fused && c.activation === 'relu') expect(Math.min(...wasm)).toBe(0)
    }
  })

  it('serves those geometries with its own kernel, and leaves others to the stock kernels (still right)', async () => {
    const backend = tf.backend() as BackendWasm
    const x = tf.tensor4d(seededValues(2 * 9 * 7 * 4, 3), [2, 9, 7, 4])
    const w8 = tf.tensor4d(seededValues(3 * 3 * 4 * 8, 4), [3, 3, 4, 8])
    try {
      const info = (filter: Shape4, stride: number) => tf.backend_util.computeConv2DInfo(x.shape as Shape4, filter, stride, 1, 'same')
      const direct = simdConv2d(backend, backendInfo(x), backendInfo(w8), null, info([3, 3, 4, 8], 1), false)
      expect(direct).not.toBeNull()
      backend.disposeData(direct!.dataId)
      expect(simdConv2d(backend, backendInfo(x), backendInfo(w8), null, info([3, 3, 4, 8], 2), false)).toBeNull()
    } finally {
      tf.dispose([x, w8])
    }
    // 10 output channels; stride 2 with an activation other than ReLU: the stock kernels, against the cpu backend.
    const tenChannels = await onBoth(() => run({ x: [2, 9, 7, 4], filter: [3, 3, 4, 10], dilation: 1, pad: 'same', bias: true, activation: 'relu' }, true))
    expect(relativeError(tenChannels.wasm, tenChannels.cpu)).toBeLessThan(1e-5)
    const strided = await onBoth(() => tf.fused.conv2d({ x: tf.tensor4d(seededValues(2 * 9 * 7 * 4, 3), [2, 9, 7, 4]), filter: tf.tensor4d(seededValues(288, 4), [3, 3, 4, 8]), strides: 2, pad: 'same', activation: 'elu' }))
    expect(relativeError(strided.wasm, strided.cpu)).toBeLessThan(1e-5)
  })
})

describe('the gradient through a ReLU (reluGrad: one pass on wasm)', () => {
  const bits = (x: Float32Array): string => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64')

  // Lengths off the kernel's fours and its two threads' split; y with exact zeros, -0 and NaN, dy with NaN and infinities.
  it.each([[2, 9, 7, 4], [3, 5, 3, 3]] as Shape4[])('%j: the same bits as mul(dy, step(y)), wasm and cpu', async (...shape) => {
    const n = size(shape)
    const y = seededValues(n, 21).map((v, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? -0 : i % 13 === 0 ? Number.NaN : v))
    const dy = seededValues(n, 22).map((v, i) => (i % 17 === 0 ? Number.NaN : i % 19 === 0 ? -Infinity : v))
    const [expected] = await onBackend('cpu', () => tf.mul(tf.tensor4d(dy, shape), tf.step(tf.tensor4d(y, shape))))
    for (const backend of ['wasm', 'cpu'] as const) {
      const [got] = await onBackend(backend, () => reluGrad(tf.tensor4d(dy, shape), tf.tensor4d(y, shape)))
      expect(bits(got!), backend).toBe(bits(expected!))
    }
    expect(expected!.some((v) => v !== 0 && !Number.isNaN(v))).toBe(true)
    expect(expected!.some((v) => Object.is(v, -0))).toBe(true)
  })

  it('without the SIMD runner (the single-threaded wasm binary), its loop gives the same bits', () => {
    const n = 135
    const y = seededValues(n, 25).map((v, i) => (i % 13 === 0 ? Number.NaN : v))
    const dy = seededValues(n, 26)
    const heap = new Map<object, Float32Array>()
    const tensor = (values: Float32Array) => {
      const dataId = {}
      heap.set(dataId, values)
      return { dataId, shape: [n], dtype: 'float32' as const }
    }
    // A backend whose heap is not shared: simdRunner answers null for it.
    const backend = {
      wasm: {},
      makeOutput: (shape: number[]) => tensor(new Float32Array(size(shape))),
      typedArrayFromHeap: (t: { dataId: object }) => heap.get(t.dataId)!,
    }
    const out = reluGradConfig.kernelFunc({ inputs: { dy: tensor(dy), y: tensor(y) }, backend, attrs: {} } as never) as { dataId: object }
    const expected = dy.map((g, i) => g * (y[i]! > 0 ? 1 : Number.isNaN(y[i]) ? Number.NaN : 0))
    expect(bits(heap.get(out.dataId)!)).toBe(bits(expected))
  })

  it('runs as our kernel on wasm: one kernel where TF.js ran two', async () => {
    await useBackend('wasm')
    const dy = tf.tensor4d(seededValues(2 * 9 * 7 * 4, 23), [2, 9, 7, 4])
    const y = tf.relu(tf.tensor4d(seededValues(2 * 9 * 7 * 4, 24), [2, 9, 7, 4]))
    const profile = await tf.profile(() => reluGrad(dy, y))
    expect(profile.kernelNames).toEqual(['PerceptReluGrad'])
    tf.dispose([dy, y])
  })
})

describe('the SIMD runner when its helper fails', () => {
  // Last in the file: it drops this backend's helper.
  it("drops the helper, does the helper's part on the calling thread, and reports that part's own error", () => {
    const backend = tf.backend() as BackendWasm
    const runner = simdRunner(backend)!
    if (runner.threads < 2) return
    const x = tf.ones([8, 4])
    const acc = tf.zeros([16]) // two float64 accumulators of 4
    try {
      const [xAt, accAt] = [backend.dataIdMap.get(x.dataId)!.memoryOffset, backend.dataIdMap.get(acc.dataId)!.memoryOffset]
      const outside = runner.memory.buffer.byteLength - 8 // rows read from here run off the end of the heap: a trap
      expect(() => runner.run('sumRows', (from, to) => (from === 0 ? [xAt, accAt, 4, from, to] : [outside, accAt + 32, 4, from, to]), 8, 1)).toThrow(/out of bounds/)
      expect(runner.threads).toBe(1)
      // The calling thread's part was done before the helper's failure was seen: rows 0-3 of ones.
      expect(Array.from(new Float64Array(runner.memory.buffer, accAt, 4))).toEqual([4, 4, 4, 4])
      // And the runner goes on, on one thread.
      new Float64Array(runner.memory.buffer, accAt, 8).fill(0)
      runner.run('sumRows', (from, to) => [xAt, accAt, 4, from, to], 8, 1)
      expect(Array.from(new Float64Array(runner.memory.buffer, accAt, 4))).toEqual([8, 8, 8, 8])
    } finally {
      tf.dispose([x, acc])
    }
  })
})
