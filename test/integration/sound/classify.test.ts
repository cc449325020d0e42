import * as tf from '@tensorflow/tfjs-core'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useBackend } from '../../../main/compute/backend'
import { readModelPackage, writeModelPackage } from '../../../main/compute/model-package'
import { exportToOnnxWithSignature } from '../../../main/compute/onnx'
import { openOnnxSession, type OnnxModelSession } from '../../../main/compute/onnx/onnx-session'
import { classifySound } from '../../../main/sound/infer/classify'
import { clipSegments } from '../../../main/sound/features/segments'
import { buildEscModel } from '../../../main/sound/model'
import { noise, sine } from '../../helpers/audio-signals'
import { tempHome } from '../../helpers/temp-home'

// ONNX inference of a sound classifier against TF.js on the very same segments.
let home: string
let cleanup: () => void
let session: OnnxModelSession
const classNames = ['hum', 'whistle', 'hiss']
const model = () => buildEscModel({ classes: 3, layers: [{ kind: 'conv', filters: 4 }, { kind: 'conv', filters: 6, dilation: 2 }], seed: 9 }, { compile: false })
let tfModel: ReturnType<typeof model>
let meta: Awaited<ReturnType<typeof readModelPackage>>['meta']

beforeAll(async () => {
  ;({ home, cleanup } = tempHome())
  await useBackend('cpu')
  tfModel = model()
  const { bytes, inputs, outputs } = exportToOnnxWithSignature(tfModel)
  const dir = join(home, 'esc-test')
  await writeModelPackage(dir, {
    onnx: bytes,
    meta: {
      formatVersion: 1,
      name: 'esc-test',
      task: 'sound-classification',
      inputs,
      outputs,
      preprocessing: { sampleRate: 22050, frameLength: 1024, hopLength: 512, nMels: 64, frames: 41, step: 20, log: 'db' },
      labels: classNames,
      provenance: { createdAt: new Date().toISOString() },
    },
  })
  const pkg = await readModelPackage(dir)
  meta = pkg.meta
  session = await openOnnxSession(pkg.onnxPath)
})
afterAll(async () => {
  await session?.release()
  tfModel?.dispose()
  cleanup()
})

describe('classifySound (onnxruntime)', () => {
  it('gives every segment the probabilities TF.js gives, with times, and one clip label', async () => {
    const hiss = noise(3, 16000, 4, 0.05)
    const audio = { sampleRate: 16000, channels: [sine(700, 3, 16000, 0.3).map((v, i) => v + hiss[i]!)] }
    const result = await classifySound(audio, session, meta)
    // 3 s at 22050 Hz: 1 + 66150 // 512 = 130 frames -> 1 + (130 - 41) // 20 = 5 segments
    expect(result.segments).toHaveLength(5)
    expect(result.segments[1]!.start).toBeCloseTo((20 * 512) / 22050, 9)
    expect(result.segments[1]!.end - result.segments[1]!.start).toBeCloseTo((40 * 512) / 22050, 9)
    const segments = await clipSegments(audio)
    const expected = tf.tidy(() => (tfModel.predict(tf.tensor4d(segments.data, [5, 64, 41, 2])) as tf.Tensor).dataSync())
    let worst = 0
    result.segments.forEach((s, i) => s.probabilities.forEach((p, k) => (worst = Math.max(worst, Math.abs(p - expected[i * 3 + k]!)))))
    expect(worst).toBeLessThan(1e-5)
    const mean = [0, 1, 2].map((k) => result.segments.reduce((a, s) => a + s.probabilities[k]!, 0) / 5)
    const best = mean.indexOf(Math.max(...mean))
    expect(result.label).toBe(classNames[best])
    expect(result.probability).toBeCloseTo(mean[best]!, 6)
  })

  it('refuses a model that is not a sound classifier', async () => {
    await expect(classifySound({ sampleRate: 22050, channels: [new Float32Array(22050)] }, session, { ...meta, task: 'generic' })).rejects.toThrow(/not a sound classifier/)
  })
})
