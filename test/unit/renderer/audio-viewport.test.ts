import { describe, expect, it } from 'vitest'
import {
  clampView,
  fitPxPerSec,
  fitView,
  followTime,
  maxPxPerSample,
  maxPxPerSec,
  placeTime,
  scrollByPx,
  startForThumb,
  thumbGeometry,
  timeToX,
  visibleSpan,
  xToTime,
  zoomAt,
  zoomToRange,
  type ViewLimits,
} from '../../../renderer/src/workspaces/sound/lib/viewport'
import { wheelIntent } from '../../../renderer/src/workspaces/sound/lib/wheel'
import { maxWorldPx, worldFor, worldServes } from '../../../renderer/src/workspaces/sound/lib/world'

const hour: ViewLimits = { duration: 3600, sampleRate: 44100, width: 1000 }
const clip: ViewLimits = { duration: 2, sampleRate: 16000, width: 800 }

describe('the viewport', () => {
  it('fits the whole sound and zooms down to 40 pixels per sample, whatever the length', () => {
    expect(fitPxPerSec(hour)).toBeCloseTo(1000 / 3600)
    expect(fitView(hour)).toEqual({ start: 0, pxPerSec: 1000 / 3600 })
    expect(maxPxPerSec(hour)).toBe(44100 * maxPxPerSample)
    const deepest = clampView({ start: 1800, pxPerSec: 1e12 }, hour)
    expect(deepest.pxPerSec / hour.sampleRate).toBe(maxPxPerSample)
    expect(deepest.start).toBe(1800)
    expect(clampView({ start: -5, pxPerSec: 0 }, clip)).toEqual({ start: 0, pxPerSec: 400 })
  })

  it('maps time and pixels both ways', () => {
    const view = { start: 10, pxPerSec: 100 }
    expect(timeToX(view, 12.5)).toBe(250)
    expect(xToTime(view, 250)).toBe(12.5)
    expect(visibleSpan(view, 1000)).toBe(10)
  })

  it('zooms around an anchor, keeping the time under it in place, and never scrolls past the end', () => {
    const view = { start: 100, pxPerSec: 10 }
    const zoomed = zoomAt(view, 4, 250, hour)
    expect(zoomed.pxPerSec).toBe(40)
    expect(xToTime(zoomed, 250)).toBeCloseTo(xToTime(view, 250), 9)
    const atEnd = scrollByPx({ start: 3590, pxPerSec: 1 }, 1e6, hour)
    expect(atEnd.start).toBeCloseTo(3600 - 1000, 9)
    expect(scrollByPx(view, -1e9, hour).start).toBe(0)
  })

  it('zooms to a range with a margin, and gives a point a small view around it', () => {
    const view = zoomToRange(10, 20, hour)
    expect(view.start).toBeCloseTo(9.5)
    expect(visibleSpan(view, 1000)).toBeCloseTo(11)
    const point = zoomToRange(5, 5, hour)
    expect(visibleSpan(point, 1000)).toBeCloseTo(0.011)
    expect(point.start).toBeCloseTo(4.9995)
  })

  it('places a time and follows a playhead by pages', () => {
    const view = { start: 0, pxPerSec: 100 }
    expect(placeTime(view, 100, hour).start).toBe(95)
    expect(followTime(view, 5, hour)).toBe(view)
    const paged = followTime(view, 10.5, hour)
    expect(timeToX(paged, 10.5)).toBeCloseTo(50)
  })

  it('sizes and places the scrollbar thumb, and reads a drag back', () => {
    const view = { start: 0, pxPerSec: 1 }
    expect(thumbGeometry(view, hour, 500)).toEqual({ offset: 0, size: (1000 / 3600) * 500 })
    const end = { start: 2600, pxPerSec: 1 }
    const thumb = thumbGeometry(end, hour, 500)
    expect(thumb.offset + thumb.size).toBeCloseTo(500)
    expect(startForThumb(thumb.offset, end, hour, 500)).toBeCloseTo(2600)
    const deep = { start: 1800, pxPerSec: 1e6 }
    expect(thumbGeometry(deep, hour, 500).size).toBe(24)
    expect(startForThumb(238, deep, hour, 500)).toBeCloseTo(1800, 0)
  })
})

describe('the wheel', () => {
  const base = { deltaX: 0, deltaY: 0, deltaMode: 0, ctrlKey: false, metaKey: false, shiftKey: false }

  it('zooms with Ctrl or Cmd (in when turned up), scrolls with Shift or sideways, leaves plain wheels to the page', () => {
    const zoomIn = wheelIntent({ ...base, deltaY: -100, ctrlKey: true })
    expect(zoomIn).toEqual({ kind: 'zoom', factor: expect.closeTo(1.25, 6) })
    const zoomOut = wheelIntent({ ...base, deltaY: 3, deltaMode: 1, metaKey: true })
    expect(zoomOut?.kind === 'zoom' && zoomOut.factor < 1).toBe(true)
    expect(wheelIntent({ ...base, deltaY: 120, shiftKey: true })).toEqual({ kind: 'scroll', px: 120 })
    expect(wheelIntent({ ...base, deltaX: -40, deltaY: 3 })).toEqual({ kind: 'scroll', px: -40 })
    expect(wheelIntent({ ...base, deltaY: 100 })).toBeNull()
    expect(wheelIntent({ ...base, deltaX: 5, ctrlKey: true })).toBeNull()
  })
})

describe('the wavesurfer world', () => {
  it('is the whole sound while it fits, else a window around the view', () => {
    expect(worldFor({ start: 0, pxPerSec: 100 }, 1000, 3600)).toEqual({ start: 0, length: 3600 })
    const deep = { start: 1800, pxPerSec: 44100 * 20 }
    const world = worldFor(deep, 1000, 3600)
    expect(world.length * deep.pxPerSec).toBeCloseTo(maxWorldPx)
    expect(world.start).toBeLessThan(1800)
    expect(world.start + world.length).toBeGreaterThan(1800 + 1000 / deep.pxPerSec)
    const nearEnd = worldFor({ start: 3599.999, pxPerSec: 44100 * 20 }, 1000, 3600)
    expect(nearEnd.start + nearEnd.length).toBeCloseTo(3600)
  })

  it('is kept while it holds the view and is neither too wide nor much too narrow', () => {
    const deep = { start: 1800, pxPerSec: 44100 * 20 }
    const world = worldFor(deep, 1000, 3600)
    expect(worldServes(world, deep, 1000, 3600)).toBe(true)
    expect(worldServes(world, { ...deep, start: world.start + world.length }, 1000, 3600)).toBe(false)
    expect(worldServes(world, { ...deep, pxPerSec: deep.pxPerSec * 2 }, 1000, 3600)).toBe(false)
    expect(worldServes(world, { ...deep, pxPerSec: deep.pxPerSec / 16 }, 1000, 3600)).toBe(false)
    expect(worldServes(world, { start: 0, pxPerSec: 1 }, 1000, 3600)).toBe(false)
    expect(worldServes({ start: 0, length: 3600 }, { start: 0, pxPerSec: 1 }, 1000, 3600)).toBe(true)
  })
})
