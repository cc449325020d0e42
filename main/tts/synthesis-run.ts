import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { writeJsonAtomic } from '../core/atomic-file'
import { PerceptError } from '../core/errors'
import type { JobContext } from '../core/jobs/kind'
import { writeWavFile } from '../dsp/io'
import { splitSentences } from './frontend/sentence-split'
import { analyseSentence } from './frontend/utterance'
import { GrowingWav } from './growing-wav'
import { readVoicePackage, Voice } from './model/voice-package'
import { withProsody } from './prosody-voice'
import { manifestFile, sentenceFile, systemKey, systemLabel, type SynthesisManifest, type TtsSynthesizeInput } from './synthesis-job'
import { sentenceFrames, timedPhones, type TimedPhone } from './synthesize'
import { framePeriodMs, vocoderSampleRate } from './vocoder/defaults'
import { VocoderPipeline } from './vocoder/vocoder-pipeline'

/** How often synthesis.json is rewritten at most while sentences come in (the last write always happens). */
const manifestEveryMs = 250
/** Samples per frame. */
const hop = (vocoderSampleRate * framePeriodMs) / 1000

/** The work of tts.synthesize (see synthesis-job.ts): answers the final manifest. */
export async function runSynthesis(input: TtsSynthesizeInput, ctx: JobContext): Promise<SynthesisManifest> {
  const source = await readVoicePackage(input.voiceDir)
  const opened = await Voice.open({ ...source, id: input.voiceId }, { precision: input.precision })
  const voice = withProsody(opened, input.rate, input.pitch)
  const missing = input.systems.filter((s) => !voice.systems.includes(s.system))
  if (missing.length) {
    await opened.release()
    throw new PerceptError('VALIDATION', `The voice ${input.voiceId} speaks with ${voice.systems.join(' and ')} only, not ${missing.map((s) => s.system).join(', ')}: choose among its systems.`)
  }
  const sentences = splitSentences(input.text)
  const manifest: SynthesisManifest = {
    sampleRate: vocoderSampleRate,
    total: sentences.length,
    sentences: [],
    systems: input.systems.map((s) => ({ ...s, key: systemKey(s), label: systemLabel(s), ready: 0, path: null })),
    phones: [],
    notices: [],
    duration: 0,
    rate: input.rate,
    pitch: input.pitch,
  }
  const whole: GrowingWav[] = []
  let lastWrite = 0
  const save = async (force = false): Promise<void> => {
    if (!force && performance.now() - lastWrite < manifestEveryMs) return
    lastWrite = performance.now()
    await writeJsonAtomic(join(ctx.runDir, manifestFile), manifest)
  }
  try {
    for (const s of manifest.systems) {
      await mkdir(dirname(sentenceFile(ctx.runDir, s.key, 0)), { recursive: true })
      whole.push(await GrowingWav.create(join(ctx.runDir, `${s.key}.wav`), vocoderSampleRate))
    }
    await save(true)
    const phones: TimedPhone[] = []
    let offset = 0
    let spoken = 0
    // The vocoder of each sentence and system runs in the vocoder thread while this thread computes the
    // networks of the next (vocoder-pipeline.ts, over (sentence, system) pairs so that every system's sentence
    // is ready before the next sentence); pairs are written in order.
    const pipeline = new VocoderPipeline()
    const last = manifest.systems.length - 1
    try {
      for (const [n, sentence] of sentences.entries()) {
        ctx.signal.throwIfAborted()
        const analysed = analyseSentence(sentence)
        if (analysed.utterance.phrases.length === 0) {
          // A sentence with nothing speakable in it (only emoji, another script): skipped with a notice.
          manifest.notices.push({ text: sentence.length > 80 ? `${sentence.slice(0, 80)}…` : sentence, reason: 'nothing in this sentence can be spoken; skipped' })
          continue
        }
        manifest.notices.push(...analysed.notices)
        // The front end and the durations once for every system (they share the duration network).
        const { frameRows, frames, phoneNames, durations } = await sentenceFrames(analysed.utterance, voice)
        const start = offset
        const sentencePhones = timedPhones(phoneNames, durations, (f) => start + (f * framePeriodMs) / 1000)
        const index = spoken++
        const length = frames * hop
        offset += length / vocoderSampleRate
        for (const [k, system] of manifest.systems.entries()) {
          const features = await voice.features(frameRows, frames, system.system, system.postFilter, undefined, 'vocoder')
          await pipeline.add(features, length, n === sentences.length - 1 && k === last, async (result) => {
            if (k === 0) {
              phones.push(...sentencePhones)
              manifest.sentences.push({ index, text: sentence, start, duration: length / vocoderSampleRate })
            }
            // Every system's sentence has the same length (the same durations), so the playheads match.
            const samples = result.length === length ? result : fit(result, length)
            await writeWavFile(sentenceFile(ctx.runDir, system.key, index), { sampleRate: vocoderSampleRate, channels: [samples] }, 'pcm16')
            await whole[k]!.append(samples)
            system.ready = index + 1
            ctx.progress((n + (k + 1) / manifest.systems.length) / sentences.length, `sentence ${n + 1} of ${sentences.length}`)
            await save(k === 0)
          }, ctx.signal)
        }
      }
      await pipeline.drain()
    } catch (error) {
      // A pair still in the vocoder thread is dropped; waited for, so no write comes after the files close.
      await pipeline.abandon()
      throw error
    }
    if (spoken === 0) {
      const why = manifest.notices.map((x) => `"${x.text}": ${x.reason}`).slice(0, 3).join('; ')
      throw new PerceptError('VALIDATION', `Nothing in the text can be spoken${why ? ` (${why})` : ''}: give words in English.`)
    }
    for (const [k, system] of manifest.systems.entries()) {
      await whole[k]!.finish()
      system.path = join(ctx.runDir, `${system.key}.wav`)
    }
    whole.length = 0
    manifest.phones = phones
    manifest.duration = offset
    await save(true)
    return manifest
  } finally {
    await Promise.all(whole.map((w) => w.abandon()))
    await opened.release()
  }
}

/** Cut or zero-pad to `length` samples. */
function fit(samples: Float32Array, length: number): Float32Array {
  const out = new Float32Array(length)
  out.set(samples.subarray(0, length))
  return out
}
