import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { onBackend, seededValues } from './compare'

/*
 * The wasm backend's Tile and Reverse (wasm-kernels/tile.ts, reverse.ts: block copies) against the cpu
 * backend's, and the gradients of Sum and Mean as one broadcast (reduction-gradients.ts) against TF.js's
 * own formula, bit for bit on both backends.
 */

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1)
const bits = (x: ArrayLike<number>): string => Buffer.from(Float32Array.from(x).buffer).toString('base64')

describe('Tile on wasm', () => {
  const cases: { shape: number[]; reps: number[]; dtype: 'float32' | 'int32' | 'bool' }[] = [
    { shape: [32, 1, 1, 8], reps: [1, 6, 5, 1], dtype: 'float32' }, // global average pooling's gradient
    { shape: [3, 4], reps: [2, 3], dtype: 'float32' }, // every axis repeated, odd counts (doubling overshoots)
    { shape: [2, 3, 5], reps: [3, 1, 2], dtype: 'int32' },
    { shape: [4, 1], reps: [1, 7], dtype: 'bool' },
    { shape: [5], reps: [1], dtype: 'float32' },
    { shape: [2, 3], reps: [0, 2], dtype: 'float32' }, // nothing to write
    { shape: [1, 2, 1, 2, 3], reps: [2, 1, 3, 2, 1], dtype: 'float32' },
  ]
  it.each(cases)('shape $shape, reps $reps, $dtype: as the cpu backend', async ({ shape, reps, dtype }) => {
    const values = Array.from(seededValues(size(shape), 41), (v) => (dtype === 'float32' ? v : Math.round(v * 10) > 0 ? Math.round(v * 10) : 0))
    const run = () => tf.tile(tf.tensor(values, shape, dtype), reps)
    const [cpu] = await onBackend('cpu', run)
    const [wasm] = await onBackend('wasm', run)
    expect(wasm!.length).toBe(size(shape) * size(reps))
    expect(Array.from(wasm!)).toEqual(Array.from(cpu!))
  })

  it('broadcastTo goes through it on wasm', async () => {
    await useBackend('wasm')
    const x = tf.tensor([1, 2, 3], [1, 3])
    const profile = await tf.profile(() => tf.broadcastTo(x, [4, 3]))
    expect(profile.kernelNames).toContain('Tile')
    expect(Array.from((profile.result as tf.Tensor).dataSync())).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3])
    tf.dispose([x, profile.result as tf.Tensor])
  })
})

describe('Reverse on wasm', () => {
  const cases: { shape: number[]; axes: number[]; dtype: 'float32' | 'int32' }[] = [
    { shape: [3, 3, 4, 8], axes: [0, 1], dtype: 'float32' }, // a filter flipped in space
    { shape: [3, 3, 3, 4, 2], axes: [0, 1, 2], dtype: 'float32' }, // a 3-D filter
    { shape: [2, 5, 3], axes: [1], dtype: 'int32' }, // a middle axis only
    { shape: [4, 3, 2], axes: [0, 2], dtype: 'float32' }, // with the innermost: the stock kernel
    { shape: [6], axes: [0], dtype: 'float32' },
  ]
  it.each(cases)('shape $shape, axes $axes, $dtype: as the cpu backend', async ({ shape, axes, dtype }) => {
    const values = Array.from(seededValues(size(shape), 44), (v) => (dtype === 'float32' ? v : Math.round(v * 100)))
    const run = () => tf.reverse(tf.tensor(values, shape, dtype), axes)
    const [cpu] = await onBackend('cpu', run)
    const [wasm] = await onBackend('wasm', run)
    expect(Array.from(wasm!)).toEqual(Array.from(cpu!))
    expect(Array.from(wasm!)).not.toEqual(values) // it did reverse something
  })
})

describe('the gradients of Sum and Mean', () => {
  const cases: { shape: number[]; axes: number[]; keepDims: boolean }[] = [
    { shape: [4, 6, 5, 8], axes: [1, 2], keepDims: false }, // global average pooling
    { shape: [4, 6, 5, 8], axes: [0, 1, 2], keepDims: true },
    { shape: [3, 7], axes: [1], keepDims: false },
    { shape: [2, 3, 4], axes: [0, 2], keepDims: false },
  ]
  it.each(cases)('shape $shape, axes $axes: the same bits as ones * dy (/ n), cpu and wasm', async ({ shape, axes, keepDims }) => {
    const x = seededValues(size(shape), 42)
    const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d)).filter((_, i) => keepDims || !axes.includes(i))
    const dy = seededValues(size(outShape), 43)
    const count = axes.reduce((n, a) => n * shape[a]!, 1)
    for (const backend of ['cpu', 'wasm'] as const) {
      for (const op of ['sum', 'mean'] as const) {
        const [grad, expected] = await onBackend(backend, () => {
          const reduce = (t: tf.Tensor) => (op === 'sum' ? tf.sum(t, axes, keepDims) : tf.mean(t, axes, keepDims))
          const g = tf.grad(reduce)(tf.tensor(x, shape), tf.tensor(dy, outShape))
          // TF.js's own formula: reshape dy, times ones of x's shape, over the count for Mean
          const expandedShape = shape.map((d, i) => (axes.includes(i) ? 1 : d))
          const stock = tf.mul(tf.reshape(tf.tensor(dy, outShape), expandedShape), tf.ones(shape))
          return [g, op === 'mean' ? tf.div(stock, count) : stock]
        })
        expect(grad!.length).toBe(size(shape))
        expect(bits(grad!), `${op} on ${backend}`).toBe(bits(expected!))
      }
    }
  })

  it("keeps TF.js's own gradient for int32 (whose result is float32)", async () => {
    await useBackend('cpu')
    const dy = tf.tensor([3, 4], [2], 'int32')
    const x = tf.tensor([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32')
    const g = tf.getGradient(tf.Sum)!.gradFunc(dy, [x], { axis: [1], keepDims: false } as unknown as tf.NamedAttrMap)
    const dx = (g.x as () => tf.Tensor)()
    expect(dx.dtype).toBe('float32')
    expect(Array.from(dx.dataSync())).toEqual([3, 3, 3, 4, 4, 4])
    tf.dispose([dy, x, dx])
  })
})
