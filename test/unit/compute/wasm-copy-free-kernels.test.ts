import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { outerAxisSplit } from '../../../main/compute/wasm-kernels/outer-axis-sums'
import { relativeError, seededValues } from './compare'

/*
 * The wasm kernels that avoid copies (main/compute/wasm-kernels/shared-data.ts, outer-axis-sums.ts):
 * Identity and same-dtype Cast share the data; Sum and Mean over a run of non-innermost axes loop
 * over the heap. Checked against float64 sums computed here and the cpu backend, including the
 * cases that fall back to the stock kernels.
 */

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

/** Sum over `axes` of a row-major tensor, in float64. */
function referenceSum(values: Float32Array, shape: number[], axes: number[]): Float64Array {
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d))
  const out = new Float64Array(size(outShape))
  const index = new Array<number>(shape.length).fill(0)
  for (let n = 0; n < values.length; n++) {
    let rest = n
    for (let i = shape.length - 1; i >= 0; i--) {
      index[i] = rest % shape[i]!
      rest = Math.floor(rest / shape[i]!)
    }
    const o = index.reduce((acc, v, i) => acc * outShape[i]! + (axes.includes(i) ? 0 : v), 0)
    out[o]! += values[n]!
  }
  return out
}

async function onBackend(backend: 'cpu' | 'wasm', f: () => tf.Tensor): Promise<{ values: Float32Array; shape: number[] }> {
  await useBackend(backend)
  const out = tf.tidy(f)
  const result = { values: out.dataSync() as Float32Array, shape: out.shape }
  out.dispose()
  return result
}

beforeAll(async () => {
  await useBackend('wasm')
})

describe('outerAxisSplit', () => {
  it('views a contiguous run of axes with axes after it as [outer, reduced, inner], and nothing else', () => {
    expect(outerAxisSplit([4, 5, 6, 7], [0, 1, 2])).toEqual({ outer: 1, reduced: 120, inner: 7 })
    expect(outerAxisSplit([4, 5, 6, 7], [2, 1])).toEqual({ outer: 4, reduced: 30, inner: 7 })
    expect(outerAxisSplit([4, 5, 6, 7], [0])).toEqual({ outer: 1, reduced: 4, inner: 210 })
    expect(outerAxisSplit([4, 5, 6, 7], [3])).toBeNull() // innermost: the stock kernel needs no transpose
    expect(outerAxisSplit([4, 5, 6, 7], [1, 2, 3])).toBeNull()
    expect(outerAxisSplit([4, 5, 6, 7], [0, 2])).toBeNull() // not contiguous
    expect(outerAxisSplit([4, 5, 6, 7], [])).toBeNull()
  })
})

describe('Sum and Mean over outer axes on wasm', () => {
  const cases: { shape: number[]; axes: number[]; keepDims: boolean }[] = [
    { shape: [5, 7, 6, 9], axes: [0, 1, 2], keepDims: false }, // a convolution's bias gradient
    { shape: [4, 33, 17, 12], axes: [0, 1, 2], keepDims: false }, // the same, inner a multiple of 4: the SIMD kernel, rows split between threads
    // inner 44: a chunk of 32 columns, then 3 of 4; 630 rows: blocks of 64, the last part full
    { shape: [3, 21, 10, 44], axes: [0, 1, 2], keepDims: false },
    { shape: [3, 7, 6, 4], axes: [1, 2], keepDims: false }, // global average pooling: the SIMD kernel, images split between threads
    { shape: [5, 13, 11, 40], axes: [1, 2], keepDims: false },
    { shape: [3, 7, 6, 4], axes: [1, 2], keepDims: true },
    { shape: [6, 5], axes: [0], keepDims: true },
    { shape: [2, 3, 4, 5], axes: [-3, -2], keepDims: false },
    { shape: [2, 3, 4, 5], axes: [3], keepDims: false }, // stock kernel
    { shape: [2, 3, 4, 5], axes: [0, 2], keepDims: true }, // stock kernel
  ]

  it.each(cases)('shape $shape, axes $axes, keepDims $keepDims', async ({ shape, axes, keepDims }) => {
    const values = seededValues(size(shape), 31).map((v) => v * 100 + 3)
    const positive = axes.map((a) => (a < 0 ? a + shape.length : a))
    const expected = referenceSum(values, shape, positive)
    const count = positive.reduce((n, a) => n * shape[a]!, 1)
    for (const [op, scale] of [['sum', 1], ['mean', 1 / count]] as const) {
      const run = (): tf.Tensor => (op === 'sum' ? tf.sum : tf.mean)(tf.tensor(values, shape), axes, keepDims)
      const wasm = await onBackend('wasm', run)
      const cpu = await onBackend('cpu', run)
      expect(wasm.shape, op).toEqual(cpu.shape)
      expect(relativeError(wasm.values, expected.map((v) => v * scale)), `${op} against float64`).toBeLessThan(1e-6)
      expect(relativeError(wasm.values, cpu.values), `${op} against cpu`).toBeLessThan(1e-5)
    }
  })

  it('int32 sums still go to the stock kernel, exactly', async () => {
    const run = (): tf.Tensor => tf.sum(tf.tensor([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32'), 0)
    const wasm = await onBackend('wasm', run)
    expect(Array.from(wasm.values)).toEqual([5, 7, 9])
  })
})

describe('Identity and same-dtype Cast on wasm share the data', () => {
  it('clone and cast keep the values after the original is disposed, and free them with the last reference', async () => {
    await useBackend('wasm')
    const before = tf.memory().numDataBuffers
    const x = tf.tensor([1.5, -2, 3.25, 4], [2, 2])
    const y = tf.clone(x)
    const z = tf.cast(x, 'float32')
    // Shared, not copied: three tensors, one buffer.
    expect(tf.memory().numDataBuffers - before).toBe(1)
    x.dispose()
    expect(Array.from(y.dataSync())).toEqual([1.5, -2, 3.25, 4])
    y.dispose()
    expect(Array.from(z.dataSync())).toEqual([1.5, -2, 3.25, 4])
    z.dispose()
    expect(tf.memory().numDataBuffers).toBe(before)
  })

  it('a cast to another dtype still converts', async () => {
    await useBackend('wasm')
    const out = tf.tidy(() => tf.cast(tf.tensor([1.7, -2.2, 3]), 'int32'))
    expect(out.dtype).toBe('int32')
    expect(Array.from(out.dataSync())).toEqual([1, -2, 3])
    out.dispose()
  })
})
