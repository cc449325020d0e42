import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../../main/compute/backend'
import { PaperAdam } from '../../../../main/enhance/train/adam'
import { ADAM } from '../../../../main/enhance/train/train-step'

beforeAll(async () => {
  await useBackend('cpu')
})

const grads = (step: number) => [tf.tensor2d([[0.5 - step, 0.1], [-0.2, 0.3 * step]]), tf.tensor1d([1, -2 + step])]
const start = () => [tf.variable(tf.tensor2d([[0.4, -0.7], [0.2, 0.9]])), tf.variable(tf.tensor1d([0.05, -0.3]))]

describe('PaperAdam', () => {
  it('takes the steps of PyTorch Adam(weight_decay) worked by hand', () => {
    const [w] = start()
    const adam = new PaperAdam({ learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.5 })
    adam.step([w!], [tf.tensor2d([[1, 0], [-2, 0.5]])])
    // step 1: m_hat = g, v_hat = g^2, so theta -= lr * sign(g) where g = grad + 0.5 theta (g != 0)
    const g = [1 + 0.2, -0.35, -2 + 0.1, 0.5 + 0.45]
    const expected = [0.4, -0.7, 0.2, 0.9].map((t, i) => t - 0.1 * (g[i]! / (Math.abs(g[i]!) + 1e-8)))
    Array.from(w!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6))
    adam.dispose()
  })

  it('matches tf.train.adam on g + weightDecay theta over several steps', () => {
    const ours = start()
    const theirs = start()
    const adam = new PaperAdam(ADAM)
    const reference = tf.train.adam(ADAM.learningRate, ADAM.beta1, ADAM.beta2, ADAM.epsilon)
    for (let s = 0; s < 4; s++) {
      adam.step(ours, grads(s))
      reference.applyGradients(grads(s).map((g, i) => ({ name: theirs[i]!.name, tensor: tf.add(g, tf.mul(theirs[i]!, ADAM.weightDecay)) })))
    }
    ours.forEach((v, i) => Array.from(v.dataSync()).forEach((x, k) => expect(x).toBeCloseTo(theirs[i]!.dataSync()[k]!, 6)))
  })

  it('resumes from its slots (tf.AdamOptimizer layout) exactly where it stopped', async () => {
    const straight = start()
    const resumed = start()
    const a = new PaperAdam(ADAM)
    for (let s = 0; s < 3; s++) a.step(straight, grads(s))
    const first = new PaperAdam(ADAM)
    for (let s = 0; s < 2; s++) first.step(resumed, grads(s))
    const slots = await first.getWeights()
    expect(slots.map((s) => s.name)).toEqual(['iter', 'm0', 'm1', 'v0', 'v1'])
    expect(slots[0]!.tensor.dataSync()[0]).toBe(2)
    const second = new PaperAdam(ADAM)
    await second.setWeights(slots.map((s) => ({ name: s.name, tensor: s.tensor.clone() })))
    first.dispose()
    second.step(resumed, grads(2))
    straight.forEach((v, i) => expect(Array.from(resumed[i]!.dataSync())).toEqual(Array.from(v.dataSync())))
  })

  it('leaves no tensor behind per step', () => {
    const vars = start()
    const adam = new PaperAdam(ADAM)
    const g = grads(1)
    adam.step(vars, g)
    const before = tf.memory().numTensors
    adam.step(vars, g)
    adam.step(vars, g)
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('PaperAdam memory', () => {
  it('holds exactly two moments per variable after its first step', () => {
    const vars = start()
    const before = tf.memory()
    const adam = new PaperAdam(ADAM)
    adam.step(vars, grads(0))
    const after = tf.memory()
    // 2 moments x (4 + 2 values) x 4 bytes, and 4 tensors (the gradients given stay the caller's)
    expect(after.numBytes - before.numBytes).toBe(2 * 6 * 4 + 6 * 4)
    adam.dispose()
  })
})
