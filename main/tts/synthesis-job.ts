import { join } from 'node:path'
import { z } from 'zod'
import { maxSynthesisText, speechSystemSchema, type SpeechSystem, type SynthesisState } from '../api/speech'
import { defineJobKind, type JsonValue } from '../core/jobs/kind'
import type { VoicePrecision } from './model/voice-package'

/*
 * tts.synthesize: the Speech workspace's synthesis, as a job in a worker (progress, cancel). The text is
 * split into sentences and each sentence is spoken by every chosen system in turn before the next one, so
 * the first sentence of every system is ready early and playback can start while the rest is still being
 * synthesised. Each sentence is a WAV of its own (runs/<job>/sentences/<system>/<n>.wav); the whole audio
 * of a system grows in a temporary WAV that is renamed into place (runs/<job>/<system>.wav) at the end;
 * synthesis.json (written atomically) says what is ready, for speech.synthesis.
 */

export const ttsSynthesizeInput = z
  .object({
    text: z.string().min(1).max(maxSynthesisText),
    /** The voice package's folder and its id (the service resolves the id a person chose). */
    voiceDir: z.string().min(1),
    voiceId: z.string().min(1),
    systems: z.array(speechSystemSchema).min(1).max(4),
    rate: z.number().min(0.5).max(2).default(1),
    pitch: z.number().min(-12).max(12).default(0),
    /** As `tts say` runs a voice by default: its large graphs quantised to 8 bits as it opens (faster). */
    // Written out (type-checked against VoicePrecision) so that the job registry loads no ONNX code at start-up.
    precision: z.enum(['float32', 'int8'] as const satisfies readonly VoicePrecision[]).default('int8'),
  })
  .strict()
export type TtsSynthesizeInput = z.output<typeof ttsSynthesizeInput>

/** synthesis.json: SynthesisState less what the job summary knows (its id and state). */
export type SynthesisManifest = Omit<SynthesisState, 'job' | 'state'>

export const manifestFile = 'synthesis.json'
export const systemKey = (s: SpeechSystem): string => (s.postFilter ? s.system : `${s.system}-raw`)
export const systemLabel = (s: SpeechSystem): string => `${s.system === 'mdnn' ? 'MDNN' : 'DNN'} ${s.postFilter ? '+ post-filter' : 'without post-filter'}`
export const sentenceFile = (runDir: string, key: string, index: number): string => join(runDir, 'sentences', key, `${String(index).padStart(5, '0')}.wav`)

export const ttsSynthesizeKind = defineJobKind({
  kind: 'tts.synthesize',
  inputSchema: ttsSynthesizeInput,
  concurrencyGroup: 'default',
  resumable: false,
  title: (input) => `Speech: "${input.text.length > 40 ? `${input.text.slice(0, 40).trimEnd()}…` : input.text}"`,
  async run(input, ctx) {
    const { runSynthesis } = await import('./synthesis-run')
    // The learnt letter-to-sound rules are read back from the workspace's cache instead of relearnt (seconds) in every job.
    ;(await import('./frontend/lexicon')).cacheLetterToSoundIn(ctx.cacheDir)
    return (await runSynthesis(input, ctx)) as unknown as JsonValue
  },
})
