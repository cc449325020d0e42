import { fetchBytes } from '../../../lib/resources'

/*
 * Playback for a MUSHRA trial: every condition of the trial (and the open reference) decoded up front,
 * one playing at a time. Switching to another condition while one plays goes on from the same position,
 * as BS.1534-3 asks (Sec. 5.3: instantaneous switching between the reference and the conditions); pressing
 * the one that plays stops it.
 */
export class MushraPlayer {
  private buffers = new Map<string, AudioBuffer>()
  private source: AudioBufferSourceNode | null = null
  private playingId: string | null = null
  /** context.currentTime when the playing buffer's position 0 would have started. */
  private origin = 0
  private abort = new AbortController()

  constructor(
    private readonly context: AudioContext,
    private readonly onChange: (playing: string | null) => void,
  ) {}

  /** Fetches and decodes every stimulus (id -> URL); answers their durations in seconds. */
  async load(items: ReadonlyArray<{ id: string; url: string }>): Promise<Record<string, number>> {
    const decoded = await Promise.all(
      items.map(async ({ id, url }) => {
        const { bytes } = await fetchBytes(url, this.abort.signal)
        return [id, await this.context.decodeAudioData(bytes)] as const
      }),
    )
    for (const [id, buffer] of decoded) this.buffers.set(id, buffer)
    return Object.fromEntries(decoded.map(([id, b]) => [id, b.duration]))
  }

  get playing(): string | null {
    return this.playingId
  }

  /** Plays `id`, from where the one playing was (from the start when nothing plays); stops it if it is `id`. */
  toggle(id: string): void {
    if (this.playingId === id) return this.stop()
    const buffer = this.buffers.get(id)
    if (!buffer) return
    void this.context.resume()
    const position = this.playingId ? this.context.currentTime - this.origin : 0
    this.halt()
    const from = position < buffer.duration ? position : 0
    const source = this.context.createBufferSource()
    source.buffer = buffer
    source.connect(this.context.destination)
    source.onended = () => {
      if (this.source === source) {
        this.halt()
        this.onChange(null)
      }
    }
    source.start(0, from)
    this.source = source
    this.playingId = id
    this.origin = this.context.currentTime - from
    this.onChange(id)
  }

  private halt(): void {
    if (this.source) {
      this.source.onended = null
      try {
        this.source.stop()
      } catch {
        // never started
      }
      this.source.disconnect()
    }
    this.source = null
    this.playingId = null
  }

  stop(): void {
    this.halt()
    this.onChange(null)
  }

  dispose(): void {
    this.abort.abort()
    this.halt()
    this.buffers.clear()
  }
}
