import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { seededRandom } from '../../../main/compute/seeded-random'
import type { FeatureClip, FeatureSet } from '../../../main/sound/features/feature-cache'
import { paperSegments } from '../../../main/sound/features/segments'
import { buildEscModel, presetConfig } from '../../../main/sound/model'
import { trainFold } from '../../../main/sound/train/train-fold'

// Cross-validation must repeat: the same input trains the same weights, also when a run is resumed from
// an epoch checkpoint. Shuffles and dropout masks are drawn from the seed and the step, not from the clock.

beforeAll(async () => {
  await useBackend('wasm')
})

/** 8 clips of 2 segments, two classes: uniform noise around -0.5 (class 0) or +0.5 (class 1). */
function toyFeatures(): { features: FeatureSet; clips: FeatureClip[] } {
  const random = seededRandom(7)
  const size = 64 * 41 * 2
  const clips = Array.from({ length: 8 }, (_, i): FeatureClip => ({ id: `c${i}`, classId: i % 2, fold: 1, first: i * 2, count: 2 }))
  const data = new Float32Array(16 * size)
  for (let s = 0; s < 16; s++) for (let i = 0; i < size; i++) data[s * size + i] = (clips[s >> 1]!.classId - 0.5) + random() - 0.5
  const index = { version: 1 as const, key: 'toy', config: paperSegments, segmentSize: size, total: 16, clips, problems: [], createdAt: '' }
  return { features: { index, data }, clips }
}

function model(dropoutSeed: number) {
  const preset = presetConfig('dilated', 2)
  const m = buildEscModel({ ...preset, layers: preset.layers.map((l) => (l.kind === 'conv' ? { ...l, filters: 4 } : l)) }, { compile: false, dropoutSeed })
  const optimizer = tf.train.momentum(0.05, 0.9, true)
  m.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] })
  return { model: m, optimizer }
}

async function train(dropoutSeed: number, epochs: number, from?: { weights: tf.Tensor[]; slots: tf.Tensor[]; firstEpoch: number }) {
  const { features, clips } = toyFeatures()
  const { model: m, optimizer } = model(dropoutSeed)
  if (from) {
    m.setWeights(from.weights)
    await optimizer.setWeights(from.slots.map((tensor, i) => ({ name: `t${i}`, tensor })))
  }
  const fold = { train: clips, validation: [], test: [] }
  const history = await trainFold(features, fold, { model: m, classes: 2, epochs, batchSize: 4, seed: 5, aggregation: 'mean', firstEpoch: from?.firstEpoch ?? 1 })
  const weights = m.getWeights().map((w) => w.clone())
  const slots = (await optimizer.getWeights()).map((w) => w.tensor.clone())
  m.dispose()
  return { history, weights, slots, values: weights.map((w) => Array.from(w.dataSync())) }
}

describe('trainFold repeats', () => {
  it('the same seeds train identical weights; another dropout seed trains different ones', async () => {
    const a = await train(11, 2)
    const b = await train(11, 2)
    const c = await train(12, 2)
    expect(b.values).toEqual(a.values)
    expect(b.history).toEqual(a.history)
    // dropout is in effect and drawn from its seed: the dense layer's kernel moves differently
    expect(c.values.at(-2)).not.toEqual(a.values.at(-2))
  }, 120_000)

  it('a run resumed after epoch 1 from its weights and optimizer state ends where the uninterrupted run does', async () => {
    const whole = await train(11, 3)
    const first = await train(11, 1)
    const resumed = await train(11, 3, { weights: first.weights, slots: first.slots, firstEpoch: 2 })
    expect(resumed.history).toEqual(whole.history.slice(1))
    expect(resumed.values).toEqual(whole.values)
  }, 120_000)
})
