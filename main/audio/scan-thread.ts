import type { Worker } from 'node:worker_threads'
import { PerceptError } from '../core/errors'
import { spawnWorker, type JobWorkerEntry } from '../core/jobs/worker-entry'
import type { SampleData, Samples } from '../dsp/samples'
import type { AudioThreadReply } from './audio-thread'
import { SoundScan, type ScanResult } from './sound-scan'

/*
 * Decoding and measuring a long WAV on two cores: the decoding thread writes each piece into channels
 * on SharedArrayBuffers and publishes how many frames are done in a shared counter (Atomics.store, so
 * the samples written before it are visible to whoever reads the count); a scanning thread waits on the
 * counter and runs SoundScan over each new stretch. For an hour of 44.1 kHz stereo the decoding side
 * (reading, converting, first touching 635 MB of int16) and the scanning side (peaks, RMS, loudness) take about
 * 1.5 and 2.3 s of CPU, so they overlap instead of adding up.
 */

/** What the scanning thread is given (main/app/audio-worker.ts starts it). */
export interface ScanTask {
  scan: { sampleRate: number; channels: Samples[]; progress: Int32Array }
}

/** The counter's value once the decoding side has failed: the scanning side stops. */
const failed = -1

/**
 * The scanning thread's side: measures the frames as they are published, until all are; the result
 * with the pyramid's arrays listed for transfer.
 */
export async function scanAsPublished({ scan: { sampleRate, channels, progress } }: ScanTask): Promise<{ message: ScanResult; transfer: ArrayBuffer[] }> {
  const frames = channels[0]?.length ?? 0
  const scan = new SoundScan({ sampleRate, channels })
  const ahead = new PagesAhead(channels)
  for (let done = 0; done < frames; ) {
    // Nothing new to measure: fault in pages the decoder has not reached, rather than wait.
    while (Atomics.load(progress, 0) === done && ahead.touch(done)) {}
    Atomics.wait(progress, 0, done)
    const ready = Atomics.load(progress, 0)
    if (ready === failed) throw new PerceptError('INTERNAL', 'Decoding stopped before the end of the sound.')
    if (ready > done) scan.add((done = ready))
  }
  const message = scan.finish()
  return { message, transfer: message.levels.flatMap((levels) => levels.flatMap((l) => [l.min.buffer as ArrayBuffer, l.max.buffer as ArrayBuffer])) }
}

/**
 * The channels' memory, first touched from the end backwards while the scanning thread would otherwise
 * wait. The first write to a page of fresh memory costs the writer a page fault; on the 2-core VM measured
 * (December 2026) faulting in the 1.27 GB of an hour of stereo as floats (635 MB as int16 now) took 0.7-5 s on one thread, and two threads
 * faulting halves apart took about 0.6x the time of one. So the scanning thread, idle whenever it has
 * caught up with the decoder, takes part of that cost off the decoding side. Each touch is an atomic
 * or-with-zero: a write that never changes a value, so it is harmless even where the decoder writes too.
 */
class PagesAhead {
  private readonly words: Int32Array[]
  /** Bytes a frame takes in each channel (4 for float32, 2 for int16). */
  private readonly sampleBytes: number
  /** Frames from here to the end are touched. */
  private next: number

  constructor(channels: readonly Samples[]) {
    this.words = channels.filter((c) => c.buffer instanceof SharedArrayBuffer).map((c) => new Int32Array(c.buffer, c.byteOffset, c.byteLength >> 2))
    this.sampleBytes = channels[0]?.BYTES_PER_ELEMENT ?? 4
    this.next = this.words.length === channels.length ? (channels[0]?.length ?? 0) : 0
  }

  /** Touches one stretch ahead of `decoded`; false once nothing is left to touch there. */
  touch(decoded: number): boolean {
    const from = Math.max(decoded + touchMargin, this.next - touchStretch)
    if (from >= this.next) return false
    const [first, end] = [(from * this.sampleBytes) >> 2, (this.next * this.sampleBytes) >> 2]
    for (const words of this.words) for (let i = first; i < Math.min(end, words.length); i += wordsPerPage) Atomics.or(words, i, 0)
    this.next = from
    return true
  }
}

/** Frames a touch covers (per channel), and how far ahead of the decoder touching stops: it gets there first. */
const touchStretch = 64 * 1024
const touchMargin = 4 * touchStretch
/** 32-bit words in a 4 KiB page (larger pages are touched more than once: harmless). */
const wordsPerPage = 1024

/** The decoding thread's side: a scanning thread over `audio` (shared channels) that it tells of each piece. */
export class ScanThread {
  private readonly progress = new Int32Array(new SharedArrayBuffer(4))
  private readonly worker: Worker
  private readonly result: Promise<ScanResult>

  constructor(entry: JobWorkerEntry, audio: SampleData) {
    this.worker = spawnWorker(entry, { scan: { sampleRate: audio.sampleRate, channels: audio.channels, progress: this.progress } } satisfies ScanTask)
    this.result = new Promise((resolve, reject) => {
      this.worker.once('message', (reply: AudioThreadReply<ScanResult>) => (reply.ok ? resolve(reply.value) : reject(PerceptError.fromWire(reply.error))))
      this.worker.once('error', reject)
      this.worker.once('exit', (code) => reject(new PerceptError('INTERNAL', `The thread measuring the sound stopped (exit code ${code}) before it answered.`)))
    })
    this.result.catch(() => {}) // awaited by finish(), or abandoned by abort()
  }

  /** Frames up to `to` are decoded. */
  report(to: number): void {
    Atomics.store(this.progress, 0, to)
    Atomics.notify(this.progress, 0)
  }

  async finish(): Promise<ScanResult> {
    try {
      return await this.result
    } finally {
      void this.worker.terminate()
    }
  }

  /** Decoding failed: the thread stops waiting and ends. */
  abort(): void {
    this.report(failed)
    void this.worker.terminate()
  }
}
