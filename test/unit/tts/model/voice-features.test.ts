import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { letterToSound } from '../../../../main/tts/frontend/lexicon'
import { analyseSentence } from '../../../../main/tts/frontend/utterance'
import type { StageTimes } from '../../../../main/tts/model/stage-times'
import { postFilterByDefault, readVoicePackage, Voice } from '../../../../main/tts/model/voice-package'
import { sentenceFrames, synthesizeText } from '../../../../main/tts/synthesize'
import { synthesise } from '../../../../main/tts/vocoder/synthesis'

// The baseline's features at the vocoder's bins only (every other one) must make the audio of the whole
// spectra: the vocoder reads those bins and no others. The systems of one sentence share its networks' runs
// and must give what each gives alone.
let voice: Voice
beforeAll(async () => {
  voice = await Voice.open(await readVoicePackage(resolve('models/tts/slt-fixture')))
  letterToSound()
}, 120_000)
afterAll(async () => voice?.release())

async function frameRowsOf(text: string): Promise<{ frameRows: Float32Array; frames: number }> {
  return sentenceFrames(analyseSentence(text).utterance, voice)
}

describe("a voice's features", () => {
  it('run the acoustic and spectral networks once for every system of a sentence, with what each gives alone', async () => {
    const { frameRows, frames } = await frameRowsOf('The quiet harbour slept under the stars.')
    const later: StageTimes = {}
    const variants = [['mdnn', true], ['mdnn', false], ['dnn', true], ['dnn', false]] as const
    const together = []
    for (const [i, [system, postFilter]] of variants.entries()) together.push(await voice.features(frameRows, frames, system, postFilter, i > 0 ? later : undefined))
    // After the first system the acoustic and spectral networks did not run again (the post-filter runs once per
    // variant that has it: mdnn, the first).
    expect(Object.keys(later).sort()).toEqual(['generation'])
    for (const [i, [system, postFilter]] of variants.entries()) {
      const alone = await voice.features(frameRows.slice(), frames, system, postFilter)
      expect(Array.from(together[i]!.f0)).toEqual(Array.from(alone.f0))
      for (let t = 0; t < frames; t += 17) expect(Array.from(together[i]!.spectrum[t]!)).toEqual(Array.from(alone.spectrum[t]!))
    }
  }, 60_000)

  it('at the vocoder\'s bins give the samples of the whole 1025-bin features to float rounding, with and without the post-filter', async () => {
    const { frameRows, frames } = await frameRowsOf('Every night the lamp turned slowly over the quiet harbour.')
    for (const postFilter of [true, false]) {
      const whole = await voice.features(frameRows, frames, 'dnn', postFilter)
      const coarse = await voice.features(frameRows, frames, 'dnn', postFilter, undefined, 'vocoder')
      expect(whole.spectrum[0]).toHaveLength(1025)
      expect(coarse.spectrum[0]).toHaveLength(513)
      expect(coarse.aperiodicity[0]).toHaveLength(513)
      const a = synthesise(whole)
      const b = synthesise(coarse)
      expect(b.length).toBe(a.length)
      let peak = 0
      let difference = 0
      for (let i = 0; i < a.length; i++) (peak = Math.max(peak, Math.abs(a[i]!))), (difference = Math.max(difference, Math.abs(a[i]! - b[i]!)))
      expect(peak).toBeGreaterThan(0.01)
      expect(difference).toBeLessThan(1e-5 * peak)
    }
  }, 60_000)

  it("speak without a post-filter by default where training found it raised the held-out MCD", async () => {
    // The bundled voice's card: MDNNs2 6.91 dB with its post-filter DNN, 3.87 without; DNN 4.88 with the
    // cepstral one, 3.01 without (its speech imitates an HTS voice's, already sharpened).
    expect(voice.source.preprocessing.postFilterNetwork).toBe(false)
    expect(voice.source.preprocessing.cepstralPostFilter).toBe(false)
    for (const system of ['mdnn', 'dnn'] as const) {
      expect(voice.postFilterByDefault(system)).toBe(false)
      const text = 'The harbour lamp turned.'
      const samples = async (postFilter?: boolean) => (await synthesizeText(text, voice, { system, ...(postFilter === undefined ? {} : { postFilter }) })).samples
      const [byDefault, without, withIt] = [await samples(), await samples(false), await samples(true)]
      expect(byDefault).toEqual(without)
      expect(withIt.length).toBe(without.length)
      expect(withIt.some((v, i) => Math.abs(v - without[i]!) > 1e-3)).toBe(true)
    }
    // Older voices, without the flags, keep both post-filters.
    for (const system of ['mdnn', 'dnn'] as const) expect(postFilterByDefault({}, system)).toBe(true)
    expect(postFilterByDefault({ cepstralPostFilter: false, postFilterNetwork: true }, 'mdnn')).toBe(true)
    expect(postFilterByDefault({ cepstralPostFilter: true, postFilterNetwork: false }, 'dnn')).toBe(true)
  }, 60_000)
})
