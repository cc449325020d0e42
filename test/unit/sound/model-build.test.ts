import * as tf from '@tensorflow/tfjs-core'
import type * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { PerceptError } from '../../../main/core/errors'
import { buildEscModel, describeEscModel, listPresets, type EscModelConfig, type EscModelConfigInput } from '../../../main/sound/model'
import { seededValues } from '../compute/compare'

beforeAll(async () => {
  await useBackend('cpu')
})

/** Presets sharing one structure (e.g. 'dilated' = 't1-g3-dilated' = 't2-g3-rate2') run once. */
const structures: [string, EscModelConfig][] = []
for (const preset of listPresets()) {
  const same = structures.find(([, config]) => JSON.stringify(config) === JSON.stringify(preset.config))
  if (same) same[0] += ` = ${preset.name}`
  else structures.push([preset.name, preset.config])
}

/** describe's shapes and parameters against what TF.js built. */
function expectDescribeMatches(model: tfl.LayersModel, config: EscModelConfigInput): void {
  const rows = describeEscModel(config).layers
  const layers = model.layers.slice(1) // after the InputLayer
  expect(layers.map((l) => (l.outputShape as number[]).slice(1))).toEqual(rows.map((r) => r.output))
  expect(layers.map((l) => l.countParams())).toEqual(rows.map((r) => r.params))
  expect(model.countParams()).toBe(describeEscModel(config).params)
}

describe('buildEscModel (cpu)', () => {
  it('has one structure per distinct preset: 12 of the 20 names', () => {
    expect(listPresets()).toHaveLength(20)
    expect(structures).toHaveLength(12)
  })

  it.each(structures)('%s: [2, 64, 41, 2] -> [2, classes] probabilities', async (_names, preset) => {
    const config = { ...preset, classes: 7 }
    const model = buildEscModel(config, { compile: false })
    try {
      expect(model.inputs[0]!.shape).toEqual([null, 64, 41, 2])
      expectDescribeMatches(model, config)
      const x = tf.tensor(seededValues(2 * 64 * 41 * 2, 3), [2, 64, 41, 2])
      const y = model.predict(x) as tf.Tensor
      expect(y.shape).toEqual([2, 7])
      const sums = await tf.sum(y, 1).data()
      for (const s of sums) expect(s).toBeCloseTo(1, 5)
      expect((await y.data()).every((p) => p > 0 && p < 1)).toBe(true)
      tf.dispose([x, y])
    } finally {
      model.dispose()
    }
  })

  it('builds identical weights from one seed and different ones from another', () => {
    const config = { classes: 3, layers: [{ kind: 'conv' as const, filters: 4 }, { kind: 'conv' as const, filters: 4, dilation: 2 }] }
    const weights = (seed: number) => {
      const model = buildEscModel({ ...config, seed }, { compile: false })
      const values = model.getWeights().map((w) => Array.from(w.dataSync()))
      model.dispose()
      return values
    }
    expect(weights(5)).toEqual(weights(5))
    expect(weights(5)[0]).not.toEqual(weights(6)[0])
    expect(weights(5)[1]!.every((b) => b === 0)).toBe(true) // biases start at zero
  })

  it('makes filters, dilation, padding, dropout and input shape configurable', () => {
    const config: EscModelConfigInput = {
      inputShape: [40, 30, 1],
      classes: 4,
      padding: 'valid',
      dropout: 0.3,
      layers: [{ kind: 'conv', filters: 5 }, { kind: 'conv', filters: 6, dilation: [2, 3] }, { kind: 'maxpool' }, { kind: 'conv', filters: 7, dilation: 4 }],
    }
    const model = buildEscModel(config, { compile: false })
    const layerConfigs = model.layers.slice(1).map((l) => l.getConfig())
    expect(model.layers.map((l) => l.name)).toEqual(['segments', 'cov1', 'dilacov1', 'max_pooling1', 'dilacov2', 'global_average_pooling', 'dropout', 'probabilities'])
    expect(layerConfigs[1]).toMatchObject({ filters: 6, kernelSize: [3, 3], strides: [1, 1], dilationRate: [2, 3], padding: 'valid', activation: 'relu' })
    expect(layerConfigs[2]).toMatchObject({ poolSize: [2, 2], strides: [2, 2], padding: 'valid' })
    expect(layerConfigs[3]).toMatchObject({ filters: 7, dilationRate: [4, 4] })
    expect(layerConfigs[5]).toMatchObject({ rate: 0.3 })
    expect(layerConfigs[6]).toMatchObject({ units: 4, activation: 'softmax' })
    expectDescribeMatches(model, config)
    model.dispose()
  })

  it("compiles with the paper's optimizer: SGD, Nesterov momentum 0.9, learning rate 0.001", () => {
    const model = buildEscModel({ classes: 2, layers: [{ kind: 'conv', filters: 2 }] })
    expect(model.optimizer.getClassName()).toBe('Momentum')
    expect(model.optimizer.getConfig()).toEqual({ learningRate: 0.001, momentum: 0.9, useNesterov: true })
    expect(model.loss).toBe('categoricalCrossentropy')
    model.dispose()
  })

  it('refuses an invalid config before TF.js sees it', () => {
    expect(() => buildEscModel({ classes: 2, padding: 'valid', layers: [{ kind: 'conv', filters: 2, dilation: 30 }] })).toThrow(PerceptError)
  })
})
