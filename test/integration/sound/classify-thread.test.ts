import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OpenSound, SoundClassificationResult } from '../../../main/api'
import { createPercept, type PerceptApp } from '../../../main/app/compose'
import { readModelPackage } from '../../../main/compute/model-package'
import { OnnxSessionCache } from '../../../main/compute/onnx/onnx-session'
import type { JobWorkerEntry } from '../../../main/core/jobs/worker-entry'
import { encodeWav, readAudioFile } from '../../../main/dsp/io'
import { inThreadClassifier, threadClassifier } from '../../../main/sound/infer/classify-thread'
import { noise, sweep } from '../../helpers/audio-signals'
import { repoRoot } from '../../helpers/built-app'
import { routerCalls } from '../../helpers/router-calls'
import { tempHome } from '../../helpers/temp-home'

// sound.classify in a thread of the audio worker: the same result as in the core's thread, errors that
// cross intact, and a core that answers other calls while ten minutes of audio are classified.
const audioWorker: JobWorkerEntry = { url: new URL('../../../main/app/audio-worker.ts', import.meta.url), loader: 'tsx' }
const bundled = join(repoRoot, 'models', 'sound', 'dilated-fixture')
let app: PerceptApp
let home: string
let cleanup: () => void
const { call } = routerCalls(() => app)

/** Seconds of 44.1 kHz stereo: a sweep on the left, noise on the right. */
function writeSound(name: string, seconds: number): string {
  const path = join(home, name)
  const left = sweep(100, 8000, seconds, 44100, 0.4)
  const right = noise(seconds, 44100, 5, 0.2)
  writeFileSync(path, encodeWav({ sampleRate: 44100, channels: [left, right] }, 'pcm16'))
  return path
}

beforeAll(() => {
  ;({ home, cleanup } = tempHome())
  process.env.PERCEPT_HOME = home
  app = createPercept({ door: 'test' })
  delete process.env.PERCEPT_HOME
})
afterAll(() => {
  app.close()
  cleanup()
})

describe('classifying in a thread', () => {
  it('gives exactly what classifying in this thread gives', async () => {
    const audio = await readAudioFile(writeSound('short.wav', 12))
    const pkg = await readModelPackage(bundled)
    const task = { audio, onnxPath: pkg.onnxPath, meta: pkg.meta }
    const sessions = new OnnxSessionCache()
    const here = await inThreadClassifier(sessions)(task)
    await sessions.releaseAll()
    const there = await threadClassifier(audioWorker)(task)
    expect(there.segments.length).toBeGreaterThan(10)
    expect(there).toEqual(here)
  })

  it('passes a refusal back intact', async () => {
    const audio = await readAudioFile(writeSound('refused.wav', 1))
    const pkg = await readModelPackage(bundled)
    const meta = { ...pkg.meta, task: 'mri-segmentation' as const }
    await expect(threadClassifier(audioWorker)({ audio, onnxPath: pkg.onnxPath, meta })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/is a mri-segmentation model, not a sound classifier/),
    })
  })

  it('keeps the core answering while ten minutes are classified', async () => {
    const sound = await call<OpenSound>('audio.open', { path: writeSound('ten-minutes.wav', 600) })
    let pending = true
    const started = performance.now()
    const classified = call<SoundClassificationResult>('sound.classify', { id: sound.id }).finally(() => (pending = false))
    const latencies: number[] = []
    while (pending) {
      const asked = performance.now()
      await call('sound.presets', {})
      if (pending) latencies.push(performance.now() - asked)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const result = await classified
    const seconds = (performance.now() - started) / 1000
    console.info(`Ten minutes classified in ${seconds.toFixed(1)} s; ${latencies.length} calls answered meanwhile, the slowest in ${Math.round(Math.max(...latencies))} ms.`)
    expect(result.segments.length).toBeGreaterThan(1000)
    expect(latencies.length).toBeGreaterThanOrEqual(3)
    expect(Math.max(...latencies)).toBeLessThan(500)
  })
})
