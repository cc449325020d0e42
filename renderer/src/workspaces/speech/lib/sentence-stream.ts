import { fetchBytes } from '../../../lib/resources'

/*
 * Playback that starts while later sentences are still being synthesised: each sentence is a WAV of its
 * own (res/speech/synthesis/<job>/<system>/<n>), fetched as soon as the job says it is ready, decoded and
 * scheduled on one AudioContext right after the one before, so the sentences join without a gap. A
 * sentence that arrives late starts as soon as it is there (the listener hears a pause, never a skip).
 */

export interface StreamStatus {
  /** Sentences scheduled so far, and the one playing now (0-based), null when stopped or waiting. */
  scheduled: number
  playing: number | null
  /** Waiting for the next sentence to be synthesised. */
  waiting: boolean
}

export class SentenceStream {
  private context: AudioContext | null = null
  private sources: AudioBufferSourceNode[] = []
  private starts: number[] = []
  private next = 0
  private cursor = 0
  private loading = false
  private ready = 0
  private finished = false
  private timer: ReturnType<typeof setInterval> | null = null
  private abort = new AbortController()

  constructor(
    private readonly url: (sentence: number) => string,
    private readonly onStatus: (status: StreamStatus | null) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts playing from the first sentence; call from a user gesture (autoplay rules). */
  start(context: AudioContext): void {
    this.context = context
    void context.resume()
    this.cursor = context.currentTime + 0.05
    this.timer = setInterval(() => this.report(), 200)
    void this.pump()
  }

  /** The job says `ready` sentences are there; `done` once no more will come. */
  update(ready: number, done: boolean): void {
    this.ready = ready
    this.finished = done
    void this.pump()
  }

  private async pump(): Promise<void> {
    const context = this.context
    if (!context || this.loading) return
    this.loading = true
    try {
      while (this.next < this.ready && this.context) {
        const { bytes } = await fetchBytes(this.url(this.next), this.abort.signal)
        const buffer = await context.decodeAudioData(bytes)
        if (!this.context) return
        const source = context.createBufferSource()
        source.buffer = buffer
        source.connect(context.destination)
        const at = Math.max(this.cursor, context.currentTime + 0.02)
        source.start(at)
        this.sources.push(source)
        this.starts.push(at)
        this.cursor = at + buffer.duration
        this.next++
      }
    } catch (error) {
      // A sentence that cannot be fetched or decoded ends the stream (the editor still gets the whole result).
      if ((error as Error).name !== 'AbortError') {
        this.onError(error)
        this.stop()
      }
    } finally {
      this.loading = false
    }
    this.report()
  }

  private report(): void {
    const context = this.context
    if (!context) return
    const now = context.currentTime
    if (this.finished && this.next >= this.ready && now >= this.cursor) return this.stop()
    let playing: number | null = null
    for (let i = 0; i < this.starts.length; i++) if (now >= this.starts[i]!) playing = i
    const waiting = now >= this.cursor
    this.onStatus({ scheduled: this.next, playing: waiting ? null : playing, waiting })
  }

  stop(): void {
    this.abort.abort()
    for (const source of this.sources) {
      try {
        source.stop()
      } catch {
        // not started yet
      }
      source.disconnect()
    }
    this.sources = []
    this.context = null
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.onStatus(null)
  }
}
