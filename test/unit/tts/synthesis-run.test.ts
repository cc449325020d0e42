import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobContext } from '../../../main/core/jobs/kind'
import { readWavFile } from '../../../main/dsp/io/wav'
import { letterToSound } from '../../../main/tts/frontend/lexicon'
import { readVoicePackage, Voice } from '../../../main/tts/model/voice-package'
import { sentenceFile, ttsSynthesizeInput, type SynthesisManifest, type TtsSynthesizeInput } from '../../../main/tts/synthesis-job'
import { runSynthesis } from '../../../main/tts/synthesis-run'
import { synthesizeText } from '../../../main/tts/synthesize'
import { tempHome } from '../../helpers/temp-home'

// The synthesis job runs each (sentence, system)'s vocoder in the vocoder thread while it computes the next
// one's networks: every sentence of every system must still be what synthesizeText gives that sentence
// alone, written in order as it is done, with its phones, progress and the notice of a skipped sentence.
const voiceDir = resolve('models/tts/slt-fixture')
const { home, cleanup } = tempHome('percept-synthesis-run-')
let voice: Voice
beforeAll(async () => {
  // As the job opens it by default (int8, as `tts say`).
  voice = await Voice.open(await readVoicePackage(voiceDir), { precision: 'int8' })
  letterToSound()
}, 120_000)
afterAll(async () => {
  await voice?.release()
  cleanup()
})

const sentences = ['The quick brown fox jumps over the lazy dog.', '🙂🙂', 'Speech synthesis turns written text into audible speech.', 'A listener should never wait.']
const speakable = [0, 2, 3]

function context(name: string, onProgress: (fraction: number) => void = () => {}, signal = new AbortController().signal): JobContext {
  const runDir = join(home, name)
  return { jobId: name, runDir, modelsDir: home, cacheDir: home, attempt: 1, signal, progress: (fraction: number) => onProgress(fraction) } as unknown as JobContext
}

const input = (systems: TtsSynthesizeInput['systems']): TtsSynthesizeInput => ttsSynthesizeInput.parse({ text: sentences.join('\n\n'), voiceDir, voiceId: 'slt-fixture', systems })

describe('the synthesis job', () => {
  it('writes each sentence of each system as synthesizeText makes it alone, in order, with phones, progress and notices', async () => {
    const systems = [
      { system: 'mdnn', postFilter: true },
      { system: 'dnn', postFilter: true },
    ] as const
    const progress: number[] = []
    const ctx = context('both', (f) => progress.push(f))
    // The job runs the voice as `tts say` does unless asked otherwise.
    expect(input([...systems]).precision).toBe('int8')
    const manifest: SynthesisManifest = await runSynthesis(input([...systems]), ctx)
    expect(manifest.sentences.map((s) => s.text)).toEqual(speakable.map((i) => sentences[i]))
    expect(manifest.notices.some((n) => n.text === sentences[1] && /skipped/.test(n.reason))).toBe(true)
    expect(progress.at(-1)).toBeCloseTo(1, 10)
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1]!)
    expect(progress).toHaveLength(speakable.length * systems.length)

    let phoneCount = 0
    for (const [k, s] of systems.entries()) {
      const entry = manifest.systems[k]!
      expect(entry.ready).toBe(speakable.length)
      const whole = (await readWavFile(entry.path!)).channels[0]!
      let offset = 0
      for (const [index, n] of speakable.entries()) {
        const alone = await synthesizeText(sentences[n]!, voice, { system: s.system, postFilter: s.postFilter })
        const written = (await readWavFile(sentenceFile(ctx.runDir, entry.key, index))).channels[0]!
        expect(written.length).toBe(alone.samples.length)
        let peak = 0
        let difference = 0
        for (let i = 0; i < written.length; i++) {
          peak = Math.max(peak, Math.abs(alone.samples[i]!))
          // 16-bit samples: within one step of the float ones (and the same in the whole-text WAV).
          difference = Math.max(difference, Math.abs(written[i]! - alone.samples[i]!), Math.abs(whole[offset + i]! - written[i]!))
        }
        expect(peak).toBeGreaterThan(0.01)
        expect(difference).toBeLessThanOrEqual(1.5 / 32767)
        const sentence = manifest.sentences[index]!
        expect(sentence.start).toBeCloseTo(offset / 16000, 9)
        expect(sentence.duration).toBeCloseTo(alone.duration, 9)
        if (k === 0) {
          const phones = manifest.phones.slice(phoneCount, phoneCount + alone.phones.length)
          expect(phones.map((p) => p.phone)).toEqual(alone.phones.map((p) => p.phone))
          phones.forEach((p, i) => expect(p.start).toBeCloseTo(alone.phones[i]!.start + sentence.start, 9))
          phoneCount += alone.phones.length
        }
        offset += written.length
      }
      expect(whole.length).toBe(offset)
      expect(manifest.duration).toBeCloseTo(offset / 16000, 9)
    }
    expect(manifest.phones).toHaveLength(phoneCount)
    const saved = JSON.parse(readFileSync(join(ctx.runDir, 'synthesis.json'), 'utf8')) as SynthesisManifest
    expect(saved.systems.map((s) => s.ready)).toEqual([speakable.length, speakable.length])
  }, 120_000)

  it('stops when cancelled after the first sentence, leaving no whole-text WAV behind', async () => {
    const abort = new AbortController()
    const ctx = context('cancelled', () => abort.abort(), abort.signal)
    await expect(runSynthesis(input([{ system: 'dnn', postFilter: true }]), ctx)).rejects.toThrow()
    const files = readdirSync(ctx.runDir)
    expect(files.filter((f) => f.endsWith('.wav') || f.endsWith('.part'))).toEqual([])
    expect(existsSync(sentenceFile(ctx.runDir, 'dnn', 0))).toBe(true)
    expect(existsSync(sentenceFile(ctx.runDir, 'dnn', 2))).toBe(false)
  }, 60_000)
})
