import { z } from 'zod'
import { enhanceMaskKinds, enhanceModelKinds } from '../api/enhance'
import { defineJobKind, type JsonValue } from '../core/jobs/kind'

/*
 * enhance.run: the Enhancement tab's "Enhance", in a worker (progress, cancel between models). The noisy
 * clip is enhanced by each model given (the chosen one first), and when the clean speech or the noise is
 * known (the other is the noisy clip minus it) the reference IBM of eq. (9) and its oracle resynthesis are
 * made too, and every version is scored against the clean speech. Written to the run folder (result.json
 * last, atomically, so a result that is there is whole): the WAVs at 16 kHz, each mask as a float32 .npy
 * (frames, 622). The service resolves the model ids and checks what it can before starting.
 */

export const enhanceRunInput = z
  .object({
    noisy: z.string().min(1),
    lips: z.string().min(1).optional(),
    clean: z.string().min(1).optional(),
    noise: z.string().min(1).optional(),
    /** The chosen model first; each with its package folder. */
    models: z.array(z.object({ id: z.string().min(1), dir: z.string().min(1), kind: z.enum(enhanceModelKinds) })).min(1).max(8),
    /** Models the service left out, and why; reported with the result. */
    skipped: z.array(z.object({ id: z.string(), reason: z.string() })).default([]),
    mask: z.enum(enhanceMaskKinds).default('soft'),
    lcDb: z.number().min(-30).max(30).default(5),
  })
  .strict()
export type EnhanceRunInput = z.output<typeof enhanceRunInput>

export const RESULT_FILE = 'result.json'

export const enhanceRunKind = defineJobKind({
  kind: 'enhance.run',
  inputSchema: enhanceRunInput,
  concurrencyGroup: 'default',
  resumable: false,
  title: (input) => `Enhance ${input.noisy.split(/[\\/]/).pop() ?? input.noisy}`,
  async run(input, ctx) {
    // Loaded in the worker only: the main thread imports this module for the kind's spec.
    const { runEnhancement } = await import('./run-clip')
    return (await runEnhancement(input, ctx)) as unknown as JsonValue
  },
})
