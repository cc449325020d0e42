import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readMono16k } from '../../../../main/enhance/audio-source'
import { loadCorpus } from '../../../../main/enhance/corpus/dataset'
import { generateFixture, type FixtureSummary } from '../../../../main/enhance/corpus/fixture'
import { parseAlign } from '../../../../main/enhance/corpus/grid-align'
import { tempHome } from '../../../helpers/temp-home'

const hasFestival = !spawnSync('festival', ['--version']).error

function correlation(a: readonly number[], b: readonly number[]): number {
  const mean = (x: readonly number[]) => x.reduce((s, v) => s + v, 0) / x.length
  const [ma, mb] = [mean(a), mean(b)]
  let ab = 0
  let aa = 0
  let bb = 0
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb)
    aa += (a[i]! - ma) ** 2
    bb += (b[i]! - mb) ** 2
  }
  return ab / Math.sqrt(aa * bb)
}

describe('generateFixture without festival', () => {
  it('names the Debian packages when festival is missing, and refuses a folder that is not empty', async () => {
    const { home, cleanup } = tempHome('percept-fixture-')
    try {
      await expect(generateFixture(join(home, 'a'), { speakers: 1, utterances: 1, seed: 1, festival: 'festival-not-installed-here' })).rejects.toThrow(
        /festival is not installed .* sudo apt-get install festival festvox-us-slt-hts festvox-kallpc16k/,
      )
      writeFileSync(join(home, 'x.txt'), 'x')
      await expect(generateFixture(home, { speakers: 1, utterances: 1, seed: 1 })).rejects.toThrow(/is not empty; give a new or empty folder/)
      await expect(generateFixture(join(home, 'b'), { speakers: 0, utterances: 1, seed: 1 })).rejects.toThrow(/number of speakers must be a whole number from 1 to 34, got 0/)
    } finally {
      cleanup()
    }
  })
})

describe.skipIf(!hasFestival)('generateFixture with festival (2 utterances: one per voice)', () => {
  let home: string
  let cleanup: () => void
  let summary: FixtureSummary
  beforeAll(async () => {
    ;({ home, cleanup } = tempHome('percept-fixture-'))
    summary = await generateFixture(join(home, 'corpus'), { speakers: 2, utterances: 1, seed: 21, noiseRecordings: 1, noiseSeconds: 1 })
  }, 60_000)
  afterAll(() => cleanup())

  it('writes the GRID-like layout, with corpus.json saying it is synthetic', async () => {
    expect(summary.utterances.map((u) => u.speaker)).toEqual(['s1', 's2'])
    expect(summary.speakers.map((s) => s.voice.name)).toEqual(['cmu_us_slt_arctic_hts', 'kal_diphone'])
    expect(summary.unknownPhones).toEqual([])
    const description = JSON.parse(readFileSync(join(home, 'corpus', 'corpus.json'), 'utf8'))
    expect(description).toMatchObject({ synthetic: true, seed: 21, sampleRate: 16_000, fps: 25, lips: { width: 92, height: 50 }, voices: ['cmu_us_slt_arctic_hts', 'kal_diphone'] })
    const corpus = await loadCorpus(join(home, 'corpus'))
    expect(corpus.problems).toEqual([])
    expect(corpus.items.map((i) => `${i.speaker}/${i.id}`)).toEqual(summary.utterances.map((u) => `${u.speaker}/${u.id}`))
    expect(corpus.noiseTypes).toEqual(['babble', 'bus', 'cafe', 'pedestrian', 'street'])
    for (const u of summary.utterances) {
      // GRID's naming: the initials of command, colour, preposition, the letter, the digit as a figure (zero: z), the adverb's initial
      const w = corpus.items.find((i) => i.id === u.id)!.words!
      const digit = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'].indexOf(w[4]!)
      expect(w).toHaveLength(6)
      expect(`${w[0]![0]}${w[1]![0]}${w[2]![0]}${w[3]}${digit === 0 ? 'z' : digit}${w[5]![0]}`).toBe(u.id)
      expect(w.join(' ')).toBe(u.text.toLowerCase())
      expect(readdirSync(join(home, 'corpus', 'speakers', u.speaker, 'video', u.id))).toHaveLength(Math.round(u.seconds * 25))
      expect(u.videoFrames).toBe(Math.round(u.seconds * 25))
    }
  })

  it('is repeatable: the same seed gives the same speech and lips', async () => {
    const again = await generateFixture(join(home, 'again'), { speakers: 1, utterances: 1, seed: 21, noiseRecordings: 1, noiseSeconds: 1 })
    const u = summary.utterances[0]!
    expect(again.utterances[0]!.id).toBe(u.id)
    const file = (root: string, ...path: string[]) => readFileSync(join(home, root, 'speakers', 's1', ...path))
    expect(file('again', 'audio', `${u.id}.wav`).equals(file('corpus', 'audio', `${u.id}.wav`))).toBe(true)
    expect(file('again', 'video', u.id, 'frame_0010.png').equals(file('corpus', 'video', u.id, 'frame_0010.png'))).toBe(true)
  }, 30_000)

  it('keeps the phone timings: back to back, increasing, ending within 50 ms of the wave', () => {
    for (const u of summary.utterances) {
      expect(u.phones[0]!.start).toBe(0)
      expect(u.phones[0]!.label).toBe('pau')
      for (let i = 0; i < u.phones.length; i++) {
        expect(u.phones[i]!.end).toBeGreaterThan(u.phones[i]!.start)
        if (i > 0) expect(u.phones[i]!.start).toBe(u.phones[i - 1]!.end)
      }
      expect(Math.abs(u.phones[u.phones.length - 1]!.end - u.seconds)).toBeLessThan(0.05)
      // the written .phones file holds the same timings, to 1/25000 s
      const written = parseAlign(readFileSync(join(home, 'corpus', 'speakers', u.speaker, 'phones', `${u.id}.phones`), 'utf8'))
      expect(written.map((p) => p.label)).toEqual(u.phones.map((p) => p.label))
      written.forEach((p, i) => expect(Math.abs(p.end - u.phones[i]!.end)).toBeLessThanOrEqual(0.5 / 25_000 + 1e-9))
    }
  })

  it('opens the mouth with the speech: per video frame, opening and the RMS of the audio correlate above 0.4', async () => {
    for (const u of summary.utterances) {
      const { samples } = await readMono16k(join(home, 'corpus', 'speakers', u.speaker, 'audio', `${u.id}.wav`))
      expect(samples).toHaveLength(u.samples)
      // video frame k covers samples [640 k, 640 (k + 1)) at 16 kHz and 25 fps
      const envelope = u.opening.map((_, k) => {
        let sum = 0
        const to = Math.min(samples.length, 640 * (k + 1))
        for (let i = 640 * k; i < to; i++) sum += samples[i]! ** 2
        return Math.sqrt(sum / Math.max(1, to - 640 * k))
      })
      expect(correlation(u.opening, envelope)).toBeGreaterThan(0.4)
    }
  })
})
