import { describe, expect, it } from 'vitest'
import { dragRange, moveGrab, regionAt, resizeGrab, type Grab } from '../../../renderer/src/workspaces/sound/lib/region-drag'
import { barRows } from '../../../renderer/src/workspaces/sound/lib/regions'
import { timeToX, xToTime, type Viewport } from '../../../renderer/src/workspaces/sound/lib/viewport'

const duration = 6

describe('pointer gestures on the waveform', () => {
  it('selects from the time under the press to the time under the pointer, at any zoom and scroll', () => {
    for (const view of [
      { start: 0, pxPerSec: 1000 / 6 },
      { start: 1.7, pxPerSec: 2000 },
      { start: 3.000125, pxPerSec: 44100 * 40 },
    ] satisfies Viewport[]) {
      const grab: Grab = { kind: 'select', anchor: xToTime(view, 100) }
      const range = dragRange(grab, xToTime(view, 340), duration)
      // Both edges sit exactly under the pixels pressed and released (no width added, no drift).
      expect(timeToX(view, range.start)).toBeCloseTo(100, 6)
      expect(timeToX(view, range.end)).toBeCloseTo(340, 6)
      // Dragged leftwards, the same two edges.
      const back = dragRange({ kind: 'select', anchor: xToTime(view, 340) }, xToTime(view, 100), duration)
      expect(back).toEqual(range)
    }
  })

  it('keeps the range inside the sound when the pointer leaves it, and follows it back exactly', () => {
    const grab: Grab = { kind: 'select', anchor: 5 }
    expect(dragRange(grab, 7.5, duration)).toEqual({ start: 5, end: 6 })
    expect(dragRange(grab, 5.5, duration)).toEqual({ start: 5, end: 5.5 })
    expect(dragRange(grab, -1, duration)).toEqual({ start: 0, end: 5 })
  })

  it('resizes by one edge, the other staying, and may cross over it', () => {
    const range = { start: 2, end: 3 }
    expect(dragRange(resizeGrab('r1', range, 'end'), 3.75, duration)).toEqual({ start: 2, end: 3.75 })
    expect(dragRange(resizeGrab('r1', range, 'start'), 1.5, duration)).toEqual({ start: 1.5, end: 3 })
    expect(dragRange(resizeGrab(null, range, 'end'), 1, duration)).toEqual({ start: 1, end: 2 })
  })

  it('moves a whole region by where it was grabbed, stopping at the ends of the sound', () => {
    const grab = moveGrab('r1', { start: 2, end: 3 }, 2.25)
    expect(dragRange(grab, 4.25, duration)).toEqual({ start: 4, end: 5 })
    expect(dragRange(grab, 9, duration)).toEqual({ start: 5, end: 6 })
    expect(dragRange(grab, 0, duration)).toEqual({ start: 0, end: 1 })
  })

  it('finds the innermost region under a time; markers have no inside', () => {
    const regions = [
      { id: 'wide', start: 1, end: 5, label: 'wide' },
      { id: 'inner', start: 2, end: 3, label: 'inner' },
      { id: 'mark', start: 4, end: 4, label: 'mark' },
    ]
    expect(regionAt(regions, 2.5)?.id).toBe('inner')
    expect(regionAt(regions, 4)?.id).toBe('wide')
    expect(regionAt(regions, 5.5)).toBeNull()
  })

  it('gives overlapping regions their label bars in separate rows, up to three', () => {
    const region = (id: string, start: number, end: number) => ({ id, start, end, label: id })
    const rows = barRows([region('whole', 0, 6), region('bark', 1, 2), region('after', 2, 3), region('mark', 2.5, 2.5), region('late', 4, 5)], 0.2)
    expect(Object.fromEntries(rows)).toEqual({ whole: 0, bark: 1, after: 1, mark: 2, late: 1 })
    const crowded = barRows([region('a', 0, 6), region('b', 0, 5), region('c', 0, 4), region('d', 1, 2)], 0.2)
    // No fourth row: d shares the row that frees first, the shortest one's.
    expect([crowded.get('c'), crowded.get('b'), crowded.get('a'), crowded.get('d')]).toEqual([0, 1, 2, 0])
  })
})
