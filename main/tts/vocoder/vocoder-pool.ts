import { availableParallelism } from 'node:os'
import type { MessagePort, Worker } from 'node:worker_threads'
import { spawnWorker, locateJobWorker, type JobWorkerEntry } from '../../core/jobs/worker-entry'
import type { VocoderFeatures } from './defaults'
import { framesOfPulses, planSynthesis, synthesise, synthesisePulses, type SynthesisOptions, type SynthesisPlan } from './synthesis'

/*
 * The synthesis on two cores, through one vocoder thread (vocoder-worker.ts):
 *   - synthesiseInThread: a whole sentence made in the thread, so the caller can compute the next
 *     sentence's networks meanwhile (synthesize.ts);
 *   - synthesiseInParallel: a sentence's pulses cut in two where their cost is halved (a voiced pulse makes
 *     two minimum-phase responses, an unvoiced one); this thread makes the first part while the vocoder
 *     thread makes the second from the frames that part reads, and the two are added.
 * Every pulse is made exactly as synthesise() makes it, with the same noise (gaussian-noise.ts jumps to each
 * part's place in it), so the result is synthesise()'s to float rounding. The thread starts once per process
 * and is kept, unreferenced, for the next sentence; where it cannot start (one core, a build without
 * vocoder-worker.js) or fails, the synthesis runs in this thread.
 */

/** Pulses below which a sentence is made in this thread alone: the hand-over would cost more than it saves. */
const minimumParallelPulses = 200
/** Cost of a voiced pulse relative to an unvoiced one (two responses and a rotation against one). */
const voicedCost = 1.6

interface PartRequest {
  id: number
  plan: SynthesisPlan
  from: number
  to: number
  origin: number
  size: number
  firstFrame: number
  frameCount: number
  /** The frames' envelopes, then their aperiodicities, `plan.bins` each (the synthesis bins only). */
  packed: Float64Array
}
type PartReply = { id: number; ok: true; out: Float64Array } | { id: number; ok: false; message: string }

let thread: VocoderThread | null | undefined
let entryOverride: JobWorkerEntry | undefined

/** Where the vocoder thread starts from (tests: a missing one); the running thread, if any, is stopped. */
export async function setVocoderWorkerEntry(entry: JobWorkerEntry | undefined): Promise<void> {
  entryOverride = entry
  const running = thread
  thread = undefined
  await running?.stop()
}

let lastUsedThread = false
/** Whether the last synthesiseInParallel made a part in the vocoder thread (tests). */
export const partMadeInThread = (): boolean => lastUsedThread

/** synthesise() on two threads where it pays; the same samples. */
export async function synthesiseInParallel(features: VocoderFeatures, options: SynthesisOptions = {}): Promise<Float32Array> {
  const plan = planSynthesis(features, options)
  const out = new Float64Array(plan.length)
  const count = plan.pulses.index.length
  // Started even for a short sentence, so that a warm-up (as `tts say` does) starts it before the clock.
  const ready = vocoderThread()
  const helper = count >= minimumParallelPulses ? ready : null
  lastUsedThread = false
  if (!helper) {
    synthesisePulses(features, plan, 0, count, out)
    return Float32Array.from(out)
  }
  const cut = balancedCut(plan)
  const [first, last] = framesOfPulses(plan, cut, count)
  const origin = Math.max(0, plan.pulses.index[cut]! - plan.fftSize / 2)
  const request = helper.request(plan, cut, count, origin, plan.length - origin, first, last, features)
  synthesisePulses(features, plan, 0, cut, out)
  let part: Float64Array
  try {
    part = await request
    lastUsedThread = true
  } catch {
    // The thread failed: this part is made here instead, and later sentences stay in this thread.
    thread = null
    part = new Float64Array(plan.length - origin)
    synthesisePulses(features, plan, cut, count, part, origin)
  }
  for (let n = 0; n < part.length; n++) out[origin + n]! += part[n]!
  return Float32Array.from(out)
}

/**
 * synthesise() of a whole sentence in the vocoder thread, so this thread can go on (with the next
 * sentence's networks); in this thread where there is no vocoder thread. The same samples.
 */
export async function synthesiseInThread(features: VocoderFeatures, options: SynthesisOptions = {}): Promise<Float32Array> {
  const plan = planSynthesis(features, options)
  const count = plan.pulses.index.length
  const helper = count > 0 ? vocoderThread() : null
  lastUsedThread = false
  if (helper) {
    try {
      const out = await helper.request(plan, 0, count, 0, plan.length, 0, plan.frames - 1, features)
      lastUsedThread = true
      return Float32Array.from(out)
    } catch {
      thread = null
    }
  }
  const out = new Float64Array(plan.length)
  synthesisePulses(features, plan, 0, count, out)
  return Float32Array.from(out)
}

/** The pulse where the cost of the pulses before it first reaches half of the whole. */
function balancedCut(plan: SynthesisPlan): number {
  const { voiced } = plan.pulses
  let total = 0
  for (let i = 0; i < voiced.length; i++) total += voiced[i] ? voicedCost : 1
  let cost = 0
  for (let i = 0; i < voiced.length; i++) {
    cost += voiced[i] ? voicedCost : 1
    if (cost >= total / 2) return i + 1
  }
  return voiced.length
}

function vocoderThread(): VocoderThread | null {
  if (thread !== undefined) return thread
  thread = null
  if (availableParallelism() < 2) return null
  try {
    thread = new VocoderThread(spawnWorker(entryOverride ?? locateJobWorker(import.meta.url, 'vocoder-worker'), null))
  } catch {
    thread = null // no vocoder-worker.js in this build: one thread
  }
  return thread
}

class VocoderThread {
  private next = 0
  private readonly pending = new Map<number, { resolve: (out: Float64Array) => void; reject: (error: Error) => void }>()

  constructor(private readonly worker: Worker) {
    worker.unref()
    worker.on('message', (reply: PartReply) => {
      const waiting = this.pending.get(reply.id)
      if (!waiting) return
      this.pending.delete(reply.id)
      if (reply.ok) waiting.resolve(reply.out)
      else waiting.reject(new Error(reply.message))
    })
    const fail = (error: Error): void => {
      if (thread === this) thread = null
      for (const waiting of this.pending.values()) waiting.reject(error)
      this.pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`the vocoder thread stopped (exit code ${code})`)))
  }

  async stop(): Promise<void> {
    await this.worker.terminate()
  }

  request(plan: SynthesisPlan, from: number, to: number, origin: number, size: number, firstFrame: number, lastFrame: number, features: VocoderFeatures): Promise<Float64Array> {
    const frameCount = lastFrame - firstFrame + 1
    // Only the bins the synthesis reads (every stride-th): the thread's plan has those as its bins.
    const bins = plan.fftSize / 2 + 1
    const stride = (plan.bins - 1) / (bins - 1)
    const packed = new Float64Array(2 * frameCount * bins)
    for (let t = 0; t < frameCount; t++) {
      const envelope = features.spectrum[firstFrame + t]!
      const ratios = features.aperiodicity[firstFrame + t]!
      for (let k = 0, a = t * bins, b = (frameCount + t) * bins; k < bins; k++, a++, b++) {
        packed[a] = envelope[k * stride]!
        packed[b] = ratios[k * stride]!
      }
    }
    const id = this.next++
    const message: PartRequest = { id, plan: { ...plan, bins }, from, to, origin, size, firstFrame, frameCount, packed }
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.ref()
      this.worker.postMessage(message, [packed.buffer])
    }).finally(() => {
      if (this.pending.size === 0) this.worker.unref()
    }) as Promise<Float64Array>
  }
}

/** The vocoder thread's side (vocoder-worker.ts): makes the parts it is sent. */
export function serveVocoderParts(port: MessagePort): void {
  warmUp()
  port.on('message', (request: PartRequest) => {
    try {
      const { plan, packed, frameCount, firstFrame } = request
      const view = (t: number): Float64Array => packed.subarray(t * plan.bins, (t + 1) * plan.bins)
      const frames = {
        spectrum: Array.from({ length: frameCount }, (_, t) => view(t)),
        aperiodicity: Array.from({ length: frameCount }, (_, t) => view(frameCount + t)),
      }
      const out = new Float64Array(request.size)
      synthesisePulses(frames, plan, request.from, request.to, out, request.origin, firstFrame)
      port.postMessage({ id: request.id, ok: true, out } satisfies PartReply, [out.buffer])
    } catch (error) {
      port.postMessage({ id: request.id, ok: false, message: (error as Error).message } satisfies PartReply)
    }
  })
}

/** A fifth of a second of synthesis on starting, so the thread's first sentence runs compiled code. */
function warmUp(): void {
  const frames = 40
  const bins = 1025
  synthesise({
    sampleRate: 16000,
    framePeriodMs: 5,
    f0: Float64Array.from({ length: frames }, (_, t) => (t < 30 ? 120 : 0)),
    spectrum: Array.from({ length: frames }, () => new Float64Array(bins).fill(1e-4)),
    aperiodicity: Array.from({ length: frames }, () => new Float64Array(bins).fill(0.1)),
  })
}
