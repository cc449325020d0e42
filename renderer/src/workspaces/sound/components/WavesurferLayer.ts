import WaveSurfer from 'wavesurfer.js'
import type { EditorColors } from '../lib/editor-colors'
import type { Viewport } from '../lib/viewport'
import { worldFor, worldServes, type World } from '../lib/world'
import { adoptShadowStyles } from './adoptShadowStyles'
import type { WindowedMedia } from './WindowedMedia'

export interface LayerOptions {
  height: number
  colors: EditorColors
}

/** One value per channel is all wavesurfer needs: the editor draws the waveform itself. */
function placeholderPeaks(): Float32Array[] {
  return [new Float32Array(1)]
}

/**
 * Wavesurfer in the editor: the playback cursor, following the media as it plays, laid over the
 * editor's own waveform canvas. It shows the editor's Viewport: the zoom goes to wavesurfer, the scroll
 * position too, and when the whole sound would be too wide to lay out it is given a window of it (a
 * World) through WindowedMedia. Wavesurfer draws no waveform and takes no pointer input: the canvas
 * draws exact min/max peaks at every zoom, and the RegionOverlay maps the pointer through the same
 * Viewport (wavesurfer's regions plugin started a drag-selection 5 px wide and added pointer movements
 * to it, so the later edge landed 5 px past the pointer). `destroy()` removes it with its listeners.
 */
export class WavesurferLayer {
  private readonly ws: WaveSurfer
  private readonly host: HTMLDivElement
  private readonly unsubscribe: Array<() => void> = []
  private world: World
  private duration: number
  private view: Viewport | null = null
  private width = 0
  private zoomed = 0
  private loading: Promise<void> | null
  private destroyed = false

  constructor(
    mount: HTMLElement,
    private readonly media: WindowedMedia,
    duration: number,
    private options: LayerOptions,
  ) {
    this.duration = duration
    this.world = { start: 0, length: duration }
    media.setWindow(0, duration)
    this.host = document.createElement('div')
    this.host.className = 'wave-layer'
    this.ws = WaveSurfer.create({
      container: this.host,
      media: media.asMediaElement(),
      height: options.height,
      waveColor: 'transparent',
      progressColor: 'transparent',
      cursorColor: options.colors.cursor,
      cursorWidth: 2,
      renderFunction: () => {},
      interact: false,
      dragToSeek: false,
      autoScroll: false,
      autoCenter: false,
      hideScrollbar: true,
      fillParent: true,
      // Given here, the first load takes them and fetches nothing.
      peaks: placeholderPeaks(),
      duration,
    })
    adoptShadowStyles(this.host)
    mount.appendChild(this.host)
    this.loading = new Promise<void>((resolve) => {
      const off = this.ws.once('ready', () => resolve())
      this.unsubscribe.push(off)
    }).then(() => this.loaded())
  }

  /** Another version with another length is now playing. */
  setDuration(duration: number): void {
    if (duration === this.duration) return
    this.duration = duration
    this.apply()
  }

  setView(view: Viewport, width: number): void {
    this.view = view
    this.width = width
    this.apply()
  }

  setHeight(height: number): void {
    if (height === this.options.height || this.destroyed) return
    this.options = { ...this.options, height }
    this.ws.setOptions({ height })
  }

  setColors(colors: EditorColors): void {
    this.options = { ...this.options, colors }
    if (!this.destroyed) this.ws.setOptions({ cursorColor: colors.cursor })
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    for (const off of this.unsubscribe.splice(0)) off()
    this.ws.destroy()
    this.host.remove()
  }

  private loaded(): void {
    this.loading = null
    this.zoomed = 0
    this.apply()
    if (this.loading) return
    // The cursor is placed in world time: a new world needs it placed again (without seeking).
    const { length } = this.world
    if (length > 0) this.ws.getRenderer().renderProgress(this.media.currentTime / length, this.ws.isPlaying())
  }

  /** Brings wavesurfer to the view: another world when needed, then zoom, then scroll. */
  private apply(): void {
    const view = this.view
    if (this.destroyed || this.loading || !view) return
    if (!worldServes(this.world, view, this.width, this.duration)) {
      this.world = worldFor(view, this.width, this.duration)
      this.media.setWindow(this.world.start, this.world.length)
      this.loading = this.ws
        .load(this.media.src, placeholderPeaks(), this.world.length)
        .catch(() => {})
        .then(() => this.loaded())
      return
    }
    if (view.pxPerSec !== this.zoomed) {
      this.zoomed = view.pxPerSec
      this.ws.zoom(view.pxPerSec)
    }
    const left = Math.round((view.start - this.world.start) * view.pxPerSec)
    if (this.ws.getScroll() !== left) this.ws.setScroll(left)
  }
}
