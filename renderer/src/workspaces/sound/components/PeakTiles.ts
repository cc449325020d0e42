import { parsePeaks, peakLevel, tileSpan, tilesInView, type PeakBlock } from '../lib/peaks'
import { fetchBytes, isAbort, peaksUrl, type FetchFn } from '../lib/resources'
import type { Viewport } from '../lib/viewport'

/** What the waveform needs to know of a sound version. */
export interface PeakSource {
  id: string
  sampleRate: number
  frames: number
  duration: number
}

/** Cached blocks to draw, coarse to fine: `rank` orders them (finer replaces coarser). */
export interface DrawableBlock {
  block: PeakBlock
  rank: number
  /** One frame per bucket: the samples themselves. */
  samples: boolean
}

const overviewBuckets = 4096
const maxTiles = 512
const maxInFlight = 6
/** Levels either side of the wanted one whose cached tiles stand in until it arrives. */
const fallbackLevels = 4

/**
 * The waveform's data for one sound version: an overview of the whole sound (also the minimap), and
 * tiles of min/max peaks at power-of-two zoom levels fetched from `res/audio/<id>/peaks` for what is
 * visible. Tiles are cached (least recently used dropped first), at most a few requests run at once,
 * requests for tiles no longer in view are aborted, and cached tiles of nearby levels stand in while
 * the right ones load, so scrolling and zooming never show a blank waveform.
 */
export class PeakTiles {
  overview: PeakBlock | null = null
  /** Why the overview could not load, for the editor to show. */
  error: string | null = null
  private readonly tiles = new Map<string, PeakBlock>()
  private readonly inFlight = new Map<string, AbortController>()
  private queue: Array<{ key: string; level: number; index: number }> = []
  private readonly abortOverview = new AbortController()
  private destroyed = false

  constructor(
    readonly source: PeakSource,
    /** Called when new data arrived and the waveform should redraw. */
    private readonly onData: () => void,
    private readonly fetchFn?: FetchFn,
  ) {}

  async loadOverview(): Promise<void> {
    const { id, duration, frames } = this.source
    const buckets = Math.max(1, Math.min(overviewBuckets, frames))
    try {
      const { bytes } = await fetchBytes(peaksUrl(id, 0, duration, buckets), this.abortOverview.signal, this.fetchFn)
      if (this.destroyed) return
      this.overview = parsePeaks(bytes, 0, duration, buckets)
      this.onData()
    } catch (error) {
      if (this.destroyed || isAbort(error)) return
      this.error = error instanceof Error ? error.message : String(error)
      this.onData()
    }
  }

  /**
   * The blocks to draw the view with, requesting the tiles it lacks. Level 0 tiles hold single
   * samples (drawn as points and lines), coarser ones min/max per bucket.
   */
  blocksFor(view: Viewport, width: number): DrawableBlock[] {
    const { sampleRate, frames } = this.source
    const level = peakLevel(view.pxPerSec, sampleRate)
    const drawable: DrawableBlock[] = []
    if (this.overview) drawable.push({ block: this.overview, rank: 0, samples: false })
    // Stand-ins: coarser levels first (lower rank), then finer ones, then the wanted level on top.
    const levels: number[] = []
    for (let l = level + fallbackLevels; l > level; l--) levels.push(l)
    for (let l = Math.max(0, level - 2); l < level; l++) levels.push(l)
    levels.push(level)
    const wanted = new Set<string>()
    levels.forEach((l, order) => {
      for (const index of tilesInView(view, width, l, sampleRate, frames)) {
        const key = `${l}:${index}`
        const tile = this.tiles.get(key)
        if (tile) {
          // Touch it: the most recently used tiles are kept longest.
          this.tiles.delete(key)
          this.tiles.set(key, tile)
          drawable.push({ block: tile, rank: order + 1, samples: l === 0 })
        } else if (l === level) {
          wanted.add(key)
          if (!this.inFlight.has(key) && !this.queue.some((item) => item.key === key)) this.queue.push({ key, level: l, index })
        }
      }
    })
    // Drop queued and running requests for tiles that went out of view.
    this.queue = this.queue.filter((item) => wanted.has(item.key))
    for (const [key, controller] of this.inFlight) {
      if (!wanted.has(key)) {
        controller.abort()
        this.inFlight.delete(key)
      }
    }
    this.pump()
    return drawable
  }

  /** Aborts everything in flight and forgets the cache. */
  destroy(): void {
    this.destroyed = true
    this.abortOverview.abort()
    for (const controller of this.inFlight.values()) controller.abort()
    this.inFlight.clear()
    this.queue = []
    this.tiles.clear()
  }

  private pump(): void {
    while (!this.destroyed && this.inFlight.size < maxInFlight && this.queue.length) {
      const item = this.queue.shift()!
      void this.fetchTile(item.key, item.level, item.index)
    }
  }

  private async fetchTile(key: string, level: number, index: number): Promise<void> {
    const span = tileSpan(level, index, this.source.sampleRate, this.source.frames)
    if (!span) return
    const controller = new AbortController()
    this.inFlight.set(key, controller)
    try {
      const { bytes } = await fetchBytes(peaksUrl(this.source.id, span.requestStart, span.end, span.buckets), controller.signal, this.fetchFn)
      if (this.destroyed || controller.signal.aborted) return
      this.tiles.set(key, parsePeaks(bytes, span.start, span.end, span.buckets))
      while (this.tiles.size > maxTiles) this.tiles.delete(this.tiles.keys().next().value!)
      this.onData()
    } catch {
      // A missing tile is drawn from the stand-ins and asked for again on the next redraw; the
      // overview reports real failures.
    } finally {
      if (this.inFlight.get(key) === controller) this.inFlight.delete(key)
      this.pump()
    }
  }
}
