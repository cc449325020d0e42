import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { untrainedVoice } from '../../../main/tts/bench/paper-voice'
import { letterToSound } from '../../../main/tts/frontend/lexicon'
import type { Voice } from '../../../main/tts/model/voice-package'
import { synthesizeText } from '../../../main/tts/synthesize'

// Bad input for synthesis (issue 15): spoken sensibly or skipped with a notice, never a crash or a silent
// gap. A tiny untrained voice (bench/paper-voice.ts: untrained weights, speech-like normalisation) does
// the whole path, front end to samples, in milliseconds per sentence.
let voice: Voice
beforeAll(async () => {
  voice = await untrainedVoice('mdnn', { duration: [8], acoustic: [16], autoencoder: [16, 8], bottleneck: [16], postFilter: [16] })
  letterToSound() // learnt once per process from CMUdict (seconds): not this file's subject
}, 120_000)
afterAll(async () => voice?.release())

const phones = (r: { phones: { phone: string }[] }): string => r.phones.map((p) => p.phone).join(' ')

describe('synthesizeText on bad input', () => {
  it('refuses empty text and text with nothing to say, naming what was skipped', async () => {
    await expect(synthesizeText('', voice)).rejects.toThrow(/text is empty/)
    await expect(synthesizeText('   \n\t ', voice)).rejects.toThrow(/text is empty/)
    await expect(synthesizeText('🎉🎉 ...', voice)).rejects.toThrow(/Nothing to say.*🎉🎉.*emoji/)
    await expect(synthesizeText('Привет мир', voice)).rejects.toThrow(/Cyrillic/)
  })

  it('skips emoji and other scripts inside a sentence with notices and leaves no gap where they were', async () => {
    const plain = await synthesizeText('Hello world.', voice, { system: 'dnn' })
    const mixed = await synthesizeText('Hello 🎉 мир 世界 world.', voice, { system: 'dnn' })
    // The same phones and the same length: nothing of the skipped text is spoken, not even silence.
    expect(phones(mixed)).toBe(phones(plain))
    expect(mixed.samples.length).toBe(plain.samples.length)
    expect(mixed.notices.map((n) => n.text)).toEqual(['🎉', 'мир', '世界'])
    expect(mixed.notices[1]!.reason).toMatch(/Cyrillic/)
    expect(mixed.notices[2]!.reason).toMatch(/Han/)
    // A sentence of emoji alone between two others is dropped, not said as a pause.
    const between = await synthesizeText('Hello world. 🎉🎉. Hello world.', voice, { system: 'dnn' })
    expect(between.sentences).toBe(2)
    expect(between.notices).toHaveLength(1)
  })

  it('reads URLs and words outside the dictionary aloud', async () => {
    const url = await synthesizeText('See www.example.com/docs today.', voice, { system: 'mdnn' })
    // w w w dot example dot com slash docs: "dot" twice (d aa t) and "slash" (s l ae sh) among the phones.
    expect(phones(url)).toMatch(/d aa t .* d aa t .* s l ae sh/)
    const odd = await synthesizeText('The zxqvrt and brillig toves.', voice, { system: 'dnn' })
    // No rule can say zxqvrt as English: letter-to-sound still gives it phones (z k s k v er t), so it is spoken.
    expect(phones(odd)).toMatch(/z k s k v er t/)
    expect(odd.notices).toEqual([])
    expect(odd.phones.length).toBeGreaterThan(15)
    for (const s of [url, odd]) {
      expect(s.samples.every((v) => Number.isFinite(v))).toBe(true)
      // Speech throughout: no 100 ms stretch of digital silence anywhere in the audio.
      for (let at = 0; at + 1600 <= s.samples.length; at += 800) expect(s.samples.subarray(at, at + 1600).some((v) => v !== 0)).toBe(true)
    }
  }, 30_000)

  it('says 100,000 characters sentence by sentence, and stops when cancelled', async () => {
    const text = 'The cat sat on the mat. '.repeat(4200).slice(0, 100_000)
    const controller = new AbortController()
    const seen: number[] = []
    const started = performance.now()
    await expect(
      synthesizeText(text, voice, {
        system: 'dnn',
        signal: controller.signal,
        onSentence: (sentence, index, total) => {
          expect(total).toBe(4167) // 100,000 / 24 characters a sentence, the last cut short
          expect(sentence.samples.length).toBeGreaterThan(0)
          seen.push(index)
          if (index === 2) controller.abort()
        },
      }),
    ).rejects.toThrow(/abort/i)
    expect(seen).toEqual([0, 1, 2])
    expect(performance.now() - started).toBeLessThan(20_000)
  }, 60_000)

  it('fills the stage timings it is given', async () => {
    const times = {}
    await synthesizeText('Hello there.', voice, { system: 'mdnn', times })
    expect(Object.keys(times).sort()).toEqual(['acoustic', 'durations', 'frontEnd', 'generation', 'postFilter', 'spectral', 'vocoder'])
    for (const t of Object.values(times) as { wallMs: number; cpuMs: number }[]) expect(t.wallMs).toBeGreaterThanOrEqual(0)
  })
})
