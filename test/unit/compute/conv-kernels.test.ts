import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { onBackend, relativeError, seededValues } from './compare'
import { referenceConvGrads } from './float64-conv'

/*
 * The kernels main/compute/wasm-kernels adds to or replaces in the wasm backend, and the dilated
 * convolution gradients of main/compute/backend-gradients.ts, checked on random shapes against the
 * cpu backend's own kernels and against brute-force references computed here in float64.
 */

type Shape4 = [number, number, number, number]
type Shape5 = [number, number, number, number, number]
const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1)

beforeAll(async () => {
  await useBackend('wasm')
})

describe('Conv2DBackpropFilter on wasm (added kernel)', () => {
  const cases: { x: Shape4; filter: Shape4; stride: number; pad: 'same' | 'valid' }[] = [
    { x: [2, 9, 7, 3], filter: [3, 3, 3, 4], stride: 1, pad: 'same' },
    { x: [2, 9, 7, 3], filter: [3, 3, 3, 4], stride: 2, pad: 'same' },
    { x: [1, 8, 8, 2], filter: [3, 3, 2, 5], stride: 2, pad: 'valid' },
    { x: [3, 10, 11, 2], filter: [5, 2, 2, 3], stride: 3, pad: 'valid' },
    { x: [2, 6, 5, 4], filter: [1, 1, 4, 2], stride: 1, pad: 'valid' },
    { x: [1, 7, 12, 3], filter: [2, 4, 3, 3], stride: 2, pad: 'same' },
  ]
  it.each(cases)('x $x, filter $filter, stride $stride, $pad (NHWC) matches the cpu kernel', async ({ x, filter, stride, pad }) => {
    const dyShape = tf.backend_util.computeConv2DInfo(x, filter, stride, 1, pad).outShape
    const xv = seededValues(size(x), 3)
    const dyv = seededValues(size(dyShape), 4)
    const run = (): tf.Tensor =>
      tf.engine().runKernel(tf.Conv2DBackpropFilter, { x: tf.tensor(xv, x), dy: tf.tensor(dyv, dyShape) }, {
        strides: [stride, stride],
        pad,
        dataFormat: 'NHWC',
        filterShape: filter,
      } as unknown as tf.NamedAttrMap) as tf.Tensor
    const [cpu] = await onBackend('cpu', run)
    const [wasm] = await onBackend('wasm', run)
    expect(relativeError(cpu!, wasm!)).toBeLessThan(1e-5)
  })
})

describe('Conv2DBackpropInput on wasm (replaced by an XNNPACK convolution)', () => {
  const cases: { x: Shape4; filter: Shape4; stride: number; pad: 'same' | 'valid' }[] = [
    { x: [2, 9, 7, 3], filter: [3, 3, 3, 4], stride: 1, pad: 'same' },
    { x: [2, 9, 7, 3], filter: [3, 3, 3, 4], stride: 2, pad: 'same' },
    { x: [1, 8, 8, 2], filter: [3, 3, 2, 5], stride: 2, pad: 'valid' },
    { x: [3, 10, 11, 2], filter: [5, 2, 2, 3], stride: 3, pad: 'valid' },
    { x: [1, 7, 12, 3], filter: [2, 4, 3, 3], stride: 2, pad: 'same' },
  ]
  it.each(cases)('x $x, filter $filter, stride $stride, $pad (NHWC) matches the cpu kernel', async ({ x, filter, stride, pad }) => {
    const dyShape = tf.backend_util.computeConv2DInfo(x, filter, stride, 1, pad).outShape
    const wv = seededValues(size(filter), 3)
    const dyv = seededValues(size(dyShape), 4)
    const run = (): tf.Tensor =>
      tf.engine().runKernel(tf.Conv2DBackpropInput, { dy: tf.tensor(dyv, dyShape), filter: tf.tensor(wv, filter) }, {
        strides: [stride, stride],
        pad,
        dataFormat: 'NHWC',
        inputShape: x,
      } as unknown as tf.NamedAttrMap) as tf.Tensor
    const [cpu] = await onBackend('cpu', run)
    const [wasm] = await onBackend('wasm', run)
    expect(relativeError(cpu!, wasm!)).toBeLessThan(1e-5)
  })
})

describe('dilated conv2d gradients (backend-gradients.ts)', () => {
  const cases: { x: Shape4; filter: Shape4; dilation: number; pad: 'same' | 'valid' }[] = [
    { x: [2, 9, 8, 3], filter: [3, 3, 3, 4], dilation: 2, pad: 'same' },
    { x: [2, 11, 9, 2], filter: [3, 2, 2, 3], dilation: 2, pad: 'valid' },
    { x: [1, 12, 12, 2], filter: [3, 3, 2, 2], dilation: 3, pad: 'same' },
  ]
  it.each(cases)('x $x, filter $filter, dilation $dilation, $pad matches brute force on cpu and wasm', async ({ x, filter, dilation, pad }) => {
    const info = tf.backend_util.computeConv2DInfo(x, filter, 1, dilation, pad)
    const xv = seededValues(size(x), 5)
    const wv = seededValues(size(filter), 6)
    const dyv = seededValues(size(info.outShape), 7)
    const ref = referenceConvGrads(xv, x, wv, filter, dyv, info.outShape, [1, 1], [dilation, dilation], [info.padInfo.top, info.padInfo.left])
    const grads = (): tf.Tensor[] =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad, 'NHWC', dilation), tf.tensor(dyv, info.outShape))))([
        tf.tensor(xv, x),
        tf.tensor(wv, filter),
      ])
    for (const backend of ['cpu', 'wasm'] as const) {
      const [dx, dw] = await onBackend(backend, grads)
      expect(relativeError(ref.dx, dx!), `${backend} dx`).toBeLessThan(1e-5)
      expect(relativeError(ref.dw, dw!), `${backend} dW`).toBeLessThan(1e-5)
    }
  })

  it('strided conv2d gradients still match brute force (the rewritten filter gradient)', async () => {
    const x: Shape4 = [2, 9, 8, 3]
    const filter: Shape4 = [3, 3, 3, 2]
    const info = tf.backend_util.computeConv2DInfo(x, filter, 2, 1, 'same')
    const [xv, wv, dyv] = [seededValues(size(x), 8), seededValues(size(filter), 9), seededValues(size(info.outShape), 10)]
    const ref = referenceConvGrads(xv, x, wv, filter, dyv, info.outShape, [2, 2], [1, 1], [info.padInfo.top, info.padInfo.left])
    for (const backend of ['cpu', 'wasm'] as const) {
      const [dx, dw] = await onBackend(backend, () =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'), tf.tensor(dyv, info.outShape))))([
          tf.tensor(xv, x),
          tf.tensor(wv, filter),
        ]),
      )
      expect(relativeError(ref.dx, dx!), `${backend} dx`).toBeLessThan(1e-5)
      expect(relativeError(ref.dw, dw!), `${backend} dW`).toBeLessThan(1e-5)
    }
  })
})

describe('conv3d forward and gradients (replaced wasm kernels, dilated gradient)', () => {
  const cases: { x: Shape5; filter: Shape5; stride: number; dilation: number; pad: 'same' | 'valid' }[] = [
    { x: [2, 6, 5, 7, 2], filter: [3, 3, 3, 2, 3], stride: 1, dilation: 1, pad: 'same' },
    { x: [2, 6, 5, 7, 2], filter: [3, 3, 3, 2, 3], stride: 2, dilation: 1, pad: 'same' },
    { x: [1, 7, 6, 6, 2], filter: [2, 3, 2, 2, 2], stride: 2, dilation: 1, pad: 'valid' },
    { x: [1, 7, 7, 6, 2], filter: [3, 3, 3, 2, 2], stride: 1, dilation: 2, pad: 'same' },
    { x: [1, 8, 7, 7, 1], filter: [3, 2, 3, 1, 2], stride: 1, dilation: 2, pad: 'valid' },
  ]
  it.each(cases)('x $x, filter $filter, stride $stride, dilation $dilation, $pad matches brute force', async ({ x, filter, stride, dilation, pad }) => {
    const info = tf.backend_util.computeConv3DInfo(x, filter, stride, dilation, pad)
    const [xv, wv, dyv] = [seededValues(size(x), 11), seededValues(size(filter), 12), seededValues(size(info.outShape), 13)]
    const s = [stride, stride, stride]
    const d = [dilation, dilation, dilation]
    const ref = referenceConvGrads(xv, x, wv, filter, dyv, info.outShape, s, d, [info.padInfo.front, info.padInfo.top, info.padInfo.left])
    for (const backend of ['cpu', 'wasm'] as const) {
      const [dx, dw] = await onBackend(backend, () =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, stride, pad, 'NDHWC', dilation), tf.tensor(dyv, info.outShape))),
        )([tf.tensor(xv, x), tf.tensor(wv, filter)]),
      )
      expect(relativeError(ref.dx, dx!), `${backend} dx`).toBeLessThan(1e-5)
      expect(relativeError(ref.dw, dw!), `${backend} dW`).toBeLessThan(1e-5)
    }
  })

  it.each([
    { x: [2, 6, 5, 7, 3] as Shape5, filter: [3, 3, 3, 3, 4] as Shape5, stride: 1, dilation: 1, pad: 'same' as const },
    { x: [1, 7, 6, 8, 2] as Shape5, filter: [3, 2, 3, 2, 3] as Shape5, stride: 2, dilation: 1, pad: 'same' as const },
    { x: [2, 8, 7, 6, 2] as Shape5, filter: [2, 3, 3, 2, 2] as Shape5, stride: 3, dilation: 1, pad: 'valid' as const },
    { x: [1, 9, 8, 9, 2] as Shape5, filter: [3, 3, 3, 2, 2] as Shape5, stride: 1, dilation: 2, pad: 'same' as const },
    { x: [1, 9, 8, 9, 1] as Shape5, filter: [3, 3, 2, 1, 3] as Shape5, stride: 1, dilation: 3, pad: 'valid' as const },
  ])('conv3d forward x $x, filter $filter, stride $stride, dilation $dilation, $pad matches cpu', async ({ x, filter, stride, dilation, pad }) => {
    const [xv, wv] = [seededValues(size(x), 20), seededValues(size(filter), 21)]
    const run = (): tf.Tensor => tf.conv3d(tf.tensor(xv, x) as tf.Tensor5D, tf.tensor(wv, filter) as tf.Tensor5D, stride, pad, 'NDHWC', dilation)
    const [cpu] = await onBackend('cpu', run)
    const [wasm] = await onBackend('wasm', run)
    expect(relativeError(cpu!, wasm!)).toBeLessThan(1e-5)
  })

  it('conv3dTranspose (Conv3DBackpropInputV2 forward) matches cpu, and now has a gradient', async () => {
    const x: Shape5 = [1, 3, 3, 4, 2]
    const filter: Shape5 = [3, 3, 3, 4, 2] // [d, h, w, outChannels, inChannels]
    const [xv, wv] = [seededValues(size(x), 14), seededValues(size(filter), 15)]
    const run = (): tf.Tensor[] => {
      const f = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.conv3dTranspose(a as tf.Tensor5D, b as tf.Tensor5D, [1, 6, 6, 8, 4], 2, 'same')
      const y = f(tf.tensor(xv, x), tf.tensor(wv, filter))
      const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(f(a, b))))([tf.tensor(xv, x), tf.tensor(wv, filter)])
      return [y, ...g]
    }
    const cpu = await onBackend('cpu', run)
    const wasm = await onBackend('wasm', run)
    cpu.forEach((c, i) => expect(relativeError(c, wasm[i]!), ['forward', 'dx', 'dW'][i]).toBeLessThan(1e-5))
  })
})

describe('other wasm kernels against cpu', () => {
  it.each([
    { name: 'maxPool 2x2 valid', x: [2, 6, 7, 3], f: (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid') },
    { name: 'maxPool 3x3 stride 1 same', x: [1, 5, 6, 2], f: (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, 3, 1, 'same') },
    { name: 'maxPool3d 2 valid', x: [2, 4, 5, 4, 3], f: (t: tf.Tensor) => tf.maxPool3d(t as tf.Tensor5D, 2, 2, 'valid') },
    { name: 'maxPool3d 3 stride 1 same', x: [1, 4, 4, 5, 2], f: (t: tf.Tensor) => tf.maxPool3d(t as tf.Tensor5D, 3, 1, 'same') },
    { name: 'avgPool 3x3 stride 2 same', x: [2, 6, 7, 3], f: (t: tf.Tensor) => tf.avgPool(t as tf.Tensor4D, 3, 2, 'same') },
    { name: 'avgPool3d 2 same', x: [1, 5, 4, 5, 2], f: (t: tf.Tensor) => tf.avgPool3d(t as tf.Tensor5D, 2, 2, 'same') },
  ])('$name gradient, for inputs of both signs and all negative', async ({ x, f }) => {
    for (const offset of [0, -2]) {
      const xv = seededValues(size(x), 16).map((v) => v + offset)
      // A distinct weight per output, so a gradient sent to the wrong input shows.
      const run = (): tf.Tensor =>
        tf.grad((t: tf.Tensor) => {
          const y = f(t)
          return tf.sum(tf.mul(y, tf.reshape(tf.range(1, y.size + 1), y.shape)))
        })(tf.tensor(xv, x))
      const [cpu] = await onBackend('cpu', run)
      const [wasm] = await onBackend('wasm', run)
      expect(relativeError(cpu!, wasm!), `offset ${offset}`).toBeLessThan(1e-6)
    }
  })

  it('maxPool3d itself, for inputs of both signs and all negative (the stock kernel pooled negative windows to ~0)', async () => {
    for (const [shape, k, stride, pad] of [[[2, 4, 5, 4, 3], 2, 2, 'valid'], [[1, 4, 4, 5, 2], 3, 1, 'same']] as const) {
      for (const offset of [0, -2]) {
        const xv = seededValues(size([...shape]), 23).map((v) => v + offset)
        const run = (): tf.Tensor => tf.maxPool3d(tf.tensor(xv, [...shape]) as tf.Tensor5D, k, stride, pad)
        const [cpu] = await onBackend('cpu', run)
        const [wasm] = await onBackend('wasm', run)
        expect([...wasm!], `${pad} offset ${offset}`).toEqual([...cpu!])
        if (offset < 0) expect(Math.max(...wasm!)).toBeLessThan(0)
      }
    }
  })

  it('depthwise conv2d gradients (added kernels)', async () => {
    const x: Shape4 = [2, 7, 6, 3]
    const filter: Shape4 = [3, 3, 3, 2]
    const [xv, wv] = [seededValues(size(x), 17), seededValues(size(filter), 18)]
    for (const [stride, pad] of [[1, 'same'], [2, 'valid']] as const) {
      const run = (): tf.Tensor[] =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad))))([
          tf.tensor(xv, x),
          tf.tensor(wv, filter),
        ])
      const cpu = await onBackend('cpu', run)
      const wasm = await onBackend('wasm', run)
      expect(relativeError(cpu[0]!, wasm[0]!), `dx, stride ${stride}`).toBeLessThan(1e-5)
      expect(relativeError(cpu[1]!, wasm[1]!), `dW, stride ${stride}`).toBeLessThan(1e-5)
    }
  })

  it('UnsortedSegmentSum (added kernel; the gradient of gather)', async () => {
    const values = seededValues(7 * 4, 19)
    const ids = [3, 0, 3, -1, 1, 3, 5]
    const run = (): tf.Tensor => tf.unsortedSegmentSum(tf.tensor(values, [7, 4]), tf.tensor1d(ids, 'int32'), 5)
    const [cpu] = await onBackend('cpu', run)
    const [wasm] = await onBackend('wasm', run)
    expect(Array.from(wasm!)).toEqual(Array.from(cpu!))
    const gather = (): tf.Tensor =>
      tf.grad((table: tf.Tensor) => tf.sum(tf.square(tf.gather(table, tf.tensor1d([2, 0, 2, 4], 'int32')))))(tf.tensor(values.slice(0, 20), [5, 4]))
    const [cpuGrad] = await onBackend('cpu', gather)
    const [wasmGrad] = await onBackend('wasm', gather)
    expect(relativeError(cpuGrad!, wasmGrad!)).toBeLessThan(1e-6)
  })
})
