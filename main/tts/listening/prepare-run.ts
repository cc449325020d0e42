import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { ListeningCondition } from '../../api/speech'
import { writeJsonAtomic } from '../../core/atomic-file'
import { seededRandom } from '../../compute/seeded-random'
import { PerceptError } from '../../core/errors'
import type { JobContext } from '../../core/jobs/kind'
import { integratedLoudness, readAudioFile, resample, rmsLevel, writeWavFile } from '../../dsp/io'
import { importCorpus } from '../corpus/import-corpus'
import { readVoicePackage, Voice } from '../model/voice-package'
import { synthesizeText } from '../synthesize'
import { systemKey, systemLabel } from '../synthesis-job'
import { vocoderSampleRate } from '../vocoder/defaults'
import { lowPass } from './low-pass'
import type { TtsListeningInput } from './prepare-job'
import { shuffled } from './randomise'
import { stimulusPath, testFile, type TestFile } from './test-files'

/** The loudness every stimulus is brought to (BS.1534-3 asks for equal loudness; -26 LUFS leaves headroom for speech peaks). */
const targetLufs = -26

/** Gain (linear) that brings `samples` to the target loudness; RMS stands in for a sound too short to gate. */
function gainToTarget(samples: Float32Array): number {
  const lufs = integratedLoudness({ sampleRate: vocoderSampleRate, channels: [samples] })
  if (lufs !== null) return 10 ** ((targetLufs - lufs) / 20)
  const rms = rmsLevel({ sampleRate: vocoderSampleRate, channels: [samples] })
  return rms > 0 ? 10 ** ((targetLufs - 20 * Math.log10(rms)) / 20) : 1
}

/** The work of tts.listening (see prepare-job.ts): answers the test file. */
export async function prepareListeningTest(input: TtsListeningInput, ctx: JobContext): Promise<TestFile> {
  const source = await readVoicePackage(input.voiceDir)
  const voice = await Voice.open({ ...source, id: input.voiceId })
  try {
    const missing = input.systems.filter((s) => !voice.systems.includes(s.system))
    if (missing.length) throw new PerceptError('VALIDATION', `The voice ${input.voiceId} speaks with ${voice.systems.join(' and ')} only, not ${missing.map((s) => s.system).join(', ')}.`)
    // The sentences: those given, or the voice's held-out sentences with their natural recordings.
    let sentences: Array<{ id: string; text: string; wav: string | null }>
    if (input.texts?.length) {
      sentences = input.texts.map((text, i) => ({ id: `text-${i + 1}`, text, wav: null }))
    } else {
      const corpus = source.preprocessing.corpus
      if (!existsSync(corpus)) throw new PerceptError('NOT_FOUND', `The corpus the voice ${input.voiceId} was trained on (${corpus}) is not there any more: give sentences to say instead (without a natural reference).`)
      const { utterances } = await importCorpus(corpus)
      const held = utterances.filter((u) => source.preprocessing.heldOut.includes(u.id))
      if (held.length === 0) throw new PerceptError('VALIDATION', `None of the sentences the voice held out is usable in ${corpus}: give sentences to say instead.`)
      const chosen = shuffled(held, seededRandom(input.seed)).slice(0, input.sentences)
      if (chosen.length < input.sentences) ctx.log('warn', `The voice held out ${held.length} sentence(s); the test has ${chosen.length}, not ${input.sentences}.`)
      sentences = chosen.map((u) => ({ id: u.id, text: u.text, wav: u.wav }))
    }
    const hasReference = sentences.every((s) => s.wav !== null)
    const conditions: ListeningCondition[] = [
      ...input.systems.map((s) => ({ id: systemKey(s), label: systemLabel(s), kind: 'system' as const })),
      ...(hasReference
        ? [
            { id: 'reference', label: 'Hidden reference (natural speech)', kind: 'reference' as const },
            { id: 'anchor', label: 'Low anchor (reference low-passed at 3.5 kHz)', kind: 'anchor' as const },
          ]
        : []),
    ]
    const steps = sentences.length * (input.systems.length + 1)
    let done = 0
    for (const [n, sentence] of sentences.entries()) {
      const stimuli = new Map<string, Float32Array>()
      if (hasReference) {
        const natural = await readAudioFile(sentence.wav!)
        const mono = natural.channels[0]!
        const reference = natural.sampleRate === vocoderSampleRate ? mono : await resample(mono, natural.sampleRate, vocoderSampleRate)
        stimuli.set('reference', reference)
        stimuli.set('anchor', lowPass(reference, vocoderSampleRate, 3500))
      }
      ctx.progress(++done / steps, `sentence ${n + 1} of ${sentences.length}`)
      for (const system of input.systems) {
        ctx.signal.throwIfAborted()
        const spoken = await synthesizeText(sentence.text, voice, { system: system.system, postFilter: system.postFilter, signal: ctx.signal })
        stimuli.set(systemKey(system), spoken.samples)
        ctx.progress(++done / steps, `sentence ${n + 1} of ${sentences.length}`)
      }
      // Equal loudness within the trial, then one common gain so that no stimulus clips.
      const gains = new Map([...stimuli].map(([id, x]) => [id, gainToTarget(x)]))
      const peak = Math.max(...[...stimuli].map(([id, x]) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0) * gains.get(id)!))
      const common = peak > 0.98 ? 0.98 / peak : 1
      for (const [id, x] of stimuli) {
        const path = stimulusPath(ctx.runDir, n, id)
        await mkdir(dirname(path), { recursive: true })
        const g = gains.get(id)! * common
        await writeWavFile(path, { sampleRate: vocoderSampleRate, channels: [x.map((v) => v * g)] }, 'pcm16')
      }
    }
    const test: TestFile = {
      formatVersion: 1,
      name: input.name,
      voice: input.voiceId,
      createdAt: new Date().toISOString(),
      loudness: targetLufs,
      hasReference,
      sentences: sentences.map(({ id, text }) => ({ id, text })),
      conditions,
    }
    await writeJsonAtomic(join(ctx.runDir, testFile), test)
    return test
  } finally {
    await voice.release()
  }
}
