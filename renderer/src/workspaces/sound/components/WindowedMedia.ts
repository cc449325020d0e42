type Listener = EventListenerOrEventListenerObject
type ListenerEntry = { type: string; listener: Listener; options: boolean | AddEventListenerOptions | undefined }

/**
 * What wavesurfer gets as its media element: the active version's <audio>, seen through a window.
 * Wavesurfer lays out its whole duration as one wide element, so for deep zoom on long sounds it is
 * given a window of the sound (see lib/world.ts); this object shifts time by the window's start
 * and reports the window's length as the duration, so wavesurfer's cursor, clicks and regions work in
 * window time while the real element plays the whole sound. It also lets the editor switch versions
 * under wavesurfer: listeners move to the new element.
 */
export class WindowedMedia {
  /** What wavesurfer compares with the URL it is asked to load: loading this "URL" leaves the source alone. */
  static readonly source = 'windowed:sound'

  private element: HTMLAudioElement
  private offset = 0
  private length = 0
  private readonly listeners: ListenerEntry[] = []

  constructor(element: HTMLAudioElement) {
    this.element = element
  }

  /** The element playing now. */
  get target(): HTMLAudioElement {
    return this.element
  }

  /** Plays `element` from now on; wavesurfer's listeners follow it. */
  setTarget(element: HTMLAudioElement): void {
    if (element === this.element) return
    for (const entry of this.listeners) this.element.removeEventListener(entry.type, entry.listener, entry.options)
    this.element = element
    for (const entry of this.listeners) element.addEventListener(entry.type, entry.listener, entry.options)
  }

  /** The stretch of the sound wavesurfer sees, in seconds of the sound. */
  setWindow(start: number, length: number): void {
    this.offset = start
    this.length = length
  }

  get windowStart(): number {
    return this.offset
  }

  // --- the part of HTMLMediaElement that wavesurfer uses ---

  addEventListener(type: string, listener: Listener, options?: boolean | AddEventListenerOptions): void {
    this.listeners.push({ type, listener, options })
    this.element.addEventListener(type, listener, options)
  }

  removeEventListener(type: string, listener: Listener, options?: boolean | EventListenerOptions): void {
    const index = this.listeners.findIndex((entry) => entry.type === type && entry.listener === listener)
    if (index >= 0) this.listeners.splice(index, 1)
    this.element.removeEventListener(type, listener, options)
  }

  /** Drops every listener wavesurfer left (after it is destroyed). */
  removeAllListeners(): void {
    for (const entry of this.listeners.splice(0)) this.element.removeEventListener(entry.type, entry.listener, entry.options)
  }

  get currentTime(): number {
    return this.element.currentTime - this.offset
  }

  set currentTime(time: number) {
    this.element.currentTime = Math.max(0, time + this.offset)
  }

  get duration(): number {
    return this.length
  }

  get paused(): boolean {
    return this.element.paused
  }

  get ended(): boolean {
    return this.element.ended
  }

  get seeking(): boolean {
    return this.element.seeking
  }

  get volume(): number {
    return this.element.volume
  }

  set volume(value: number) {
    this.element.volume = value
  }

  get muted(): boolean {
    return this.element.muted
  }

  set muted(value: boolean) {
    this.element.muted = value
  }

  get playbackRate(): number {
    return this.element.playbackRate
  }

  set playbackRate(value: number) {
    this.element.playbackRate = value
  }

  get error(): MediaError | null {
    return this.element.error
  }

  get src(): string {
    return WindowedMedia.source
  }

  get currentSrc(): string {
    return WindowedMedia.source
  }

  play(): Promise<void> {
    return this.element.play()
  }

  pause(): void {
    this.element.pause()
  }

  canPlayType(type: string): CanPlayTypeResult {
    return this.element.canPlayType(type)
  }

  /** The editor owns the elements and their sources; wavesurfer may not reset them. */
  removeAttribute(): void {}

  load(): void {}

  remove(): void {}

  /** Wavesurfer's constructor parameter type: the object stands in for a media element. */
  asMediaElement(): HTMLMediaElement {
    return this as unknown as HTMLMediaElement
  }
}
