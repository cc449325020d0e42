import type { Viewport } from './viewport'

/** A spectrogram image the editor has (or asks for): which seconds and at how many columns. */
export interface SpectrogramSpan {
  start: number
  end: number
  columns: number
}

/** Mel bands asked for: enough for a ~150 px lane on a high-density screen. */
export const spectrogramMels = 160

/**
 * What to fetch for a view: the visible stretch plus half a view either side (so a scroll shows
 * something at once), at one column per device pixel, within the core's column limit.
 */
export function spectrogramRequest(view: Viewport, width: number, duration: number, pixelRatio = 1, maxColumns = 4096): SpectrogramSpan | null {
  if (!(duration > 0) || width <= 0) return null
  const span = width / view.pxPerSec
  const density = view.pxPerSec * pixelRatio
  // The margins shrink first when the column budget is tight.
  const budget = Math.min(maxColumns, Math.ceil(span * 2 * density))
  const extra = Math.max(0, budget / density - span) / 2
  const start = Math.max(0, view.start - extra)
  const end = Math.min(duration, view.start + span + extra)
  if (!(end > start)) return null
  const columns = Math.max(1, Math.min(maxColumns, Math.round((end - start) * density)))
  return { start, end, columns }
}

/**
 * Whether an image already serves the view: it covers the visible stretch and its column density is
 * within a factor of 1.5 of the screen's (else a sharper or a wider one is fetched).
 */
export function spectrogramServes(
  image: SpectrogramSpan,
  view: Viewport,
  width: number,
  duration: number,
  pixelRatio = 1,
  maxColumns = 4096,
): boolean {
  const end = Math.min(duration, view.start + width / view.pxPerSec)
  const covers = image.start <= view.start + 1e-9 && image.end >= end - 1e-9
  const density = image.columns / (image.end - image.start)
  const wanted = view.pxPerSec * pixelRatio
  const ratio = density / wanted
  // An image capped by the column limit is as sharp as it gets: accept it once it covers the view.
  const capped = image.columns >= maxColumns && ratio < 1
  return covers && (capped || (ratio > 1 / 1.5 && ratio < 1.5))
}
