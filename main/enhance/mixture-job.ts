import { z } from 'zod'
import { demoNoiseTypes } from '../api/enhance'
import { defineJobKind, type JsonValue } from '../core/jobs/kind'

/*
 * enhance.mixture: a demo clip for a person with no data of their own. The synthetic fixture corpus
 * (corpus/fixture.ts: festival speech with rendered lips, synthetic noises) is made once in the
 * workspace's datasets folder, small (1 speaker, 3 utterances: about 5 s); then one utterance, picked by
 * the seed, is mixed with a recording of the chosen noise type at the SNR asked (mixture.ts: the
 * whole-file energy ratio), from a start in the noise drawn from the same seed. The clean speech, the
 * noise as mixed and the noisy clip are written to the run folder; the lips are the fixture's frames.
 */

export const enhanceMixtureInput = z
  .object({
    /** The workspace's demo corpus folder (made when it holds no corpus.json). */
    corpusDir: z.string().min(1),
    snrDb: z.number().min(-20).max(20).default(0),
    noise: z.enum(demoNoiseTypes).default('cafe'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
  })
  .strict()
export type EnhanceMixtureInput = z.output<typeof enhanceMixtureInput>

export const enhanceMixtureKind = defineJobKind({
  kind: 'enhance.mixture',
  inputSchema: enhanceMixtureInput,
  concurrencyGroup: 'default',
  resumable: false,
  title: (input) => `Demo mixture: ${input.noise} at ${input.snrDb} dB`,
  async run(input, ctx) {
    const { makeDemoMixture } = await import('./demo-mixture')
    return (await makeDemoMixture(input, ctx)) as unknown as JsonValue
  },
})
