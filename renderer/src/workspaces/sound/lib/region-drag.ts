import { isMarker, normaliseRange, type SoundRegion } from './regions'

/*
 * Pointer gestures on the waveform, in sound time. Every position is the time under the pointer now,
 * mapped through the editor's Viewport (the mapping the waveform, ruler and spectrogram are drawn
 * with), never a sum of pointer movements: an edge being dragged stays under the pointer at any zoom,
 * also after the pointer left the sound and came back.
 */

export interface TimeRange {
  start: number
  end: number
}

/** What a press took hold of. `id` is a region's, or null for the selection. */
export type Grab =
  /** A new selection from the time pressed. */
  | { kind: 'select'; anchor: number }
  /** A whole region (by its bar, or with Alt) or the selection (with Alt): `offset` is the pointer's time past its start. */
  | { kind: 'move'; id: string | null; length: number; offset: number }
  /** One edge; `fixed` is the other edge's time. */
  | { kind: 'resize'; id: string | null; fixed: number }

/** Pixels a press must travel before it selects (less is a click). */
export const selectThresholdPx = 3

/** The range a grab gives with the pointer at `time`, inside 0..duration. */
export function dragRange(grab: Grab, time: number, duration: number): TimeRange {
  switch (grab.kind) {
    case 'select':
      return normaliseRange(grab.anchor, time, duration)
    case 'resize':
      return normaliseRange(grab.fixed, time, duration)
    case 'move': {
      const length = Math.min(grab.length, duration)
      const start = Math.min(Math.max(0, time - grab.offset), Math.max(0, duration - length))
      return { start, end: start + length }
    }
  }
}

/** Grabbing `range` (a region or the selection) by an edge: the other edge stays. */
export function resizeGrab(id: string | null, range: TimeRange, edge: 'start' | 'end'): Grab {
  return { kind: 'resize', id, fixed: edge === 'start' ? range.end : range.start }
}

export function moveGrab(id: string | null, range: TimeRange, time: number): Grab {
  return { kind: 'move', id, length: range.end - range.start, offset: time - range.start }
}

/** The region a click or an Alt-press at `time` lands in: the shortest one holding it (markers have no inside). */
export function regionAt(regions: readonly SoundRegion[], time: number): SoundRegion | null {
  let best: SoundRegion | null = null
  for (const region of regions) {
    if (isMarker(region) || time < region.start || time > region.end) continue
    if (!best || region.end - region.start < best.end - best.start) best = region
  }
  return best
}
