/**
 * Window/level: the intensities [low, high] map linearly onto black..white, clipped outside (the DICOM
 * VOI LUT "LINEAR" function, PS3.3 C.11.2.1.2, with width = high - low and centre = (low + high) / 2).
 */

export interface IntensityWindow {
  low: number
  high: number
}

/** What the presets are relative to: the core's starting window (1st and 99th percentile of the non-zero voxels) and the data range. */
export interface IntensityStats {
  /** 1st and 99th percentiles of the non-zero voxels (display.window). */
  p1: number
  p99: number
  min: number
  max: number
}

export function windowWidth(window: IntensityWindow): number {
  return window.high - window.low
}

export function windowCentre(window: IntensityWindow): number {
  return (window.low + window.high) / 2
}

export function fromWidthCentre(width: number, centre: number): IntensityWindow {
  return { low: centre - width / 2, high: centre + width / 2 }
}

/** Grey level in 0..1 of an intensity: what the slice shader computes per texel. */
export function greyLevel(value: number, window: IntensityWindow): number {
  const width = windowWidth(window)
  if (!(width > 0)) return value >= window.high ? 1 : 0
  return Math.min(1, Math.max(0, (value - window.low) / width))
}

/** The intensity span that a drag across a view's height sweeps: the percentile window (or the data range when that is flat). */
export function dragSpan(stats: IntensityStats): number {
  const span = stats.p99 - stats.p1
  if (span > 0) return span
  const range = stats.max - stats.min
  return range > 0 ? range : 1
}

/** Pixels of drag that change the width (or the centre) by one dragSpan. */
export const dragPixelsPerSpan = 400

/**
 * Window/level by dragging (right button, as in most viewers): right widens the window (less contrast),
 * left narrows it; up raises the centre (the image darkens), down lowers it. The width never drops
 * below a thousandth of the span, so the mapping stays defined.
 */
export function dragWindow(window: IntensityWindow, dx: number, dy: number, span: number): IntensityWindow {
  const perPixel = span / dragPixelsPerSpan
  const width = Math.max(span * 1e-3, windowWidth(window) + dx * perPixel)
  const centre = windowCentre(window) - dy * perPixel
  return fromWidthCentre(width, centre)
}

export type WindowPresetId = 'auto' | 'full' | 'brain' | 't1'

export interface WindowPreset {
  id: WindowPresetId
  label: string
  description: string
}

/**
 * MRI intensities have no physical unit (unlike CT's Hounsfield units), so the presets are fractions of
 * the percentile window, and follow any scanner's scale: with s = p99 - p1, "Brain" shows [p1, p1 + 0.8 s]
 * (brighter, grey and white matter both well lit), "T1 contrast" [p1 + 0.35 s, p1 + 0.95 s] (a narrow
 * band around the grey/white matter intensities of a T1-weighted scan, for their boundary).
 */
export const windowPresets: readonly WindowPreset[] = [
  { id: 'auto', label: 'Auto (1–99%)', description: 'The 1st to 99th percentile of the non-zero voxels.' },
  { id: 'full', label: 'Full range', description: 'The lowest to the highest intensity.' },
  { id: 'brain', label: 'Brain', description: 'Brighter: the lower 80% of the percentile window.' },
  { id: 't1', label: 'T1 contrast', description: 'Narrow, on grey and white matter: 35% to 95% of the percentile window.' },
]

const presetFractions: Record<Exclude<WindowPresetId, 'full'>, [number, number]> = {
  auto: [0, 1],
  brain: [0, 0.8],
  t1: [0.35, 0.95],
}

export function presetWindow(id: WindowPresetId, stats: IntensityStats): IntensityWindow {
  if (id === 'full') return { low: stats.min, high: stats.max }
  const [from, to] = presetFractions[id]
  const span = stats.p99 - stats.p1
  return { low: stats.p1 + from * span, high: stats.p1 + to * span }
}
