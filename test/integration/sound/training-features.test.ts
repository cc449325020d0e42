import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PerceptApp } from '../../../main/app/compose'
import { encodeWav } from '../../../main/dsp/io'
import { generateUrbanSoundFixture } from '../../../main/sound/fixtures/urbansound-synth'
import { noise } from '../../helpers/audio-signals'
import { tempApp } from '../../helpers/temp-app'

// sound.train's feature stage as a job: in the pool's threads, cancelled while they work.
let app: PerceptApp
let home: string
let close: () => void
let dataset: string

beforeAll(async () => {
  ;({ app, home, close } = tempApp())
  dataset = join(home, 'UrbanSound8K')
  const fixture = await generateUrbanSoundFixture(dataset, { seed: 8, clipsPerClassPerFold: 1, folds: 3 })
  // The last clip becomes a 3-minute recording: its features take seconds, so a cancel lands while they are computed.
  const last = fixture.clips.at(-1)!
  writeFileSync(last.path, encodeWav({ sampleRate: 44100, channels: [noise(180, 44100, 3, 0.2)] }, 'pcm16'))
}, 60_000)
afterAll(() => close())

describe('sound.train features', () => {
  it('a cancel while the features are computed ends the job as cancelled and leaves no feature cache', async () => {
    const start = await app.router.call('jobs.start', { kind: 'sound.train', input: { dataset, folds: [1], epochs: 1, filters: [4, 4, 8, 8] } }, { door: 'test' })
    if (!start.ok) throw new Error(start.error.message)
    const id = (start.value as { id: string }).id
    const stages: string[] = []
    const stop = app.events.subscribe((event) => {
      if (event.event !== 'job.progress' || event.payload.id !== id || !event.payload.stage.startsWith('features')) return
      if (stages.push(event.payload.stage) === 1) void app.jobs.cancel(id)
    })
    try {
      const settled = await app.jobs.whenSettled(id)
      expect(settled.state).toBe('cancelled')
    } finally {
      stop()
    }
    expect(stages[0]).toMatch(/^features \d+\/30$/)
    const cache = join(home, 'cache', 'sound-features')
    expect(existsSync(cache) ? readdirSync(cache) : []).toEqual([])
  }, 120_000)
})
