import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import * as tfl from '@tensorflow/tfjs-layers'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  GlobalAveragePooling3D,
  GlobalMaxPooling3D,
  GroupNormalization,
  SeededDropout,
  setDropoutStep,
  SpatialDropout,
  UpSampling3D,
} from '../../../main/compute/layers'
import { PerceptError } from '../../../main/core/errors'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** Group norm computed by hand in float64: x is [N, positions, C] flattened row-major. */
function groupNormReference(
  x: number[],
  n: number,
  positions: number,
  channels: number,
  groups: number,
  gamma: number[],
  beta: number[],
  epsilon: number,
): number[] {
  const out = new Array<number>(x.length)
  const perGroup = channels / groups
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      const idx: number[] = []
      for (let p = 0; p < positions; p++) for (let c = g * perGroup; c < (g + 1) * perGroup; c++) idx.push((b * positions + p) * channels + c)
      const mean = idx.reduce((s, i) => s + x[i]!, 0) / idx.length
      const variance = idx.reduce((s, i) => s + (x[i]! - mean) ** 2, 0) / idx.length
      for (const i of idx) {
        const c = i % channels
        out[i] = ((x[i]! - mean) / Math.sqrt(variance + epsilon)) * gamma[c]! + beta[c]!
      }
    }
  }
  return out
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

describe('GroupNormalization', () => {
  it('matches a hand computation on a small NWC tensor', () => {
    // [1, 2, 4]: two positions, four channels, two groups of two channels.
    const x = [1, 2, 3, 4, 5, 6, 7, 8]
    const layer = new GroupNormalization({ groups: 2, epsilon: 1e-5 })
    const input = tf.tensor3d(x, [1, 2, 4])
    layer.apply(input) // builds
    const gamma = [1, 2, 0.5, -1]
    const beta = [0, 1, -1, 0.25]
    layer.setWeights([tf.tensor1d(gamma), tf.tensor1d(beta)])
    const y = (layer.apply(input) as tf.Tensor).dataSync()
    // Group 0 holds {1, 2, 5, 6}: mean 3.5, variance 4.25.
    const s = Math.sqrt(4.25 + 1e-5)
    expect(y[0]).toBeCloseTo(((1 - 3.5) / s) * 1 + 0, 5)
    expect(y[1]).toBeCloseTo(((2 - 3.5) / s) * 2 + 1, 5)
    expect(maxDiff(y, groupNormReference(x, 1, 2, 4, 2, gamma, beta, 1e-5))).toBeLessThan(1e-5)
  })

  it.each([
    [[2, 5, 8], 4],
    [[2, 3, 4, 8], 4],
    [[1, 2, 3, 4, 6], 3],
  ])('normalises rank %j inputs with %i groups', (shape, groups) => {
    const x = tf.randomNormal(shape, 2, 3, 'float32', 5)
    const layer = new GroupNormalization({ groups })
    const channels = shape[shape.length - 1]!
    layer.apply(x)
    const gamma = Array.from({ length: channels }, (_, i) => 0.5 + i / channels)
    const beta = Array.from({ length: channels }, (_, i) => i / 10 - 0.2)
    layer.setWeights([tf.tensor1d(gamma), tf.tensor1d(beta)])
    const y = (layer.apply(x) as tf.Tensor).dataSync()
    const positions = shape.slice(1, -1).reduce((a, b) => a * b, 1)
    const reference = groupNormReference(Array.from(x.dataSync()), shape[0]!, positions, channels, groups, gamma, beta, 1e-5)
    expect(maxDiff(y, reference)).toBeLessThan(1e-4)
  })

  it('defaults to 4 groups, epsilon 1e-5, learnable gamma and beta per channel', () => {
    const layer = new GroupNormalization()
    layer.apply(tfl.input({ shape: [5, 8] }))
    expect(layer.groups).toBe(4)
    expect(layer.epsilon).toBe(1e-5)
    expect(layer.trainableWeights.map((w) => [w.originalName.split('/').pop(), w.shape])).toEqual([
      ['gamma', [8]],
      ['beta', [8]],
    ])
  })

  it('refuses channels that do not split into the groups, and ranks other than 3 to 5', () => {
    expect(() => new GroupNormalization({ groups: 3 }).apply(tfl.input({ shape: [5, 8] }))).toThrow(PerceptError)
    expect(() => new GroupNormalization({ groups: 3 }).apply(tfl.input({ shape: [5, 8] }))).toThrow(/8 channels do not split into 3 groups/)
    expect(() => new GroupNormalization({ groups: 2 }).apply(tfl.input({ shape: [8] }))).toThrow(/rank 3 or 4 or 5/)
    expect(() => new GroupNormalization({ groups: 0 })).toThrow(/positive integer/)
  })

  it('trains: gradients reach gamma and beta', async () => {
    const model = tfl.sequential({
      layers: [tfl.layers.conv2d({ inputShape: [4, 4, 2], filters: 4, kernelSize: 3, padding: 'same' }), new GroupNormalization({ groups: 2 }), tfl.layers.flatten(), tfl.layers.dense({ units: 2 })],
    })
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' })
    const before = model.layers[1]!.getWeights().map((w) => Array.from(w.dataSync()))
    await model.fit(tf.randomNormal([4, 4, 4, 2], 0, 1, 'float32', 1), tf.randomNormal([4, 2], 0, 1, 'float32', 2), { epochs: 1, verbose: 0 })
    const after = model.layers[1]!.getWeights().map((w) => Array.from(w.dataSync()))
    expect(maxDiff(after[0]!, before[0]!)).toBeGreaterThan(0)
    expect(maxDiff(after[1]!, before[1]!)).toBeGreaterThan(0)
  })
})

describe('SeededDropout', () => {
  it('drops single units at the rate and scales the rest by 1 / (1 - rate) while training', () => {
    const y = new SeededDropout({ rate: 0.3, seed: 2 }).apply(tf.ones([16, 256]), { training: true }) as tf.Tensor
    const values = Array.from(y.dataSync())
    const dropped = values.filter((v) => v === 0).length
    values.filter((v) => v !== 0).forEach((v) => expect(v).toBeCloseTo(1 / 0.7, 5))
    // 4096 Bernoulli(0.3) draws: 0.3 +- 0.03 with overwhelming probability; not whole rows or columns.
    expect(dropped / 4096).toBeGreaterThan(0.27)
    expect(dropped / 4096).toBeLessThan(0.33)
    expect(values.slice(0, 256).some((v) => v === 0) && values.slice(0, 256).some((v) => v !== 0)).toBe(true)
  })

  it('draws a new mask on each training call, and setting the step repeats a given call', () => {
    const x = tf.ones([4, 32])
    const layer = new SeededDropout({ rate: 0.5, seed: 9 })
    const masks = [0, 1, 2].map(() => Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync()))
    expect(masks[0]).not.toEqual(masks[1])
    expect(masks[1]).not.toEqual(masks[2])
    const model = tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [32] }), new SeededDropout({ name: 'drop', rate: 0.5, seed: 9 })] })
    setDropoutStep(model, 2)
    expect(Array.from((model.getLayer('drop').apply(x, { training: true }) as tf.Tensor).dataSync())).toEqual(masks[2])
    expect(Array.from((model.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(x.dataSync())) // inference: identity
  })

  it('keeps its rate and seed through serialisation', () => {
    const model = tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [8] }), new SeededDropout({ name: 'drop', rate: 0.25, seed: 4 })] })
    const copy = tfl.models.modelFromJSON({ modelTopology: model.toJSON(null, false) } as never)
    return copy.then((m) => {
      const layer = m.getLayer('drop') as SeededDropout
      expect(layer).toBeInstanceOf(SeededDropout)
      expect([layer.rate, layer.seed]).toEqual([0.25, 4])
    })
  })
})

describe('SpatialDropout', () => {
  it('drops whole channels at the rate and scales the rest by 1 / (1 - rate) while training', () => {
    const rate = 0.4
    const layer = new SpatialDropout({ rate, seed: 11 })
    const x = tf.ones([8, 3, 5, 64])
    const y = layer.apply(x, { training: true }) as tf.Tensor
    const values = y.arraySync() as number[][][][]
    let dropped = 0
    for (let n = 0; n < 8; n++) {
      for (let c = 0; c < 64; c++) {
        const channel = values[n]!.flatMap((row) => row.map((px) => px[c]!))
        const first = channel[0]!
        expect(channel.every((v) => v === first)).toBe(true) // whole channel kept or dropped
        if (first === 0) dropped++
        else expect(first).toBeCloseTo(1 / (1 - rate), 5)
      }
    }
    // 512 Bernoulli(0.4) draws: the dropped fraction is 0.4 +- 0.07 with overwhelming probability.
    expect(dropped / 512).toBeGreaterThan(0.33)
    expect(dropped / 512).toBeLessThan(0.47)
  })

  it.each([
    [[4, 7, 16]],
    [[4, 2, 3, 3, 16]],
  ])('works on rank-%j inputs (1D and 3D)', (shape) => {
    const y = new SpatialDropout({ rate: 0.5, seed: 3 }).apply(tf.ones(shape), { training: true }) as tf.Tensor
    const data = y.dataSync()
    const channels = shape[shape.length - 1]!
    const positions = shape.slice(1, -1).reduce((a, b) => a * b, 1)
    for (let n = 0; n < shape[0]!; n++) {
      for (let c = 0; c < channels; c++) {
        const v0 = data[n * positions * channels + c]!
        expect([0, 2]).toContain(Math.round(v0 * 1e4) / 1e4)
        for (let p = 1; p < positions; p++) expect(data[(n * positions + p) * channels + c]).toBe(v0)
      }
    }
  })

  it('is the identity at inference', () => {
    const layer = new SpatialDropout({ rate: 0.9, seed: 1 })
    const x = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 4)
    expect(Array.from((layer.apply(x) as tf.Tensor).dataSync())).toEqual(Array.from(x.dataSync()))
    const model = tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [4, 4, 3] }), new SpatialDropout({ rate: 0.9 })] })
    expect(Array.from((model.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(x.dataSync()))
  })

  it('is reproducible with a seed, and draws a new mask on each call', () => {
    const x = tf.ones([2, 3, 32])
    const masks = (seed: number) => {
      const layer = new SpatialDropout({ rate: 0.5, seed })
      return [0, 1].map(() => Array.from((layer.apply(x, { training: true }) as tf.Tensor).dataSync()))
    }
    const a = masks(7)
    const b = masks(7)
    expect(a).toEqual(b)
    expect(a[0]).not.toEqual(a[1])
  })

  it('drops during fit and not during evaluate', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.inputLayer({ inputShape: [6, 16] }),
        new SpatialDropout({ rate: 0.5, seed: 5 }),
        tfl.layers.globalAveragePooling1d({}),
        // Something to train (with learning rate 0 it stays the identity).
        tfl.layers.dense({ units: 16, kernelInitializer: 'identity', biasInitializer: 'zeros' }),
      ],
    })
    model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' })
    const x = tf.ones([4, 6, 16])
    const y = tf.ones([4, 16])
    const evaluated = (model.evaluate(x, y) as tf.Scalar).dataSync()[0]!
    const trained = (await model.trainOnBatch(x, y)) as number
    expect(evaluated).toBe(0) // identity: the mean of ones is one
    expect(trained).toBeCloseTo(1, 5) // dropped channels (0) and kept ones (2) both miss 1 by 1
  })

  it('validates its rate', () => {
    expect(() => new SpatialDropout({ rate: 1 })).toThrow(/rate must be in \[0, 1\)/)
    expect(() => new SpatialDropout({ rate: -0.1 })).toThrow(PerceptError)
  })
})

describe('UpSampling3D and global 3D pooling', () => {
  it('repeats each voxel into a block, and gradients flow', () => {
    const x = tf.tensor5d([1, 2, 3, 4], [1, 2, 1, 2, 1])
    const layer = new UpSampling3D({ size: [2, 3, 1] })
    const y = layer.apply(x) as tf.Tensor
    expect(y.shape).toEqual([1, 4, 3, 2, 1])
    expect(Array.from(y.dataSync())).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4])
    const grad = tf.grad((t: tf.Tensor) => tf.sum(layer.apply(t) as tf.Tensor))(x)
    expect(Array.from(grad.dataSync())).toEqual([6, 6, 6, 6])
  })

  it('pools over depth, height and width', () => {
    const x = tf.tensor5d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 1, 2])
    expect(Array.from((new GlobalAveragePooling3D().apply(x) as tf.Tensor).dataSync())).toEqual([4, 5])
    expect(Array.from((new GlobalMaxPooling3D().apply(x) as tf.Tensor).dataSync())).toEqual([7, 8])
  })
})

describe('save and load round trip', () => {
  async function roundTrip(model: tfl.LayersModel): Promise<tfl.LayersModel> {
    let saved: tf.io.ModelArtifacts | null = null
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
      }),
    )
    expect(saved).not.toBeNull()
    return tfl.loadLayersModel(tf.io.fromMemory(saved!))
  }

  it('keeps GroupNormalization and SpatialDropout configs and weights', async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [6, 5, 3], filters: 8, kernelSize: 3, padding: 'same' }),
        new GroupNormalization({ groups: 2, epsilon: 1e-3, name: 'gn' }),
        new SpatialDropout({ rate: 0.25, seed: 42, name: 'sd' }),
        tfl.layers.globalAveragePooling2d({}),
      ],
    })
    model.layers[1]!.setWeights([tf.randomUniform([8], 0.5, 1.5, 'float32', 1), tf.randomUniform([8], -1, 1, 'float32', 2)])
    const loaded = await roundTrip(model)
    const gn = loaded.getLayer('gn') as GroupNormalization
    const sd = loaded.getLayer('sd') as SpatialDropout
    expect(gn).toBeInstanceOf(GroupNormalization)
    expect([gn.groups, gn.epsilon]).toEqual([2, 1e-3])
    expect(sd).toBeInstanceOf(SpatialDropout)
    expect([sd.rate, sd.seed]).toEqual([0.25, 42])
    const x = tf.randomNormal([2, 6, 5, 3], 0, 1, 'float32', 9)
    const diff = maxDiff((model.predict(x) as tf.Tensor).dataSync(), (loaded.predict(x) as tf.Tensor).dataSync())
    expect(diff).toBe(0)
  })

  it('keeps UpSampling3D and the 3D pooling layers', async () => {
    const input = tfl.input({ shape: [2, 3, 2, 4] })
    const up = new UpSampling3D({ size: [2, 1, 2], name: 'up' }).apply(input) as tfl.SymbolicTensor
    const normed = new GroupNormalization({ name: 'gn3' }).apply(up) as tfl.SymbolicTensor
    const avg = new GlobalAveragePooling3D({ name: 'avg' }).apply(normed) as tfl.SymbolicTensor
    const max = new GlobalMaxPooling3D({ name: 'max' }).apply(normed) as tfl.SymbolicTensor
    const model = tfl.model({ inputs: input, outputs: [avg, max] })
    const loaded = await roundTrip(model)
    expect((loaded.getLayer('up') as UpSampling3D).size).toEqual([2, 1, 2])
    const x = tf.randomNormal([1, 2, 3, 2, 4], 0, 1, 'float32', 3)
    const a = model.predict(x) as tf.Tensor[]
    const b = loaded.predict(x) as tf.Tensor[]
    expect(b.map((t) => t.shape)).toEqual([[1, 4], [1, 4]])
    expect(maxDiff(a[0]!.dataSync(), b[0]!.dataSync())).toBe(0)
    expect(maxDiff(a[1]!.dataSync(), b[1]!.dataSync())).toBe(0)
  })
})
