import { dbToGain } from '../lib/loudness'
import { WindowedMedia } from './WindowedMedia'

interface Voice {
  element: HTMLAudioElement
  gainDb: number
  gain: GainNode | null
  /** Removes the element's error listener. */
  unlisten: () => void
}

export interface PlaybackRange {
  start: number
  end: number
}

type TimeListener = (time: number, playing: boolean) => void

/** Told when a version's element cannot load or play its media. */
export type MediaErrorHandler = (id: string, message: string) => void

const mediaErrors: Record<number, string> = {
  1: 'loading was aborted',
  2: 'a network error interrupted loading',
  3: 'the browser could not decode it',
  4: 'the browser cannot play this format',
}

/**
 * Plays the versions of a sound: one <audio> element per version (each streams its own
 * `res/audio/<id>/media`, with Range requests), routed through Web Audio so that a version can play
 * louder than 0 dB (an element's volume can only attenuate). One version is active; switching keeps
 * the position and keeps playing. Loops and play-once ranges are watched on every animation frame.
 */
export class PlaybackEngine {
  /** The active element as wavesurfer sees it. */
  readonly media: WindowedMedia
  private readonly voices = new Map<string, Voice>()
  private active: string
  private context: AudioContext | null = null
  private frame = 0
  private loop: PlaybackRange | null = null
  private stopAt: number | null = null
  private readonly listeners = new Set<TimeListener>()
  private readonly offElement: Array<() => void> = []
  private destroyed = false

  constructor(
    id: string,
    url: string,
    private readonly onError: MediaErrorHandler,
  ) {
    const voice = this.createVoice(id, url)
    this.active = id
    this.media = new WindowedMedia(voice.element)
    this.watch(voice.element)
  }

  get activeId(): string {
    return this.active
  }

  get playing(): boolean {
    const element = this.voices.get(this.active)?.element
    return element ? !element.paused && !element.ended : false
  }

  get currentTime(): number {
    return this.voices.get(this.active)?.element.currentTime ?? 0
  }

  /** Called with the time on every frame while playing, and after seeks, pauses and switches. */
  onTime(listener: TimeListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  addVersion(id: string, url: string): void {
    if (this.voices.has(id)) return
    this.createVoice(id, url)
  }

  removeVersion(id: string): void {
    const voice = this.voices.get(id)
    if (!voice || id === this.active) return
    this.release(voice)
    this.voices.delete(id)
  }

  /** Switches to another version at the same position, playing on if it was playing. */
  async activate(id: string): Promise<void> {
    const next = this.voices.get(id)
    const current = this.voices.get(this.active)
    if (!next || !current || id === this.active) return
    const wasPlaying = this.playing
    const time = current.element.currentTime
    current.element.pause()
    this.active = id
    this.media.setTarget(next.element)
    this.unwatch()
    this.watch(next.element)
    next.element.currentTime = Number.isFinite(next.element.duration) ? Math.min(time, next.element.duration) : time
    this.emit()
    if (wasPlaying) await this.play()
  }

  setGainDb(id: string, db: number): void {
    const voice = this.voices.get(id)
    if (!voice) return
    voice.gainDb = db
    this.applyGain(voice)
  }

  async play(): Promise<void> {
    const voice = this.voices.get(this.active)
    if (!voice || this.destroyed) return
    this.ensureGraph()
    if (this.context?.state === 'suspended') await this.context.resume()
    if (voice.element.ended) voice.element.currentTime = 0
    await voice.element.play()
  }

  pause(): void {
    this.stopAt = null
    this.voices.get(this.active)?.element.pause()
  }

  async toggle(): Promise<void> {
    if (this.playing) this.pause()
    else await this.play()
  }

  seek(time: number): void {
    const element = this.voices.get(this.active)?.element
    if (!element) return
    const end = Number.isFinite(element.duration) ? element.duration : Infinity
    element.currentTime = Math.min(Math.max(0, time), end)
    this.emit()
  }

  /** Plays `range` once, from its start. */
  async playRange(range: PlaybackRange): Promise<void> {
    this.seek(range.start)
    await this.play()
    this.stopAt = range.end
  }

  /** Loops `range` (null: no loop); starts it when the playhead is outside it. */
  async setLoop(range: PlaybackRange | null): Promise<void> {
    this.loop = range && range.end > range.start ? range : null
    if (!this.loop) return
    const time = this.currentTime
    if (time < this.loop.start || time >= this.loop.end) this.seek(this.loop.start)
    this.stopAt = null
    if (!this.playing) await this.play()
  }

  /** Stops everything and releases the elements and the audio graph. */
  destroy(): void {
    this.destroyed = true
    cancelAnimationFrame(this.frame)
    this.unwatch()
    this.media.removeAllListeners()
    for (const voice of this.voices.values()) this.release(voice)
    this.voices.clear()
    this.listeners.clear()
    void this.context?.close().catch(() => {})
    this.context = null
  }

  private createVoice(id: string, url: string): Voice {
    const element = new Audio()
    element.preload = 'auto'
    const onError = () => {
      const code = element.error?.code ?? 0
      this.onError(id, element.error?.message || mediaErrors[code] || 'the media failed to load')
    }
    element.addEventListener('error', onError)
    element.src = url
    const voice: Voice = { element, gainDb: 0, gain: null, unlisten: () => element.removeEventListener('error', onError) }
    this.voices.set(id, voice)
    if (this.context) this.connect(voice, this.context)
    return voice
  }

  /** The audio graph is made on the first play (a user gesture), so the context may start. */
  private ensureGraph(): void {
    if (this.context) return
    this.context = new AudioContext()
    for (const voice of this.voices.values()) this.connect(voice, this.context)
  }

  private connect(voice: Voice, context: AudioContext): void {
    const source = context.createMediaElementSource(voice.element)
    voice.gain = context.createGain()
    source.connect(voice.gain).connect(context.destination)
    voice.element.volume = 1
    this.applyGain(voice)
  }

  private applyGain(voice: Voice): void {
    const linear = dbToGain(voice.gainDb)
    if (voice.gain) voice.gain.gain.value = linear
    // Before the graph exists, the element's volume gives at least the attenuation.
    else voice.element.volume = Math.min(1, linear)
  }

  private release(voice: Voice): void {
    voice.unlisten()
    voice.element.pause()
    voice.element.removeAttribute('src')
    voice.element.load()
    voice.gain?.disconnect()
  }

  private watch(element: HTMLAudioElement): void {
    const onPlay = () => this.tick()
    const onChange = () => this.emit()
    element.addEventListener('play', onPlay)
    for (const type of ['pause', 'seeked', 'ended', 'loadedmetadata']) element.addEventListener(type, onChange)
    this.offElement.push(() => {
      element.removeEventListener('play', onPlay)
      for (const type of ['pause', 'seeked', 'ended', 'loadedmetadata']) element.removeEventListener(type, onChange)
    })
  }

  private unwatch(): void {
    for (const off of this.offElement.splice(0)) off()
  }

  private tick(): void {
    cancelAnimationFrame(this.frame)
    if (this.destroyed || !this.playing) return
    const time = this.currentTime
    if (this.loop && time >= this.loop.end) {
      this.seek(this.loop.start)
    } else if (this.stopAt !== null && time >= this.stopAt) {
      const end = this.stopAt
      this.pause()
      this.seek(end)
    }
    this.emit()
    this.frame = requestAnimationFrame(() => this.tick())
  }

  private emit(): void {
    const time = this.currentTime
    const playing = this.playing
    for (const listener of [...this.listeners]) listener(time, playing)
  }
}
