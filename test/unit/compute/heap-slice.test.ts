import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { copyBox } from '../../../main/compute/wasm-kernels/heap-slice'
import { seededValues } from './compare'

/*
 * The wasm Slice, SplitV, Unpack and StridedSlice of main/compute/wasm-kernels/heap-slice.ts, which copy each piece
 * straight from the heap: copyBox against an index-by-index reference, and the kernels against the
 * cpu backend (exact: a slice moves values, it computes nothing), for float32, int32 and bool, and the
 * string fallback to the stock kernels.
 */

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

/** The box, element by element: unflatten each output index, offset it by `begin`, flatten into the source. */
function referenceBox(src: Float32Array, shape: number[], begin: number[], boxSize: number[]): Float32Array {
  const out = new Float32Array(size(boxSize))
  for (let n = 0; n < out.length; n++) {
    let rest = n
    let from = 0
    let scale = 1
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      from += (begin[axis]! + (rest % boxSize[axis]!)) * scale
      rest = Math.floor(rest / boxSize[axis]!)
      scale *= shape[axis]!
    }
    out[n] = src[from]!
  }
  return out
}

async function onBackend(backend: 'cpu' | 'wasm', f: () => tf.Tensor | tf.Tensor[]): Promise<{ values: unknown[]; shapes: number[][]; dtypes: string[] }> {
  await useBackend(backend)
  const out = tf.tidy(f)
  const list = Array.isArray(out) ? out : [out]
  const result = { values: list.map((t) => Array.from(t.dataSync() as ArrayLike<unknown>)), shapes: list.map((t) => t.shape), dtypes: list.map((t) => t.dtype) }
  tf.dispose(list)
  return result
}

beforeAll(async () => {
  await useBackend('wasm')
})

describe('copyBox', () => {
  const cases: { shape: number[]; begin: number[]; size: number[] }[] = [
    { shape: [7], begin: [2], size: [4] },
    { shape: [5, 6], begin: [0, 0], size: [5, 6] },
    { shape: [5, 6], begin: [1, 0], size: [3, 6] },
    { shape: [5, 6], begin: [1, 2], size: [3, 3] },
    { shape: [3, 4, 5], begin: [0, 1, 0], size: [3, 2, 5] },
    { shape: [3, 4, 5], begin: [2, 3, 4], size: [1, 1, 1] },
    { shape: [2, 3, 4, 40], begin: [1, 0, 1, 3], size: [1, 3, 2, 30] },
    { shape: [3, 2, 4, 3, 5], begin: [1, 0, 2, 1, 0], size: [2, 2, 2, 2, 5] },
    { shape: [4, 3, 2], begin: [1, 1, 1], size: [0, 2, 1] },
  ]
  it.each(cases)('shape $shape, begin $begin, size $size', ({ shape, begin, size: boxSize }) => {
    const src = seededValues(size(shape), 11)
    const out = new Float32Array(size(boxSize))
    copyBox(src, shape, begin, boxSize, out)
    expect(Array.from(out)).toEqual(Array.from(referenceBox(src, shape, begin, boxSize)))
  })
})

describe('Slice, SplitV, Unpack and StridedSlice on wasm (copied from the heap) match the cpu backend', () => {
  const shape = [3, 5, 4, 6]
  const values = seededValues(size(shape), 5)
  const ints = Array.from(values, (v) => Math.round(v * 1000))
  const inputs: Record<string, () => tf.Tensor> = {
    float32: () => tf.tensor(values, shape),
    int32: () => tf.tensor(ints, shape, 'int32'),
    bool: () => tf.tensor(ints.map((v) => v > 0), shape, 'bool'),
  }
  const ops: Record<string, (x: tf.Tensor) => tf.Tensor | tf.Tensor[]> = {
    'slice, cut on every axis': (x) => tf.slice(x, [1, 1, 2, 3], [2, 3, 2, 2]),
    'slice, first axis only (one run)': (x) => tf.slice(x, [1, 0, 0, 0], [2, -1, -1, -1]),
    'slice, empty': (x) => tf.slice(x, [1, 2, 0, 0], [1, 0, 4, 6]),
    'split, uneven, last axis': (x) => tf.split(x, [1, 3, 2], 3),
    'split, middle axis, negative': (x) => tf.split(x, 5, -3),
    'unstack, first axis': (x) => tf.unstack(x),
    'unstack, axis 2': (x) => tf.unstack(x, 2),
    'unstack, axis -1': (x) => tf.unstack(x, -1),
    'stridedSlice, contiguous on the first axis': (x) => tf.stridedSlice(x, [1], [3], [1]),
    'stridedSlice, contiguous, shrinking axis 0': (x) => tf.stridedSlice(x, [2, 1, 0, 0], [3, 4, 4, 6], [1, 1, 1, 1], 0, 0, 0, 0, 1),
    'stridedSlice, box (copied run by run)': (x) => tf.stridedSlice(x, [0, 1, 1, 2], [3, 4, 3, 5], [1, 1, 1, 1]),
    'stridedSlice, stride 2 (the stock kernel)': (x) => tf.stridedSlice(x, [0, 0, 0, 1], [3, 5, 4, 6], [1, 2, 1, 2]),
    'stridedSlice, negative stride (the stock kernel)': (x) => tf.stridedSlice(x, [2, 4, 3, 5], [0, 0, 0, 0], [-1, -2, -1, -1]),
  }
  for (const [dtype, make] of Object.entries(inputs)) {
    it.each(Object.keys(ops))(`${dtype}: %s`, async (name) => {
      const run = (): tf.Tensor | tf.Tensor[] => ops[name]!(make())
      const cpu = await onBackend('cpu', run)
      const wasm = await onBackend('wasm', run)
      expect(wasm.shapes).toEqual(cpu.shapes)
      expect(wasm.dtypes).toEqual(cpu.dtypes)
      expect(wasm.values).toEqual(cpu.values)
    })
  }

  it('the gradient of concat (a SplitV) matches the cpu backend', async () => {
    const run = (): tf.Tensor[] => {
      const a = tf.tensor(values, shape)
      const b = tf.tensor(values.map((v) => v * 2), shape)
      const r = tf.tensor(seededValues(2 * size(shape), 9), [3, 5, 4, 12])
      return tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.concat([p, q], 3), r)))([a, b])
    }
    const cpu = await onBackend('cpu', run)
    const wasm = await onBackend('wasm', run)
    expect(wasm.values).toEqual(cpu.values)
  })

  it('strings fall back to the stock kernels', async () => {
    const run = (): tf.Tensor[] => {
      const x = tf.tensor(['a', 'b', 'c', 'd', 'e', 'f'], [2, 3])
      // tf.split refuses strings before the kernel; the kernel itself still has to take them.
      const split = tf.engine().runKernel(tf.SplitV, { x }, { numOrSizeSplits: [1, 2], axis: 1 }) as unknown as tf.Tensor[]
      return [tf.slice(x, [0, 1], [2, 2]), ...split, ...tf.unstack(x)]
    }
    const wasm = await onBackend('wasm', run)
    expect(wasm.values).toEqual([['b', 'c', 'e', 'f'], ['a', 'd'], ['b', 'c', 'e', 'f'], ['a', 'b', 'c'], ['d', 'e', 'f']])
  })

  it('a slice past the end is refused, as by the stock kernel', async () => {
    await useBackend('wasm')
    const x = tf.tensor(values, shape)
    expect(() => tf.slice(x, [2, 0, 0, 0], [2, -1, -1, -1])).toThrow(/slice/i)
    x.dispose()
  })
})
