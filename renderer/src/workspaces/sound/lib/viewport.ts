/**
 * The editor's view of a sound: which second is at the left edge and how many pixels a second takes.
 * Everything the editor draws (waveform, spectrogram, ruler, regions) maps time through one Viewport,
 * whatever the length of the file: the view is a number pair, never a DOM element as wide as the file.
 */
export interface Viewport {
  /** Seconds at the left edge. */
  start: number
  pxPerSec: number
}

/** What bounds a view: the sound, and the width it is drawn into. */
export interface ViewLimits {
  duration: number
  sampleRate: number
  /** CSS pixels. */
  width: number
}

/** The deepest zoom: this many pixels per sample (so single samples are drawn as points with stems). */
export const maxPxPerSample = 40

/** The zoom that shows the whole sound. */
export function fitPxPerSec(limits: ViewLimits): number {
  const width = Math.max(1, limits.width)
  return limits.duration > 0 ? width / limits.duration : width
}

export function maxPxPerSec(limits: ViewLimits): number {
  return Math.max(fitPxPerSec(limits), limits.sampleRate * maxPxPerSample)
}

/** Seconds the view shows. */
export function visibleSpan(view: Viewport, width: number): number {
  return Math.max(1, width) / view.pxPerSec
}

export function timeToX(view: Viewport, time: number): number {
  return (time - view.start) * view.pxPerSec
}

export function xToTime(view: Viewport, x: number): number {
  return view.start + x / view.pxPerSec
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value))
}

/** The view moved into bounds: zoom between fit and sample level, no scrolling past either end. */
export function clampView(view: Viewport, limits: ViewLimits): Viewport {
  const pxPerSec = clamp(Number.isFinite(view.pxPerSec) ? view.pxPerSec : 0, fitPxPerSec(limits), maxPxPerSec(limits))
  const latest = Math.max(0, limits.duration - visibleSpan({ start: 0, pxPerSec }, limits.width))
  const start = clamp(Number.isFinite(view.start) ? view.start : 0, 0, latest)
  return { start, pxPerSec }
}

export function fitView(limits: ViewLimits): Viewport {
  return clampView({ start: 0, pxPerSec: fitPxPerSec(limits) }, limits)
}

/** Zooms by `factor` (> 1 in) keeping the time under `anchorX` where it is. */
export function zoomAt(view: Viewport, factor: number, anchorX: number, limits: ViewLimits): Viewport {
  const anchor = xToTime(view, anchorX)
  const pxPerSec = clamp(view.pxPerSec * factor, fitPxPerSec(limits), maxPxPerSec(limits))
  return clampView({ start: anchor - anchorX / pxPerSec, pxPerSec }, limits)
}

/** Shows `start`..`end` with a little room either side (a point gets a view of about 1/100 s). */
export function zoomToRange(start: number, end: number, limits: ViewLimits, margin = 0.05): Viewport {
  const low = Math.min(start, end)
  const span = Math.max(Math.abs(end - start), 0.01)
  const padded = span * (1 + 2 * margin)
  const pxPerSec = Math.max(1, limits.width) / padded
  return clampView({ start: low - span * margin, pxPerSec }, limits)
}

export function scrollByPx(view: Viewport, px: number, limits: ViewLimits): Viewport {
  return clampView({ start: view.start + px / view.pxPerSec, pxPerSec: view.pxPerSec }, limits)
}

/** The view with `time` at `fraction` of its width. */
export function placeTime(view: Viewport, time: number, limits: ViewLimits, fraction = 0.5): Viewport {
  return clampView({ start: time - (fraction * Math.max(1, limits.width)) / view.pxPerSec, pxPerSec: view.pxPerSec }, limits)
}

/**
 * The view that keeps a moving playhead in sight: unchanged while `time` is inside it, else paged so
 * that `time` is near the left edge (how Audacity follows playback).
 */
export function followTime(view: Viewport, time: number, limits: ViewLimits): Viewport {
  const x = timeToX(view, time)
  if (x >= 0 && x < Math.max(1, limits.width)) return view
  return placeTime(view, time, limits, 0.05)
}

/** The scrollbar thumb for the view over a track `trackPx` long: offset and size in pixels. */
export function thumbGeometry(view: Viewport, limits: ViewLimits, trackPx: number, minThumbPx = 24): { offset: number; size: number } {
  const duration = Math.max(limits.duration, 1e-9)
  const fraction = clamp(visibleSpan(view, limits.width) / duration, 0, 1)
  const size = Math.min(trackPx, Math.max(minThumbPx, fraction * trackPx))
  const latest = Math.max(0, duration - visibleSpan(view, limits.width))
  const position = latest > 0 ? clamp(view.start / latest, 0, 1) : 0
  return { offset: position * (trackPx - size), size }
}

/** The view start for a thumb dragged to `offset` (the inverse of thumbGeometry). */
export function startForThumb(offset: number, view: Viewport, limits: ViewLimits, trackPx: number, minThumbPx = 24): number {
  const { size } = thumbGeometry(view, limits, trackPx, minThumbPx)
  const room = trackPx - size
  const latest = Math.max(0, limits.duration - visibleSpan(view, limits.width))
  return room > 0 ? clamp(offset / room, 0, 1) * latest : 0
}
