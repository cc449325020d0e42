import type { Viewport } from './viewport'

/**
 * The stretch of the sound that wavesurfer lays out, in seconds. Wavesurfer draws its whole duration as
 * one element `duration × px/s` wide, and browsers cap element widths at about 33 million pixels (one
 * hour at sample level would need billions), so when the whole sound would be wider than `maxWorldPx`
 * wavesurfer is given a window of it around the view instead, and the window moves when the view
 * leaves it (see WindowedMedia).
 */
export interface World {
  start: number
  length: number
}

/** Comfortably below Chromium's layout limit, and large enough that scrolling rarely moves the window. */
export const maxWorldPx = 2 ** 22

/** Whether the whole sound fits in one world at this zoom. */
export function wholeSoundFits(duration: number, pxPerSec: number, limitPx = maxWorldPx): boolean {
  return duration * pxPerSec <= limitPx
}

/** The world for a view: the whole sound when it fits, else a window centred on the view. */
export function worldFor(view: Viewport, width: number, duration: number, limitPx = maxWorldPx): World {
  if (wholeSoundFits(duration, view.pxPerSec, limitPx)) return { start: 0, length: duration }
  const length = Math.min(duration, limitPx / view.pxPerSec)
  const centre = view.start + Math.max(1, width) / view.pxPerSec / 2
  const start = Math.min(Math.max(0, centre - length / 2), Math.max(0, duration - length))
  return { start, length }
}

/**
 * Whether `world` can stay as it is for `view`: it is what worldFor gives when the whole sound fits;
 * otherwise it must hold the view, be no wider than the limit, and not have shrunk below an eighth of
 * it (after zooming out a long way a fresh, longer window serves better).
 */
export function worldServes(world: World, view: Viewport, width: number, duration: number, limitPx = maxWorldPx): boolean {
  const whole = wholeSoundFits(duration, view.pxPerSec, limitPx)
  const isWhole = world.start === 0 && world.length === duration
  if (whole || isWhole) return whole && isWhole
  const px = world.length * view.pxPerSec
  if (px > limitPx || px < limitPx / 8) return false
  const end = view.start + Math.max(1, width) / view.pxPerSec
  return view.start >= world.start && end <= world.start + world.length
}
