import { describe, expect, it } from 'vitest'
import {
  dragPixelsPerSpan,
  dragSpan,
  dragWindow,
  fromWidthCentre,
  greyLevel,
  presetWindow,
  windowCentre,
  windowPresets,
  windowWidth,
} from '../../../../renderer/src/workspaces/mri/lib/window-level'

describe('window/level', () => {
  it('width and centre are the DICOM linear VOI function\'s', () => {
    const window = { low: 100, high: 500 }
    expect(windowWidth(window)).toBe(400)
    expect(windowCentre(window)).toBe(300)
    expect(fromWidthCentre(400, 300)).toEqual(window)
  })

  it('maps the window onto black..white, clipped outside', () => {
    const window = { low: 100, high: 500 }
    expect(greyLevel(100, window)).toBe(0)
    expect(greyLevel(300, window)).toBe(0.5)
    expect(greyLevel(400, window)).toBe(0.75)
    expect(greyLevel(-20, window)).toBe(0)
    expect(greyLevel(900, window)).toBe(1)
    expect(greyLevel(5, { low: 5, high: 5 })).toBe(1)
  })

  it('dragging right widens, dragging up raises the centre, by one span per dragPixelsPerSpan', () => {
    const window = { low: 100, high: 500 }
    const span = 400
    const wider = dragWindow(window, dragPixelsPerSpan / 2, 0, span)
    expect(windowWidth(wider)).toBeCloseTo(600, 9)
    expect(windowCentre(wider)).toBeCloseTo(300, 9)
    const raised = dragWindow(window, 0, -dragPixelsPerSpan / 4, span)
    expect(windowCentre(raised)).toBeCloseTo(400, 9)
    expect(windowWidth(raised)).toBeCloseTo(400, 9)
    // Never narrower than a thousandth of the span.
    expect(windowWidth(dragWindow(window, -10 * dragPixelsPerSpan, 0, span))).toBeCloseTo(0.4, 9)
  })

  it('presets are fractions of the percentile window, and the full range', () => {
    const stats = { p1: 100, p99: 1100, min: -5, max: 4000 }
    expect(presetWindow('auto', stats)).toEqual({ low: 100, high: 1100 })
    expect(presetWindow('full', stats)).toEqual({ low: -5, high: 4000 })
    expect(presetWindow('brain', stats)).toEqual({ low: 100, high: 900 })
    expect(presetWindow('t1', stats)).toEqual({ low: 450, high: 1050 })
    expect(windowPresets.map((preset) => preset.id)).toEqual(['auto', 'full', 'brain', 't1'])
  })

  it('drags over the percentile span, or the data range when that is flat', () => {
    expect(dragSpan({ p1: 10, p99: 30, min: 0, max: 100 })).toBe(20)
    expect(dragSpan({ p1: 7, p99: 7, min: 0, max: 100 })).toBe(100)
    expect(dragSpan({ p1: 7, p99: 7, min: 7, max: 7 })).toBe(1)
  })
})
