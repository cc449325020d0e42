import { z } from 'zod'
import { defineJobKind, type JsonValue } from '../core/jobs/kind'

/*
 * enhance.eval: the Enhancement tab's "Compare": `percept enhance eval` (train/evaluate.ts) for each model
 * on the test part of one corpus, one after the other, side by side. Each model's test part is the one it
 * was trained beside (its split and seed), so models trained on the same split meet the same mixtures.
 */

export const enhanceEvalInput = z
  .object({
    dataset: z.string().min(1),
    models: z.array(z.object({ id: z.string().min(1), dir: z.string().min(1) })).min(1).max(12),
  })
  .strict()
export type EnhanceEvalInput = z.output<typeof enhanceEvalInput>

export const enhanceEvalKind = defineJobKind({
  kind: 'enhance.eval',
  inputSchema: enhanceEvalInput,
  concurrencyGroup: 'default',
  resumable: false,
  title: (input) => `Compare ${input.models.length} enhancement model${input.models.length === 1 ? '' : 's'}`,
  async run(input, ctx) {
    const { readModelPackage } = await import('../compute/model-package')
    const { evaluateEnhanceModel } = await import('./train/evaluate')
    const rows = []
    for (const [i, m] of input.models.entries()) {
      ctx.signal.throwIfAborted()
      const pkg = { ...(await readModelPackage(m.dir)), id: m.id }
      const result = await evaluateEnhanceModel(pkg, input.dataset, (done, total) => {
        ctx.progress((i + done / total) / input.models.length, `${m.id}: mixture ${done}/${total}`)
      })
      const { model, kind, mixtures, f1, accuracy, firingRates, enhancement } = result
      rows.push({ model, kind, mixtures, f1, accuracy, firingRates, enhancement })
      ctx.log('info', `${m.id}: F1 ${f1.toFixed(3)}, accuracy ${(100 * accuracy).toFixed(1)}%, enhanced SI-SDR ${enhancement.enhancedSoft.siSdr.toFixed(2)} dB`)
    }
    return { dataset: input.dataset, rows } as unknown as JsonValue
  },
})
