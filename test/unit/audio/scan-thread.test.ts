import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { scanAsPublished } from '../../../main/audio/scan-thread'

// The scanning thread's side of a two-thread open: when the decoder fails it publishes -1, and the
// scanning side must stop with an error instead of waiting for frames that will never come.
describe('scanAsPublished', () => {
  const shared = (frames: number) => new Int16Array(new SharedArrayBuffer(frames * 2))

  it('stops with an error once the decoder publishes its failure, before any frame', async () => {
    const progress = new Int32Array(new SharedArrayBuffer(4))
    Atomics.store(progress, 0, -1)
    const channels = [shared(4096), shared(4096)]
    await expect(scanAsPublished({ scan: { sampleRate: 8000, channels, progress } })).rejects.toThrow('Decoding stopped before the end of the sound.')
  })

  it('stops with an error when the failure comes after some frames, while it waits or touches pages', async () => {
    const progress = new Int32Array(new SharedArrayBuffer(4))
    const channels = [shared(2_000_000), shared(2_000_000)]
    // Another thread plays the decoder: a first piece, then its failure 50 ms later.
    const decoder = new Worker(
      `const p = new Int32Array(require('node:worker_threads').workerData)
       Atomics.store(p, 0, 1024); Atomics.notify(p, 0)
       setTimeout(() => { Atomics.store(p, 0, -1); Atomics.notify(p, 0) }, 50)`,
      { eval: true, workerData: progress.buffer },
    )
    try {
      while (Atomics.load(progress, 0) === 0) Atomics.wait(progress, 0, 0, 10)
      await expect(scanAsPublished({ scan: { sampleRate: 8000, channels, progress } })).rejects.toThrow('Decoding stopped before the end of the sound.')
    } finally {
      await decoder.terminate()
    }
  })

  it('measures what is published, up to the end', async () => {
    const progress = new Int32Array(new SharedArrayBuffer(4))
    const left = shared(4096).fill(16384)
    Atomics.store(progress, 0, 4096)
    const { message } = await scanAsPublished({ scan: { sampleRate: 8000, channels: [left], progress } })
    expect(message.peak).toBe(0.5)
    expect(message.rms).toBe(0.5)
  })
})
