import { z } from 'zod'
import { speechSystemSchema } from '../../api/speech'
import { defineJobKind, type JsonValue } from '../../core/jobs/kind'

/*
 * tts.listening: prepares a MUSHRA test as a job (progress, cancel): each sentence by each chosen system,
 * the natural recording as hidden reference and its 3.5 kHz low-pass as anchor where the voice's corpus
 * holds the sentence, all loudness-matched; the test lives in the job's run folder (test-files.ts).
 */
export const ttsListeningInput = z
  .object({
    name: z.string().min(1).max(80),
    voiceDir: z.string().min(1),
    voiceId: z.string().min(1),
    systems: z.array(speechSystemSchema).min(1).max(4),
    sentences: z.number().int().min(1).max(30).default(5),
    texts: z.array(z.string().min(1).max(500)).max(30).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  })
  .strict()
export type TtsListeningInput = z.output<typeof ttsListeningInput>

export const ttsListeningKind = defineJobKind({
  kind: 'tts.listening',
  inputSchema: ttsListeningInput,
  concurrencyGroup: 'default',
  resumable: false,
  title: (input) => `Listening test: ${input.name}`,
  async run(input, ctx) {
    const { prepareListeningTest } = await import('./prepare-run')
    ;(await import('../frontend/lexicon')).cacheLetterToSoundIn(ctx.cacheDir)
    return (await prepareListeningTest(input, ctx)) as unknown as JsonValue
  },
})
