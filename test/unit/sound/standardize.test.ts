import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { ChannelStandardization } from '../../../main/compute/layers'
import type { FeatureSet } from '../../../main/sound/features/feature-cache'
import { paperSegments, segmentSize } from '../../../main/sound/features/segments'
import { buildEscModel, describeEscModel, presetConfig } from '../../../main/sound/model'
import { channelStats, segmentRows } from '../../../main/sound/train/train-fold'

beforeAll(async () => {
  await useBackend('cpu')
})

/** Segments whose log-mel cells all hold `logmel(s)` and delta cells `delta(s)`. */
function features(values: { logmel: number; delta: number }[]): FeatureSet {
  const size = segmentSize(paperSegments)
  const data = new Float32Array(values.length * size)
  values.forEach((v, s) => {
    for (let i = 0; i < size; i += 2) {
      data[s * size + i] = v.logmel
      data[s * size + i + 1] = v.delta
    }
  })
  const clips = values.map((_, s) => ({ id: `c${s}`, classId: 0, fold: 1, first: s, count: 1 }))
  return { index: { version: 1, key: 'k', config: paperSegments, segmentSize: size, total: values.length, clips, problems: [], createdAt: '' }, data }
}

describe('channelStats', () => {
  it('gives each channel the mean and population std of the chosen segments only', () => {
    const set = features([
      { logmel: -60, delta: 1 },
      { logmel: -20, delta: -3 },
      { logmel: 500, delta: 500 }, // not among the rows: must not count
    ])
    const stats = channelStats(set, segmentRows(set.index.clips.slice(0, 2)))
    expect(stats.mean[0]).toBeCloseTo(-40, 10)
    expect(stats.mean[1]).toBeCloseTo(-1, 10)
    expect(stats.std[0]).toBeCloseTo(20, 10)
    expect(stats.std[1]).toBeCloseTo(2, 10)
  })

  it('keeps std 1 for a constant channel, so the layer stays valid', () => {
    const set = features([{ logmel: -80, delta: 0 }, { logmel: -80, delta: 0 }])
    expect(channelStats(set, [0, 1])).toEqual({ mean: [-80, 0], std: [1, 1] })
  })
})

describe('ChannelStandardization', () => {
  it('computes (x - mean) / std per channel and survives serialisation', async () => {
    const layer = new ChannelStandardization({ mean: [-40, 1], std: [20, 0.5] })
    const x = tf.tensor4d([-60, 2, -40, 0, 0, 1.5], [1, 1, 3, 2])
    expect(Array.from((layer.apply(x) as tf.Tensor).dataSync())).toEqual([-1, 2, 0, -2, 2, 1])
    const model = tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [1, 3, 2] }), layer] })
    const restored = await tfl.models.modelFromJSON({ modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] })
    expect(Array.from((restored.predict(x) as tf.Tensor).dataSync())).toEqual([-1, 2, 0, -2, 2, 1])
    expect(restored.trainableWeights).toHaveLength(0)
  })

  it('refuses a zero std and a channel-count mismatch', () => {
    expect(() => new ChannelStandardization({ mean: [0, 0], std: [1, 0] })).toThrow(/std positive/)
    expect(() => new ChannelStandardization({ mean: [0], std: [1, 1] })).toThrow(/one value per channel/)
    const layer = new ChannelStandardization({ mean: [0, 0, 0], std: [1, 1, 1] })
    expect(() => layer.apply(tfl.input({ shape: [4, 4, 2] }))).toThrow(/3 channel statistics/)
  })
})

describe('an ESC model with standardised inputs', () => {
  it('puts the layer right after the input and says so in its description', () => {
    const standardize = { mean: [-45.5, 0.02], std: [18.25, 1.5] }
    const model = buildEscModel({ ...presetConfig('dilated', 10), standardize }, { compile: false })
    expect(model.layers.map((l) => l.name).slice(0, 3)).toEqual(['segments', 'standardize', 'cov1'])
    expect(model.getLayer('standardize').getConfig()).toMatchObject(standardize)
    expect(model.countParams()).toBe(buildEscModel(presetConfig('dilated', 10), { compile: false }).countParams())
    const notes = describeEscModel({ ...presetConfig('dilated', 10), standardize }).notInPaper.join(' ')
    expect(notes).toContain('log-mel mean -45.50, std 18.25')
    expect(notes).toContain('delta mean 0.02, std 1.50')
  })
})
