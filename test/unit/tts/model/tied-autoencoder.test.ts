import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../../main/compute/backend'
import { exportToOnnxWithSignature, openOnnxSession } from '../../../../main/compute/onnx'
import { applyLayers, predictRows, toLayersModel, variablesOf } from '../../../../main/tts/model/mlp'
import { autoEncoderLayers, buildTiedAutoEncoder, pretrainLayers } from '../../../../main/tts/model/tied-autoencoder'
import { parameterCounts, paperWidths } from '../../../../main/tts/model/voice-config'
import { trainEpoch } from '../../../../main/tts/train/fit'

beforeAll(async () => {
  await useBackend('cpu')
})

describe('the tied auto-encoder', () => {
  it('has one variable per tie: the decoder reads the encoder\'s kernel transposed', () => {
    const ae = buildTiedAutoEncoder(9, [5, 3], 4)
    expect(ae.decoder[0]!.kernel).toBe(ae.encoder[1]!.kernel)
    expect(ae.decoder[1]!.kernel).toBe(ae.encoder[0]!.kernel)
    // 2 kernels + 2 encoder biases + 2 decoder biases
    expect(variablesOf(autoEncoderLayers(ae))).toHaveLength(6)
    // Decoding by hand with W^T: z = s(W2^T y + c), for y = s(W2^T-free code)
    const y = tf.tensor2d([[0.2, 0.7, 0.1]])
    const byHand = tf.sigmoid(tf.add(tf.matMul(y, tf.transpose(ae.encoder[1]!.kernel)), ae.decoder[0]!.bias))
    const got = applyLayers([ae.decoder[0]!], y)
    expect(Array.from(got.dataSync())).toEqual(Array.from(byHand.dataSync()))
  })

  it('a training step through the decoder moves the encoder too (the tie holds after training)', async () => {
    const ae = buildTiedAutoEncoder(6, [4, 2], 5)
    const before = ae.encoder[0]!.kernel.arraySync() as number[][]
    const x = Float32Array.from({ length: 8 * 6 }, (_, i) => ((i * 7) % 10) / 10)
    // Pre-train layer 1: only its kernel and its two biases move.
    const layers = pretrainLayers(ae, 0)
    expect(variablesOf(layers)).toHaveLength(3)
    const other = ae.encoder[1]!.kernel.arraySync()
    const loss = await trainEpoch(layers, variablesOf(layers), tf.train.adam(0.01), { inputs: x, targets: x, count: 8 }, { batchSize: 4, seed: 1 })
    expect(Number.isFinite(loss)).toBe(true)
    const after = ae.encoder[0]!.kernel.arraySync() as number[][]
    expect(after).not.toEqual(before)
    expect(ae.encoder[1]!.kernel.arraySync()).toEqual(other)
    // The decoder's output layer still computes with the moved kernel, transposed.
    const y = tf.tensor2d([[0.1, 0.9, 0.3, 0.5]])
    const byHand = tf.sigmoid(tf.add(tf.matMul(y, tf.transpose(tf.tensor2d(after))), ae.decoder[1]!.bias))
    expect(Array.from(applyLayers([ae.decoder[1]!], y).dataSync())).toEqual(Array.from(byHand.dataSync()))
  })

  it('exports the decoder to ONNX with W^T written out, matching TF.js to 1e-5', async () => {
    const ae = buildTiedAutoEncoder(12, [7, 3], 6)
    const model = toLayersModel(ae.decoder, 'decoder')
    const { bytes, inputs, outputs } = exportToOnnxWithSignature(model)
    model.dispose()
    expect(inputs[0]!.shape).toEqual(['N', 3])
    expect(outputs[0]!.shape).toEqual(['N', 12])
    const rows = Float32Array.from({ length: 5 * 3 }, (_, i) => Math.sin(i))
    const want = predictRows(ae.decoder, rows, 5)
    const session = await openOnnxSession(bytes)
    const got = (await session.run({ [inputs[0]!.name]: { data: rows, shape: [5, 3] } }))[outputs[0]!.name]!.data as Float32Array
    await session.release()
    want.forEach((v, i) => expect(Math.abs(v - got[i]!)).toBeLessThan(1e-5))
  })

  it('counts the paper-sized networks\' parameters', () => {
    const counts = parameterCounts(paperWidths, 'mdnn')
    // auto-encoder: 1025*500 + 500 + 500*60 + 60 (encoder) + 500 + 1025 (decoder biases)
    expect(counts.autoencoder).toBe(1025 * 500 + 500 + 500 * 60 + 60 + 500 + 1025)
    // post-filter: 3075 -> 2048 -> 2048 -> 3075
    expect(counts.postFilter).toBe(3075 * 2048 + 2048 + 2048 * 2048 + 2048 + 2048 * 3075 + 3075)
    // baseline: 266 inputs (262 linguistic + 4 frame) -> 5 x 1024 -> 187 outputs
    expect(counts.acoustic).toBe(266 * 1024 + 1024 + 4 * (1024 * 1024 + 1024) + 1024 * 187 + 187)
  })
})
