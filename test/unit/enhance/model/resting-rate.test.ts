import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../../main/compute/backend'
import { buildEnhanceModel, disposeNetWeights, enhanceNetConfig, forwardPass, initNetWeights, inputOffset, RESTING_RATE, type EnhanceNetConfig } from '../../../../main/enhance/model/enhance-net'
import { backpropStep, paperAdam } from '../../../../main/enhance/train/train-step'
import type { ExampleBatch } from '../../../../main/enhance/train/examples'

beforeAll(async () => {
  await useBackend('cpu')
})

// A batch of the audio model's shape: features of about zero mean and unit spread (examples.ts' mapping),
// IBM-like targets with about a quarter ones.
function batch(size: number, seed: number): ExampleBatch {
  const random = (() => {
    let s = seed
    return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  })()
  const audio = Float32Array.from({ length: size * 4000 }, () => 2 * random() - 1)
  const target = Float32Array.from({ length: size * 622 }, () => (random() < 0.25 ? 1 : 0))
  return { size, audio, lips: null, target }
}

/** The embedding's rates after one Adam step of back-propagation from a fresh network. */
async function embeddingAfterOneStep(config: EnhanceNetConfig): Promise<{ mean: number; saturated: number }> {
  const weights = initNetWeights(config, 1)
  const optimizer = paperAdam()
  await backpropStep(weights, optimizer, batch(16, 7), 3, false)
  const probe = batch(16, 9)
  const pass = forwardPass(weights, { audio: tf.tensor4d(probe.audio, [16, 8, 500, 1]) })
  const e = Array.from(pass.e[2]!.dataSync())
  let saturated = 0
  for (const v of e) if (v < 0.02 || v > 0.98) saturated++
  const mean = e.reduce((a, b) => a + b, 0) / e.length
  tf.dispose([...pass.e, ...pass.below, pass.logits])
  disposeNetWeights(weights)
  optimizer.dispose()
  return { mean, saturated: saturated / e.length }
}

describe('dense layers learn on rates less their resting value (enhance-net.ts)', () => {
  it('offsets only the dense layers fed by sigmoid units: each embedding and the head, not a conv layer', () => {
    const weights = initNetWeights(enhanceNetConfig('multimodal', { convChannels: 2, embedding: 4 }), 1)
    const offsets = weights.geometry.layers.map((layer) => [layer.name, inputOffset(weights.geometry, layer)])
    expect(offsets).toEqual([['audio_conv1', 0], ['audio_conv2', 0], ['audio_embed', RESTING_RATE], ['lips_conv1', 0], ['lips_conv2', 0], ['lips_embed', RESTING_RATE], ['mask', RESTING_RATE]])
    disposeNetWeights(weights)
  })

  it('keeps the embedding alive through Adam\'s first step, where the raw rates saturate every unit', async () => {
    // 4 conv channels: the embedding takes 8 x 500 x 4 = 16,000 rates, as the bundled models do.
    const config = enhanceNetConfig('unimodal', { convChannels: 4, embedding: 8 })
    const centred = await embeddingAfterOneStep(config)
    const raw = await embeddingAfterOneStep({ ...config, restingRate: 0 })
    expect(raw.saturated).toBeGreaterThan(0.9)
    expect(centred.saturated).toBeLessThan(0.1)
    expect(centred.mean).toBeGreaterThan(0.2)
    expect(centred.mean).toBeLessThan(0.8)
  }, 60_000)

  it('exports the same function: the resting rate folded into the bias of the layers model', () => {
    const weights = initNetWeights(enhanceNetConfig('unimodal', { convChannels: 2, embedding: 4 }), 4)
    const input = tf.randomNormal([3, 8, 500, 1], 0, 1, 'float32', 5) as tf.Tensor4D
    const pass = forwardPass(weights, { audio: input })
    const model = buildEnhanceModel(weights)
    const [mask] = model.predict(input) as tf.Tensor[]
    const want = pass.e[pass.e.length - 1]!.dataSync()
    const got = mask!.dataSync()
    let worst = 0
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(want[i]! - got[i]!))
    expect(worst).toBeLessThan(1e-5)
    // and not trivially: without the fold the head's output differs
    const plain = initNetWeights({ ...weights.geometry.config, restingRate: 0 }, 4)
    const plainPass = forwardPass(plain, { audio: input })
    const differs = plainPass.e[plainPass.e.length - 1]!.dataSync().some((v, i) => Math.abs(v - want[i]!) > 1e-3)
    expect(differs).toBe(true)
    tf.dispose([input, mask!, ...pass.e, ...pass.below, pass.logits, ...plainPass.e, ...plainPass.below, plainPass.logits])
    model.dispose()
    disposeNetWeights(weights)
    disposeNetWeights(plain)
  })
})
