import * as tf from '@tensorflow/tfjs-core'
import * as ort from 'onnxruntime-node'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { decodeModel, exportToOnnxWithSignature } from '../../../main/compute/onnx'
import { buildEscModel, presetConfig } from '../../../main/sound/model'
import { seededValues } from '../compute/compare'

const TOLERANCE = 1e-4
const BATCH = 3

beforeAll(async () => {
  await useBackend('cpu')
})

/**
 * The project's exporter on the paper's two Table-1 group-3 models, against TF.js predict on the cpu
 * backend. Biases get seeded non-zero values (they start at zero), so their export is checked too.
 * Measured: max |difference| of the probabilities 1.2e-7 for both.
 */
const standardize = { mean: [-42.5, 0.25], std: [17, 1.75] }
describe.each([
  ['dilated', undefined],
  ['pooling', undefined],
  ['dilated', standardize],
])('ONNX export of %s (standardised inputs: %o)', (name, stats) => {
  it(`runs in onnxruntime-node and agrees with TF.js within ${TOLERANCE}`, async () => {
    const model = buildEscModel({ ...presetConfig(name, 10), ...(stats ? { standardize: stats } : {}) }, { compile: false })
    model.layers.forEach((layer, i) => {
      const [kernel, bias] = layer.getWeights()
      if (kernel && bias) layer.setWeights([kernel, tf.tensor(seededValues(bias.size, 100 + i).map((v) => v * 0.1), bias.shape)])
    })
    // Like real segments: log-mel in [-80, 0] dB, delta in [-5, 5]; large enough to make the softmax peaked.
    const values = seededValues(BATCH * 64 * 41 * 2, 7).map((v, i) => (i % 2 === 0 ? 40 * v - 40 : 5 * v))
    const x = tf.tensor(values, [BATCH, 64, 41, 2])
    const expected = (model.predict(x) as tf.Tensor).dataSync() as Float32Array

    const { bytes, inputs, outputs } = exportToOnnxWithSignature(model)
    expect(inputs).toEqual([{ name: 'segments', dtype: 'float32', shape: ['N', 64, 41, 2] }])
    expect(outputs).toEqual([{ name: 'probabilities', dtype: 'float32', shape: ['N', 10] }])
    const ops = decodeModel(bytes).graph!.node!.map((n) => n.opType)
    expect(ops.filter((op) => op === 'Conv')).toHaveLength(4)
    expect(ops.includes('MaxPool')).toBe(name === 'pooling')
    expect(ops.includes('Add') && ops.includes('Mul')).toBe(stats !== undefined)

    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, logSeverityLevel: 3 })
    try {
      const result = await session.run({ segments: new ort.Tensor('float32', x.dataSync() as Float32Array, x.shape) })
      const actual = result.probabilities!
      expect(actual.dims).toEqual([BATCH, 10])
      let maxDiff = 0
      expected.forEach((e, i) => (maxDiff = Math.max(maxDiff, Math.abs(e - (actual.data as Float32Array)[i]!))))
      expect(maxDiff).toBeLessThan(TOLERANCE)
    } finally {
      await session.release()
      tf.dispose(x)
      model.dispose()
    }
  })
})
