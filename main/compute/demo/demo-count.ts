import { setTimeout as sleep } from 'node:timers/promises'
import { z } from 'zod'
import { defineJobKind } from '../../core/jobs/kind'

export const demoCountInput = z
  .object({
    /** Count from 1 to n. */
    n: z.number().int().min(1).max(1_000_000).default(10),
    /** Pause after each number, so the count takes a while and can be watched or cancelled. */
    delayMs: z.number().int().min(0).max(60_000).default(100),
  })
  .strict()

/** demo.count: counts to n with a pause per number, reporting progress; for tests and demos. */
export const demoCount = defineJobKind({
  kind: 'demo.count',
  inputSchema: demoCountInput,
  concurrencyGroup: 'default',
  resumable: false,
  title: ({ n }) => `Demo count to ${n}`,
  async run({ n, delayMs }, ctx) {
    ctx.log('info', `counting to ${n}, ${delayMs} ms apart`)
    let sum = 0
    for (let i = 1; i <= n; i++) {
      ctx.signal.throwIfAborted()
      if (delayMs > 0) await sleep(delayMs, undefined, { signal: ctx.signal })
      sum += i
      ctx.progress(i / n, `counted ${i}/${n}`)
    }
    ctx.log('info', `counted to ${n}`)
    return { count: n, sum }
  },
})
