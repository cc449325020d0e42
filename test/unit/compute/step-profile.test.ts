import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { formatStepProfile, profileTrainingStep, stepPhases, type ProfiledNetwork } from '../../../main/compute/bench/step-profile'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** A small convolutional classifier compiled as the ESC models are (dense softmax, momentum SGD, cross-entropy). */
const tiny: ProfiledNetwork = {
  name: 'tiny CNN',
  build: () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [12, 9, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
        tfl.layers.globalAveragePooling2d({}),
        tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      ],
    })
    model.compile({ optimizer: tf.train.momentum(0.01, 0.9, true), loss: 'categoricalCrossentropy' })
    return model
  },
  batch: 4,
  inputShape: [12, 9, 2],
  classes: 3,
}

describe('profileTrainingStep', () => {
  it('splits a training step into its phases, kernel by kernel, and leaves nothing behind', async () => {
    // tfjs keeps a tensor or so of each model it trains (the momentum scalar): the profile may leave those, nothing more.
    let before = tf.memory().numTensors
    const model = tiny.build()
    const [x, y] = [tf.zeros([4, 12, 9, 2]), tf.oneHot(tf.tensor1d([0, 1, 2, 0], 'int32'), 3)]
    await model.trainOnBatch(x, y)
    model.optimizer.dispose()
    model.dispose()
    tf.dispose([x, y])
    const kept = tf.memory().numTensors - before - 1 // the labels' int32 tensor, not disposed here
    before = tf.memory().numTensors
    const profile = await profileTrainingStep(tiny, { warmup: 1, steps: 2 })
    expect(tf.memory().numTensors - before).toBe(kept)
    expect(profile).toMatchObject({ network: 'tiny CNN', backend: 'cpu', batch: 4, steps: 2 })
    const { phases, kernels } = profile
    expect(Object.keys(phases)).toEqual([...stepPhases])
    // The forward pass convolves; the backward pass takes the gradients of the input and the filter; the update is elementwise.
    const ran = (phase: string) => kernels.filter((k) => k.by_phase[phase as keyof typeof k.by_phase] !== undefined).map((k) => k.kernel)
    expect(ran('forward')).toEqual(expect.arrayContaining(['Conv2D', 'Relu', 'Softmax']))
    expect(ran('backward')).toEqual(expect.arrayContaining(['Conv2DBackpropFilter']))
    expect(ran('optimizer')).toEqual(expect.arrayContaining(['Multiply', 'Add']))
    expect(ran('optimizer')).not.toContain('Conv2D')
    expect(phases.setup.kernels).toBe(0)
    // Each step allocates the forward pass's activations and the gradients, and frees them by the step's end.
    expect(phases.forward.tensors_allocated).toBeGreaterThan(0)
    expect(phases.backward.bytes_allocated).toBeGreaterThan(0)
    expect(stepPhases.reduce((sum, p) => sum + phases[p].net_tensors, 0)).toBe(0)
    // The rows add up to the phases, slowest first, with the custom-gradient scopes left out.
    const calls = kernels.reduce((sum, k) => sum + k.calls, 0)
    expect(calls).toBeCloseTo(stepPhases.reduce((sum, p) => sum + phases[p].kernels, 0), 6)
    expect(kernels.map((k) => k.ms)).toEqual([...kernels.map((k) => k.ms)].sort((a, b) => b! - a!))
    expect(kernels.every((k) => !k.kernel.endsWith('__op'))).toBe(true)
    expect(kernels.reduce((sum, k) => sum + k.share, 0)).toBeCloseTo(1, 2)
    expect(profile.step_ms).toBeGreaterThanOrEqual(profile.phases.forward.ms)
  })

  it('takes its hooks off the optimizer afterwards', async () => {
    const model = tiny.build()
    const optimizer = model.optimizer
    const profile = await profileTrainingStep({ ...tiny, build: () => model }, { warmup: 0, steps: 1 })
    expect(Object.hasOwn(optimizer, 'computeGradients')).toBe(false)
    expect(Object.hasOwn(optimizer, 'applyGradients')).toBe(false)
    expect(profile.phases.optimizer.kernels).toBeGreaterThan(0)
  })

  it('prints the phases and the slowest kernels as a table', async () => {
    const text = formatStepProfile(await profileTrainingStep(tiny, { warmup: 0, steps: 1 }), 3)
    expect(text).toMatch(/^tiny CNN, batch 4, cpu: [\d.]+ ms a step/)
    for (const phase of stepPhases) expect(text).toMatch(new RegExp(`^  ${phase} +[\\d.]+`, 'm'))
    expect(text).toMatch(/^ {2}kernel +calls +ms +share +forward +backward +optim\. +allocated$/m)
    expect(text).toMatch(/more kernels \(all of them in the JSON\)/)
  })
})
