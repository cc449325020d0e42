import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OpenSound, SoundClassificationResult, SoundClassifier } from '../../../main/api'
import { createPercept, type PerceptApp } from '../../../main/app/compose'
import { useBackend } from '../../../main/compute/backend'
import { readModelPackage, writeModelPackage } from '../../../main/compute/model-package'
import { exportToOnnxWithSignature } from '../../../main/compute/onnx'
import { encodeWav } from '../../../main/dsp/io'
import { resolveSoundModel } from '../../../main/sound/infer/model-choice'
import { buildEscModel } from '../../../main/sound/model'
import { sine } from '../../helpers/audio-signals'
import { repoRoot } from '../../helpers/built-app'
import { tempHome } from '../../helpers/temp-home'
import { routerCalls } from '../../helpers/router-calls'

// sound.classifiers and sound.classify through the router, with a small classifier installed in the workspace.
let app: PerceptApp
let home: string
let cleanup: () => void
const { call } = routerCalls(() => app)

/** A small untrained classifier of these classes, installed in the workspace. */
async function installClassifier(name: string, labels: string[], createdAt: string): Promise<void> {
  const model = buildEscModel({ classes: labels.length, layers: [{ kind: 'conv', filters: 3 }], seed: 2 }, { compile: false })
  const { bytes, inputs, outputs } = exportToOnnxWithSignature(model)
  model.dispose()
  await writeModelPackage(join(home, 'models', name), {
    onnx: bytes,
    meta: {
      formatVersion: 1,
      name,
      task: 'sound-classification',
      inputs,
      outputs,
      preprocessing: { sampleRate: 22050, frameLength: 1024, hopLength: 512, nMels: 64, frames: 41, step: 20, log: 'db' },
      labels,
      provenance: { createdAt, metrics: { accuracy: 0.75 } },
    },
  })
}

beforeAll(async () => {
  ;({ home, cleanup } = tempHome())
  await useBackend('cpu')
  await installClassifier('tiny-esc', ['low', 'high'], '2026-11-01T00:00:00.000Z')
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
  it('lists the installed classifier first; trained on other classes, it is not the default over the bundled one', async () => {
    const list = await call<SoundClassifier[]>('sound.classifiers', {})
    const provenance = { createdAt: '2026-11-01T00:00:00.000Z', metrics: { accuracy: 0.75 } }
    expect(list[0]).toEqual({ id: 'tiny-esc', name: 'tiny-esc', source: 'installed', classNames: ['low', 'high'], accuracy: 0.75, createdAt: provenance.createdAt, provenance, default: false })
    expect(list.slice(1).map((c) => [c.id, c.source, c.default])).toEqual([['bundled/dilated-fixture', 'bundled', true]])
    expect(list[1]!.provenance).toMatchObject({ testExamples: 30, heldOutFolds: 1, synthetic: true, metrics: { accuracy: 0.9 } })
  })

  it('a trained model on the bundled classes becomes the default, for the Sound page and for esc predict', async () => {
    const bundled = await readModelPackage(join(repoRoot, 'models', 'sound', 'dilated-fixture'))
    await installClassifier('esc-mine', bundled.meta.labels!, '2026-11-02T00:00:00.000Z')
    try {
      const list = await call<SoundClassifier[]>('sound.classifiers', {})
      expect(list.filter((c) => c.default).map((c) => c.id)).toEqual(['esc-mine'])
      const chosen = await resolveSoundModel(undefined, join(home, 'models'), join(repoRoot, 'models'))
      expect([chosen.pkg.id, chosen.source]).toEqual(['esc-mine', 'installed'])
      const sound = await call<OpenSound>('audio.open', { path: join(home, 'tone.wav') })
      expect((await call<SoundClassificationResult>('sound.classify', { id: sound.id })).model.id).toBe('esc-mine')
    } finally {
      rmSync(join(home, 'models', 'esc-mine'), { recursive: true })
    }
    const chosen = await resolveSoundModel(undefined, join(home, 'models'), join(repoRoot, 'models'))
    expect([chosen.pkg.id, chosen.source]).toEqual(['dilated-fixture', 'bundled'])
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
