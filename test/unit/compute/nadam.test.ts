/**
 * Nadam against its published update (Dozat 2016; tf.keras 2.x optimizer_v2/nadam.py, written there as
 * g' = g / (1 - prod_t), m' = m_t / (1 - prod_{t+1}), m_bar = (1 - mu_t) g' + mu_{t+1} m'), worked by hand for
 * one step and in plain float64 arithmetic for several; and a state restored from getWeights continues exactly.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-layers' // registers the gradients tfjs-core leaves out
import { beforeAll, describe, expect, it } from 'vitest'
import { NadamOptimizer } from '../../../main/compute/optimizers/nadam'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** Keras's legacy form of the update, in float64, for a loss whose gradient is `grad(p)`. */
function kerasNadam(p0: number[], grad: (p: number[]) => number[], steps: number, lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-7): number[] {
  let p = p0.slice()
  let m = p.map(() => 0)
  let v = p.map(() => 0)
  let schedule = 1
  for (let t = 1; t <= steps; t++) {
    const g = grad(p)
    const muT = b1 * (1 - 0.5 * Math.pow(0.96, t * 0.004))
    const muT1 = b1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * 0.004))
    const scheduleNew = schedule * muT
    const scheduleNext = scheduleNew * muT1
    schedule = scheduleNew
    m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]!)
    v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i]! * g[i]!)
    p = p.map((pi, i) => {
      const gPrime = g[i]! / (1 - scheduleNew)
      const mPrime = m[i]! / (1 - scheduleNext)
      const vPrime = v[i]! / (1 - Math.pow(b2, t))
      const mBar = (1 - muT) * gPrime + muT1 * mPrime
      return pi - (lr * mBar) / (Math.sqrt(vPrime) + eps)
    })
  }
  return p
}

describe('Nadam', () => {
  it('takes the hand-worked first step', () => {
    // Step 1 with m_0 = v_0 = 0: m_1 = 0.1 g, v_hat = g^2, so
    //   m_hat = g (1 + 0.1 mu_2 / (1 - mu_1 mu_2)) and p_1 = p_0 - lr sign(g) (1 + 0.1 mu_2 / (1 - mu_1 mu_2)) |g| / (|g| + eps).
    // mu_1 = 0.9 (1 - 0.5 * 0.96^0.004) = 0.4500734736, mu_2 = 0.9 (1 - 0.5 * 0.96^0.008) = 0.4501469352,
    // 1 + 0.1 mu_2 / (1 - mu_1 mu_2) = 1.0564518.
    const p = tf.variable(tf.tensor1d([1, -2]))
    const optimizer = new NadamOptimizer({ learningRate: 0.01 })
    expect(optimizer.momentumAt(1)).toBeCloseTo(0.4500734736, 9)
    expect(optimizer.momentumAt(2)).toBeCloseTo(0.4501469352, 9)
    // loss = 0.5 p0 - 0.1 p1: gradient [0.5, -0.1]
    optimizer.minimize(() => tf.sum(tf.mul(p, tf.tensor1d([0.5, -0.1]))) as tf.Scalar, false, [p])
    const [a, b] = p.dataSync()
    expect(a).toBeCloseTo(1 - 0.01 * 1.0564518 * (0.5 / (0.5 + 1e-7)), 6)
    expect(b).toBeCloseTo(-2 + 0.01 * 1.0564518 * (0.1 / (0.1 + 1e-7)), 6)
    optimizer.dispose()
    p.dispose()
  })

  it('follows the Keras update over 25 steps of a quadratic', () => {
    const start = [1.5, -0.7, 0.2]
    const scales = [1, 3, 0.5]
    // loss = sum scale_i p_i^2 / 2: gradient scale_i p_i, so momentum and the second moment both vary.
    const expected = kerasNadam(start, (q) => q.map((qi, i) => scales[i]! * qi), 25, 0.05)
    const p = tf.variable(tf.tensor1d(start))
    const optimizer = new NadamOptimizer({ learningRate: 0.05 })
    for (let i = 0; i < 25; i++) optimizer.minimize(() => tf.sum(tf.mul(tf.square(p), tf.tensor1d(scales.map((s) => s / 2)))) as tf.Scalar, false, [p])
    const got = Array.from(p.dataSync())
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5))
    // And it minimises: every coordinate moved towards 0.
    got.forEach((v, i) => expect(Math.abs(v)).toBeLessThan(Math.abs(start[i]!)))
    optimizer.dispose()
    p.dispose()
  })

  it('continues bit for bit from its saved state', async () => {
    const loss = (p: tf.Variable) => () => tf.sum(tf.square(tf.sub(p, tf.tensor1d([0.3, -1])))) as tf.Scalar
    const whole = tf.variable(tf.tensor1d([2, 2]))
    const first = new NadamOptimizer({ learningRate: 0.02 })
    for (let i = 0; i < 6; i++) first.minimize(loss(whole), false, [whole])

    const part = tf.variable(tf.tensor1d([2, 2]))
    const before = new NadamOptimizer({ learningRate: 0.02 })
    for (let i = 0; i < 3; i++) before.minimize(loss(part), false, [part])
    const saved = (await before.getWeights()).map((w) => ({ name: w.name, tensor: tf.tensor(w.tensor.dataSync(), w.tensor.shape) }))
    expect(saved.map((w) => w.name)).toEqual(['iter', `${part.name}/m`, `${part.name}/v`])
    expect(saved[0]!.tensor.dataSync()[0]).toBe(3)
    const after = new NadamOptimizer({ learningRate: 0.02 })
    await after.setWeights(saved)
    expect(after.iterations).toBe(3)
    for (let i = 0; i < 3; i++) after.minimize(loss(part), false, [part])
    expect(Array.from(part.dataSync())).toEqual(Array.from(whole.dataSync()))
    for (const o of [first, before, after]) o.dispose()
    tf.dispose([whole, part])
  })

  it('refuses a learning rate that is not a positive number', () => {
    expect(() => new NadamOptimizer({ learningRate: 0 })).toThrow(/positive/)
    expect(() => new NadamOptimizer({ learningRate: 0.01, beta1: 1 })).toThrow(/\[0, 1\)/)
  })
})
