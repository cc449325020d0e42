import { statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import type { Worker } from 'node:worker_threads'
import { PerceptError } from '../../core/errors'
import { spawnWorker, type JobWorkerEntry } from '../../core/jobs/worker-entry'
import type { BatchClip, ClipOutcome } from './feature-batch'
import type { SegmentConfig } from './segments'
import type { BatchRequest, ThreadMessage } from './feature-thread'

/** Feature threads: where they start (the composition root locates main/app/feature-worker.ts) and how many. */
export interface FeatureThreads {
  entry: JobWorkerEntry
  /** Default: os.availableParallelism(). */
  threads?: number
}

/** Enough clips a batch that handing batches over costs little, few enough to share work out evenly. */
const mostClipsPerBatch = 24
/** And at most this much file a batch, so long recordings go a few at a time (decoded, they take 2-4 times as much). */
const mostBytesPerBatch = 48 * 2 ** 20
/**
 * Batches start at most this many clips past the oldest one still computing: the cache is written in clip
 * order, so what finishes beyond a slow batch (a long recording) waits in memory; 512 clips of 4 s are 75 MB.
 */
const mostClipsAhead = 512

/** Consecutive clips in batches: about four per thread, within the limits above. */
export function planBatches(clips: readonly { path: string }[], threads: number): BatchClip[][] {
  const size = Math.max(1, Math.min(mostClipsPerBatch, Math.ceil(clips.length / (threads * 4))))
  const batches: BatchClip[][] = []
  let batch: BatchClip[] = []
  let bytes = 0
  clips.forEach((clip, index) => {
    let fileBytes = 0
    try {
      fileBytes = statSync(clip.path).size
    } catch {} // reading it reports the problem
    if (batch.length > 0 && (batch.length >= size || bytes + fileBytes > mostBytesPerBatch)) {
      batches.push(batch)
      batch = []
      bytes = 0
    }
    batch.push({ index, path: clip.path })
    bytes += fileBytes
  })
  if (batch.length) batches.push(batch)
  return batches
}

interface Slot {
  worker: Worker
  batch: BatchClip[] | null
  ready: boolean
  gone: boolean
}

/**
 * Every clip's outcome, computed in worker threads, as the batches finish (not in clip order). A clip
 * that fails is an outcome with its error. A thread that dies (out of memory on a huge file) has its
 * batch's clips retried one at a time in a new thread, so only the clip at fault is lost; one that dies
 * before it is ready means the threads cannot run at all, and fails the whole. Aborting the signal, or
 * the consumer stopping, terminates the threads at once.
 */
export async function* outcomesInThreads(
  clips: readonly { path: string }[],
  config: SegmentConfig,
  pool: FeatureThreads,
  signal?: AbortSignal,
): AsyncGenerator<ClipOutcome> {
  const threads = Math.max(1, pool.threads ?? availableParallelism())
  const pending = planBatches(clips, threads)
  const ready: ClipOutcome[] = []
  const slots = new Set<Slot>()
  let failure: Error | null = null
  let closing = false
  let nextId = 0
  let wake: (() => void) | null = null
  const notify = (): void => {
    wake?.()
    wake = null
  }

  const oldestComputing = (): number => Math.min(...[...slots].flatMap((s) => (s.batch ? [s.batch[0]!.index] : [])))
  const dispatch = (slot: Slot): void => {
    slot.batch = null
    if (!pending.length || pending[0]![0]!.index - oldestComputing() >= mostClipsAhead) return
    slot.batch = pending.shift()!
    slot.worker.postMessage({ id: nextId++, clips: slot.batch, config } satisfies BatchRequest)
  }
  const gone = (slot: Slot, reason: string): void => {
    if (slot.gone || closing) return
    slot.gone = true
    slots.delete(slot)
    if (!slot.ready) failure = new PerceptError('UNAVAILABLE', `The feature threads could not start: ${reason}`)
    else if (slot.batch && slot.batch.length > 1) pending.unshift(...slot.batch.map((clip) => [clip]))
    else if (slot.batch) ready.push({ index: slot.batch[0]!.index, error: `Computing its features stopped the thread (${reason}); the file may be too large.` })
    if (!failure && pending.length && slots.size < threads) dispatch(start())
    notify()
  }
  const start = (): Slot => {
    const worker = spawnWorker(pool.entry, null)
    const slot: Slot = { worker, batch: null, ready: false, gone: false }
    slots.add(slot)
    worker.on('message', (message: ThreadMessage) => {
      if (message.type === 'ready') {
        slot.ready = true
        return
      }
      ready.push(...message.outcomes)
      slot.batch = null
      // The oldest batch may have moved on: idle threads may start again.
      for (const idle of slots) if (!idle.batch && !idle.gone) dispatch(idle)
      notify()
    })
    worker.on('error', (error) => gone(slot, error.message))
    worker.on('exit', (code) => gone(slot, `exit code ${code}`))
    return slot
  }

  signal?.addEventListener('abort', notify)
  try {
    for (let i = 0; i < Math.min(threads, pending.length); i++) dispatch(start())
    for (let delivered = 0; delivered < clips.length; ) {
      signal?.throwIfAborted()
      if (failure) throw failure
      const outcome = ready.shift()
      if (outcome) {
        delivered++
        yield outcome
      } else {
        await new Promise<void>((resolve) => (wake = resolve))
      }
    }
  } finally {
    closing = true
    signal?.removeEventListener('abort', notify)
    await Promise.all([...slots].map((slot) => slot.worker.terminate()))
  }
}
