import * as tf from '@tensorflow/tfjs-core'
import { describe, expect, it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { batchMatMulConfig, fusedMatMulConfig } from '../../../main/compute/wasm-kernels/matmul-layouts'
import { onBackend, relativeError, seededValues } from './compare'

/*
 * BatchMatMul and _FusedMatMul on wasm (main/compute/wasm-kernels/matmul-layouts.ts): every layout the
 * replacement rewrites (transposed operands, batches against one matrix, batches pair by pair,
 * broadcast batch axes) against the cpu backend, with the shapes checked too; and a dense layer's
 * gradients, which are the transposed products.
 */

const t = (shape: number[], seed: number) => tf.tensor(seededValues(shape.reduce((a, b) => a * b, 1), seed), shape)

const cases: { name: string; a: number[]; b: number[]; ta: boolean; tb: boolean; out: number[] }[] = [
  { name: 'plain 2-D (stock path)', a: [33, 20], b: [20, 17], ta: false, tb: false, out: [33, 17] },
  { name: 'a transposed (a layer\'s weight gradient)', a: [20, 33], b: [20, 17], ta: true, tb: false, out: [33, 17] },
  { name: 'b transposed (a layer\'s input gradient)', a: [33, 20], b: [17, 20], ta: false, tb: true, out: [33, 17] },
  { name: 'both transposed', a: [20, 33], b: [17, 20], ta: true, tb: true, out: [33, 17] },
  { name: 'batch against one matrix', a: [3, 5, 20], b: [20, 17], ta: false, tb: false, out: [3, 5, 17] },
  { name: 'batch against a batch of one', a: [3, 5, 20], b: [1, 20, 17], ta: false, tb: false, out: [3, 5, 17] },
  { name: 'one matrix against a batch', a: [5, 20], b: [3, 20, 17], ta: false, tb: false, out: [3, 5, 17] },
  { name: 'batch pairs, both transposed', a: [2, 3, 20, 5], b: [2, 3, 17, 20], ta: true, tb: true, out: [2, 3, 5, 17] },
  { name: 'batch pairs, b transposed', a: [4, 5, 20], b: [4, 17, 20], ta: false, tb: true, out: [4, 5, 17] },
]

it('the wasm backend runs the replacements', async () => {
  await useBackend('wasm')
  expect(tf.getKernel(tf.BatchMatMul, 'wasm')?.kernelFunc).toBe(batchMatMulConfig.kernelFunc)
  expect(tf.getKernel(tf._FusedMatMul, 'wasm')?.kernelFunc).toBe(fusedMatMulConfig.kernelFunc)
})

describe('BatchMatMul on wasm in every layout', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const f = () => tf.matMul(t(c.a, 1), t(c.b, 2), c.ta, c.tb)
      const [cpu] = await onBackend('cpu', f)
      await useBackend('wasm')
      const out = tf.tidy(f)
      expect(out.shape).toEqual(c.out)
      const wasm = out.dataSync() as Float32Array
      out.dispose()
      expect(relativeError(wasm, cpu!)).toBeLessThan(1e-6)
    })
  }

  it('a batch that does not broadcast is still refused', async () => {
    await useBackend('wasm')
    expect(() => tf.matMul(t([2, 3, 4], 1), t([3, 4, 5], 2))).toThrow(/inner shapes|broadcast/)
  })
})

describe('_FusedMatMul on wasm', () => {
  for (const [ta, tb] of [[true, false], [false, true], [true, true]] as const) {
    it(`transposeA ${ta}, transposeB ${tb}, with bias and relu`, async () => {
      const f = () =>
        tf.fused.matMul({ a: t(ta ? [20, 33] : [33, 20], 3), b: t(tb ? [17, 20] : [20, 17], 4), transposeA: ta, transposeB: tb, bias: t([17], 5), activation: 'relu' })
      const [cpu] = await onBackend('cpu', f)
      const [wasm] = await onBackend('wasm', f)
      expect(wasm!.length).toBe(33 * 17)
      expect(cpu!.some((v) => v === 0) && cpu!.some((v) => v > 0)).toBe(true) // relu did something
      expect(relativeError(wasm!, cpu!)).toBeLessThan(1e-6)
    })
  }
})

it('a sigmoid dense layer\'s gradients on wasm equal the cpu backend\'s', async () => {
  const grads = () => {
    const x = t([64, 30], 6)
    const w = t([30, 24], 7)
    const b = t([24], 8)
    const g = tf.grads((x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.sigmoid(tf.add(tf.matMul(x, w), b)))))
    return g([x, w, b])
  }
  const cpu = await onBackend('cpu', grads)
  const wasm = await onBackend('wasm', grads)
  expect(wasm.map((v) => v.length)).toEqual([64 * 30, 30 * 24, 24])
  for (let i = 0; i < 3; i++) expect(relativeError(wasm[i]!, cpu[i]!)).toBeLessThan(1e-5)
})
