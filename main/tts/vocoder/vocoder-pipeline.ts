import type { VocoderFeatures } from './defaults'
import { synthesiseInParallel, synthesiseInThread } from './vocoder-pool'

/**
 * Sentences through the vocoder on both cores, in order: each is made in the vocoder thread while the caller
 * computes the next one's networks (one in the thread at most, so a long text holds no more than that), and
 * the last is split between both threads (vocoder-pool.ts). `done` runs for each in the order they were added.
 */
export class VocoderPipeline {
  private inHand: Promise<void> | null = null
  private stopped = false

  /** Waits for the sentence in the thread, then hands this one over; the last one is made before this returns. */
  async add(features: VocoderFeatures, length: number, last: boolean, done: (samples: Float32Array) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
    await this.drain()
    signal?.throwIfAborted()
    const finish = async (samples: Float32Array): Promise<void> => {
      if (!this.stopped) await done(samples)
    }
    if (last) return finish(await synthesiseInParallel(features, { length }))
    this.inHand = synthesiseInThread(features, { length }).then(finish)
    // A failure is thrown where it is awaited (the next add or drain); meanwhile it must not count as unhandled.
    this.inHand.catch(() => {})
  }

  /** Waits for the sentence still in the thread. */
  async drain(): Promise<void> {
    const pending = this.inHand
    this.inHand = null
    await pending
  }

  /** Drops the sentence still in the thread and waits for it, so that `done` runs no more. */
  async abandon(): Promise<void> {
    this.stopped = true
    await this.inHand?.catch(() => {})
  }
}
