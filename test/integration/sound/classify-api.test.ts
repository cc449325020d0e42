import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OpenSound, SoundClassificationResult, SoundClassifier } from '../../../main/api'
import { createPercept, type PerceptApp } from '../../../main/app/compose'
import { useBackend } from '../../../main/compute/backend'
import { writeModelPackage } from '../../../main/compute/model-package'
import { exportToOnnxWithSignature } from '../../../main/compute/onnx'
import { encodeWav } from '../../../main/dsp/io'
import { buildEscModel } from '../../../main/sound/model'
import { sine } from '../../helpers/audio-signals'
import { tempHome } from '../../helpers/temp-home'
import { routerCalls } from '../../helpers/router-calls'

// sound.classifiers and sound.classify through the router, with a small classifier installed in the workspace.
let app: PerceptApp
let home: string
let cleanup: () => void
const { call } = routerCalls(() => app)

beforeAll(async () => {
  ;({ home, cleanup } = tempHome())
  await useBackend('cpu')
  const model = buildEscModel({ classes: 2, layers: [{ kind: 'conv', filters: 3 }], seed: 2 }, { compile: false })
  const { bytes, inputs, outputs } = exportToOnnxWithSignature(model)
  model.dispose()
  await writeModelPackage(join(home, 'models', 'tiny-esc'), {
    onnx: bytes,
    meta: {
      formatVersion: 1,
      name: 'tiny-esc',
      task: 'sound-classification',
      inputs,
      outputs,
      preprocessing: { sampleRate: 22050, frameLength: 1024, hopLength: 512, nMels: 64, frames: 41, step: 20, log: 'db' },
      labels: ['low', 'high'],
      provenance: { createdAt: '2026-11-01T00:00:00.000Z', metrics: { accuracy: 0.75 } },
    },
  })
  writeFileSync(join(home, 'tone.wav'), encodeWav({ sampleRate: 22050, channels: [sine(500, 2, 22050, 0.3)] }, 'pcm16'))
  process.env.PERCEPT_HOME = home
  app = createPercept({ door: 'test' })
  delete process.env.PERCEPT_HOME
})
afterAll(() => {
  app.close()
  cleanup()
})

describe('classifying an open sound through the API', () => {
  it('lists the installed classifier first', async () => {
    const list = await call<SoundClassifier[]>('sound.classifiers', {})
    expect(list[0]).toEqual({ id: 'tiny-esc', name: 'tiny-esc', source: 'installed', classNames: ['low', 'high'], accuracy: 0.75, createdAt: '2026-11-01T00:00:00.000Z' })
    expect(list.slice(1).every((c) => c.source === 'bundled')).toBe(true)
  })

  it('classifies an open sound: segments over time and a clip label', async () => {
    const sound = await call<OpenSound>('audio.open', { path: join(home, 'tone.wav') })
    const result = await call<SoundClassificationResult>('sound.classify', { id: sound.id, model: 'tiny-esc' })
    expect(result.model).toEqual({ id: 'tiny-esc', name: 'tiny-esc' })
    // 2 s: 87 frames -> 3 segments
    expect(result.segments).toHaveLength(3)
    expect(result.classNames).toEqual(['low', 'high'])
    expect(['low', 'high']).toContain(result.label)
    expect(result.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
    expect(result.probability).toBe(Math.max(...result.probabilities))
  })

  it('says what to do when the model does not exist', async () => {
    const sound = await call<OpenSound>('audio.open', { path: join(home, 'tone.wav') })
    await expect(call('sound.classify', { id: sound.id, model: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
