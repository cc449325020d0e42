import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { untrainedVoice } from '../../../main/tts/bench/paper-voice'
import { letterToSound } from '../../../main/tts/frontend/lexicon'
import type { Voice } from '../../../main/tts/model/voice-package'
import { synthesizeText } from '../../../main/tts/synthesize'
import { partMadeInThread } from '../../../main/tts/vocoder/vocoder-pool'

// synthesizeText hands each sentence's vocoder to the vocoder thread while it computes the next sentence's
// networks, and splits the last between both threads: the audio must be what each sentence gives alone.
let voice: Voice
beforeAll(async () => {
  voice = await untrainedVoice('mdnn', { duration: [8], acoustic: [16], autoencoder: [16, 8], bottleneck: [16], postFilter: [16] })
  letterToSound()
}, 120_000)
afterAll(async () => voice?.release())

const sentences = ['The quick brown fox jumps over the lazy dog.', 'Speech synthesis turns written text into audible speech.', 'A listener should never wait for it.']

describe('synthesizeText with the vocoder beside the networks', () => {
  it('gives each sentence the samples it has alone, in order, and streams them in order', async () => {
    for (const system of ['dnn', 'mdnn'] as const) {
      const alone: Float32Array[] = []
      for (const s of sentences) alone.push((await synthesizeText(s, voice, { system })).samples)
      const streamed: number[] = []
      const whole = await synthesizeText(sentences.join(' '), voice, {
        system,
        onSentence: (sentence, index) => {
          streamed.push(index)
          expect(sentence.samples.length).toBe(alone[index]!.length)
        },
      })
      expect(partMadeInThread()).toBe(true) // the last sentence was split with the vocoder thread
      expect(streamed).toEqual([0, 1, 2])
      expect(whole.samples.length).toBe(alone.reduce((n, a) => n + a.length, 0))
      let offset = 0
      let peak = 0
      let difference = 0
      for (const a of alone) {
        for (let i = 0; i < a.length; i++) (peak = Math.max(peak, Math.abs(a[i]!))), (difference = Math.max(difference, Math.abs(a[i]! - whole.samples[offset + i]!)))
        offset += a.length
      }
      expect(peak).toBeGreaterThan(0)
      expect(difference).toBeLessThanOrEqual(1e-6 * peak)
    }
  }, 60_000)
})
