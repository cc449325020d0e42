import WaveSurfer from 'wavesurfer.js'
import HoverPlugin from 'wavesurfer.js/dist/plugins/hover.esm.js'
import RegionsPlugin, { type Region } from 'wavesurfer.js/dist/plugins/regions.esm.js'
import { withAlpha, type EditorColors } from '../lib/editor-colors'
import type { Viewport } from '../lib/viewport'
import { worldFor, worldServes, type World } from '../lib/world'
import { adoptShadowStyles } from './adoptShadowStyles'
import type { WindowedMedia } from './WindowedMedia'

export interface TimeRange {
  start: number
  end: number
}

/** A region as the layer shows it. */
export interface LayerRegion extends TimeRange {
  id: string
  label: string
  selected: boolean
}

export interface LayerCallbacks {
  /** A click on the waveform moved the playhead to `time`. */
  clicked(time: number, onRegion: boolean): void
  /** A drag on the waveform made or changed the selection. */
  selected(range: TimeRange): void
  regionClicked(id: string): void
  regionDoubleClicked(id: string): void
  /** A region was dragged or resized to new bounds. */
  regionChanged(id: string, range: TimeRange): void
  /** Wavesurfer scrolled by itself (a region dragged past the edge): the view now starts here. */
  scrolled(start: number): void
}

export interface LayerOptions {
  height: number
  colors: EditorColors
  formatTime(seconds: number): string
}

const selectionId = 'selection'

/** One value per channel is all wavesurfer needs: the editor draws the waveform itself. */
function placeholderPeaks(): Float32Array[] {
  return [new Float32Array(1)]
}

interface Shown {
  region: Region
  signature: string
  /** The region reaches past the world on that side, so that bound is not the region's own. */
  clippedStart: boolean
  clippedEnd: boolean
}

/**
 * Wavesurfer in the editor: the playback cursor, click-to-seek, drag-to-select, regions and markers
 * (drag, resize, labels) and the hover line, laid over the editor's own waveform canvas. It shows the
 * editor's Viewport: the zoom goes to wavesurfer, the scroll position too, and when the whole sound
 * would be too wide to lay out it is given a window of it (a World) through WindowedMedia. Wavesurfer
 * draws no waveform of its own (the editor's canvas draws exact min/max peaks at every zoom).
 * `destroy()` removes it with its plugins and listeners.
 */
export class WavesurferLayer {
  private readonly ws: WaveSurfer
  private readonly regions: RegionsPlugin
  private hover: HoverPlugin
  private readonly host: HTMLDivElement
  private readonly unsubscribe: Array<() => void> = []
  private world: World
  private duration: number
  private view: Viewport | null = null
  private width = 0
  private zoomed = 0
  private expectedScroll = 0
  private loading: Promise<void> | null
  private ready = false
  private destroyed = false
  private wanted: { regions: LayerRegion[]; selection: TimeRange | null } = { regions: [], selection: null }
  private readonly shown = new Map<string, Shown>()
  private selectionRegion: Region | null = null
  private selectionSignature = ''
  private adding = false
  private clickOnRegion = false

  constructor(
    mount: HTMLElement,
    private readonly media: WindowedMedia,
    duration: number,
    private options: LayerOptions,
    private readonly callbacks: LayerCallbacks,
  ) {
    this.duration = duration
    this.world = { start: 0, length: duration }
    media.setWindow(0, duration)
    this.host = document.createElement('div')
    this.host.className = 'wave-layer'
    this.regions = RegionsPlugin.create()
    this.hover = this.createHover()
    this.ws = WaveSurfer.create({
      container: this.host,
      media: media.asMediaElement(),
      height: options.height,
      waveColor: 'transparent',
      progressColor: 'transparent',
      cursorColor: options.colors.cursor,
      cursorWidth: 2,
      renderFunction: () => {},
      interact: true,
      dragToSeek: false,
      autoScroll: false,
      autoCenter: false,
      hideScrollbar: true,
      fillParent: true,
      // Given here, the first load takes them and fetches nothing.
      peaks: placeholderPeaks(),
      duration,
      plugins: [this.regions, this.hover],
    })
    adoptShadowStyles(this.host)
    mount.appendChild(this.host)
    this.loading = new Promise<void>((resolve) => {
      const off = this.ws.once('ready', () => resolve())
      this.unsubscribe.push(off)
    }).then(() => this.loaded())
    this.listen()
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

  setRegions(regions: LayerRegion[], selection: TimeRange | null): void {
    this.wanted = { regions, selection }
    if (this.ready && !this.loading) this.syncRegions()
  }

  setHeight(height: number): void {
    if (height === this.options.height || this.destroyed) return
    this.options = { ...this.options, height }
    this.ws.setOptions({ height })
  }

  setColors(colors: EditorColors): void {
    this.options = { ...this.options, colors }
    if (this.destroyed) return
    this.ws.setOptions({ cursorColor: colors.cursor })
    this.ws.unregisterPlugin(this.hover)
    this.hover = this.ws.registerPlugin(this.createHover())
    this.forgetRegions()
    if (this.ready && !this.loading) this.syncRegions()
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    for (const off of this.unsubscribe.splice(0)) off()
    this.shown.clear()
    this.selectionRegion = null
    this.ws.destroy()
    this.host.remove()
  }

  private createHover(): HoverPlugin {
    const { colors } = this.options
    return HoverPlugin.create({
      lineColor: withAlpha(colors.text, 0.6),
      lineWidth: 1,
      labelBackground: colors.background,
      labelColor: colors.text,
      labelSize: 11,
      formatTimeCallback: (seconds) => this.options.formatTime(this.world.start + seconds),
    })
  }

  private listen(): void {
    const { ws, regions } = this
    this.unsubscribe.push(
      regions.enableDragSelection({ color: withAlpha(this.options.colors.text, 0.16) }, 3),
      ws.on('click', (relativeX) => {
        const onRegion = this.clickOnRegion
        this.clickOnRegion = false
        this.callbacks.clicked(this.world.start + relativeX * this.world.length, onRegion)
      }),
      ws.on('scroll', (_start, _end, left) => {
        if (this.loading || !this.view || Math.abs(left - this.expectedScroll) <= 1) return
        this.expectedScroll = left
        this.callbacks.scrolled(this.world.start + left / this.view.pxPerSec)
      }),
      regions.on('region-created', (region) => {
        if (this.adding) return
        // Made by dragging on the waveform: the new selection.
        if (this.selectionRegion && this.selectionRegion !== region) this.selectionRegion.remove()
        this.selectionRegion = region
        const range = this.toSound(region, false, false)
        this.selectionSignature = this.signatureOf(range)
        this.callbacks.selected(range)
      }),
      regions.on('region-updated', (region) => {
        if (region === this.selectionRegion) {
          const range = this.toSound(region, false, false)
          this.selectionSignature = this.signatureOf(range)
          this.callbacks.selected(range)
          return
        }
        const shown = this.shown.get(region.id)
        if (shown) this.callbacks.regionChanged(region.id, this.toSound(region, shown.clippedStart, shown.clippedEnd))
      }),
      regions.on('region-clicked', (region) => {
        if (region === this.selectionRegion) return
        this.clickOnRegion = true
        this.callbacks.regionClicked(region.id)
      }),
      regions.on('region-double-clicked', (region) => {
        if (region !== this.selectionRegion) this.callbacks.regionDoubleClicked(region.id)
      }),
    )
  }

  /** A region's bounds in sound time; a clipped side keeps the bound the editor gave it. */
  private toSound(region: Region, clippedStart: boolean, clippedEnd: boolean): TimeRange {
    const wanted = this.wanted.regions.find((r) => r.id === region.id)
    return {
      start: clippedStart && wanted ? wanted.start : this.world.start + region.start,
      end: clippedEnd && wanted ? wanted.end : this.world.start + region.end,
    }
  }

  private loaded(): void {
    this.loading = null
    this.ready = true
    this.zoomed = 0
    this.apply()
    if (this.loading) return
    this.syncRegions()
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
      // Region positions are relative to the world: they are laid out again once it has loaded.
      this.forgetRegions()
      this.regions.clearRegions()
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
    this.expectedScroll = left
    if (this.ws.getScroll() !== left) this.ws.setScroll(left)
  }

  private forgetRegions(): void {
    for (const shown of this.shown.values()) shown.region.remove()
    this.shown.clear()
    this.selectionRegion?.remove()
    this.selectionRegion = null
    this.selectionSignature = ''
  }

  private signatureOf(range: TimeRange, extra = ''): string {
    return `${range.start}|${range.end}|${extra}`
  }

  private addRegion(params: Parameters<RegionsPlugin['addRegion']>[0]): Region {
    this.adding = true
    try {
      return this.regions.addRegion(params)
    } finally {
      this.adding = false
    }
  }

  /** Adds, replaces and removes wavesurfer regions until they match the editor's. */
  private syncRegions(): void {
    const { start: w0, length } = this.world
    const w1 = w0 + length
    const { colors } = this.options
    const keep = new Set<string>()
    for (const wanted of this.wanted.regions) {
      const marker = wanted.end === wanted.start
      if (wanted.end < w0 || wanted.start > w1) continue
      keep.add(wanted.id)
      const color = marker ? colors.marker : withAlpha(colors.accent, wanted.selected ? 0.34 : 0.16)
      const signature = this.signatureOf(wanted, `${wanted.label}|${color}`)
      const current = this.shown.get(wanted.id)
      if (current?.signature === signature) continue
      current?.region.remove()
      const clippedStart = wanted.start < w0
      const clippedEnd = wanted.end > w1
      const region = this.addRegion({
        id: wanted.id,
        start: Math.max(0, wanted.start - w0),
        end: Math.min(length, wanted.end - w0),
        color,
        content: wanted.label,
        drag: !clippedStart && !clippedEnd,
        resize: !marker,
        resizeStart: !clippedStart,
        resizeEnd: !clippedEnd,
      })
      this.shown.set(wanted.id, { region, signature, clippedStart, clippedEnd })
    }
    for (const [id, shown] of this.shown) {
      if (keep.has(id)) continue
      shown.region.remove()
      this.shown.delete(id)
    }
    this.syncSelection()
  }

  private syncSelection(): void {
    const selection = this.wanted.selection
    if (!selection) {
      this.selectionRegion?.remove()
      this.selectionRegion = null
      this.selectionSignature = ''
      return
    }
    const signature = this.signatureOf(selection)
    if (this.selectionRegion && signature === this.selectionSignature) return
    this.selectionRegion?.remove()
    const { start: w0, length } = this.world
    this.selectionRegion = this.addRegion({
      id: selectionId,
      start: Math.max(0, selection.start - w0),
      end: Math.min(length, selection.end - w0),
      color: withAlpha(this.options.colors.text, 0.16),
      drag: selection.start >= w0 && selection.end <= w0 + length,
      resizeStart: selection.start >= w0,
      resizeEnd: selection.end <= w0 + length,
    })
    this.selectionSignature = signature
  }
}
