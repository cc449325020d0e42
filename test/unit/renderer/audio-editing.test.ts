import { describe, expect, it } from 'vitest'
import { dbToGain, matchedGainsDb, playbackGainDb } from '../../../renderer/src/workspaces/sound/lib/loudness'
import {
  describeRegion,
  fromAudioLabels,
  isMarker,
  nextLabel,
  normaliseRange,
  sortRegions,
  toAudioLabels,
  withRegionChanged,
  type SoundRegion,
} from '../../../renderer/src/workspaces/sound/lib/regions'
import { commandFor, shortcutAllowed, shortcutGroups, type EditorCommand } from '../../../renderer/src/workspaces/sound/lib/shortcuts'
import type { KeyChord } from '../../../renderer/src/lib/keyboard'

describe('loudness matching', () => {
  it('turns every version down to the quietest one, leaving unknown loudness alone', () => {
    expect(matchedGainsDb([-20, -26, -23])).toEqual([-6, 0, -3])
    expect(matchedGainsDb([-20, null])).toEqual([0, null])
    expect(matchedGainsDb([null])).toEqual([null])
    expect(matchedGainsDb([])).toEqual([])
  })

  it('adds the sound gain, and the matching gain only while matching is on', () => {
    expect(playbackGainDb(3, -6, true)).toBe(-3)
    expect(playbackGainDb(3, -6, false)).toBe(3)
    expect(playbackGainDb(-2, null, true)).toBe(-2)
    expect(dbToGain(0)).toBe(1)
    expect(dbToGain(20)).toBeCloseTo(10)
    expect(dbToGain(-6)).toBeCloseTo(0.501, 3)
  })
})

describe('the label model', () => {
  const regions: SoundRegion[] = [
    { id: 'b', start: 2, end: 3, label: 'Region 2' },
    { id: 'a', start: 1, end: 1, label: 'Marker 1' },
    { id: 'c', start: 1, end: 4, label: 'dog\tbark\n' },
  ]

  it('tells markers from regions and sorts by start, then end', () => {
    expect(isMarker(regions[1]!)).toBe(true)
    expect(sortRegions(regions).map((r) => r.id)).toEqual(['a', 'c', 'b'])
  })

  it('numbers new labels after the highest of their kind', () => {
    expect(nextLabel(regions, 'region')).toBe('Region 3')
    expect(nextLabel(regions, 'marker')).toBe('Marker 2')
    expect(nextLabel([], 'region')).toBe('Region 1')
  })

  it('writes an Audacity label track sorted, with labels on one line, and reads one back clamped', () => {
    expect(toAudioLabels(regions)).toEqual([
      { start: 1, end: 1, label: 'Marker 1' },
      { start: 1, end: 4, label: 'dog bark' },
      { start: 2, end: 3, label: 'Region 2' },
    ])
    let n = 0
    const read = fromAudioLabels([{ start: 5, end: 12, label: 'late' }, { start: 0.5, end: 0.5, label: 'm' }], 10, () => `id${++n}`)
    expect(read).toEqual([
      { id: 'id2', start: 0.5, end: 0.5, label: 'm' },
      { id: 'id1', start: 5, end: 10, label: 'late' },
    ])
  })

  it('changes one region, keeping bounds ordered and inside the sound', () => {
    const changed = withRegionChanged(regions, 'b', { start: 9, end: 12 }, 10)
    expect(changed.find((r) => r.id === 'b')).toEqual({ id: 'b', start: 9, end: 10, label: 'Region 2' })
    expect(withRegionChanged(regions, 'b', { start: 5 }, 10).find((r) => r.id === 'b')).toMatchObject({ start: 3, end: 5 })
    expect(withRegionChanged(regions, 'zz', { label: 'x' }, 10)).toEqual(regions)
    expect(normaliseRange(4, -1, 3)).toEqual({ start: 0, end: 3 })
  })

  it('describes a region for the list and for screen readers', () => {
    const format = (t: number) => `${t}s`
    expect(describeRegion(regions[0]!, format)).toBe('Region 2, 2s to 3s')
    expect(describeRegion(regions[1]!, format)).toBe('Marker 1, marker at 1s')
  })
})

function chord(key: string, extra: Partial<KeyChord> = {}): KeyChord {
  return { key, code: '', ctrlKey: false, altKey: false, metaKey: false, shiftKey: false, ...extra }
}

describe('keyboard shortcuts', () => {
  it('maps keys to commands', () => {
    expect(commandFor(chord(' '))).toEqual({ name: 'playPause' })
    expect(commandFor(chord(' ', { shiftKey: true }))).toEqual({ name: 'playSelection' })
    expect(commandFor(chord('ArrowLeft'))).toEqual({ name: 'scroll', direction: -1 })
    expect(commandFor(chord('ArrowRight', { shiftKey: true }))).toEqual({ name: 'nudgePlayhead', direction: 1 })
    expect(commandFor(chord('+', { shiftKey: true }))).toEqual({ name: 'zoomIn' })
    expect(commandFor(chord('-'))).toEqual({ name: 'zoomOut' })
    expect(commandFor(chord('0', { code: 'Digit0' }))).toEqual({ name: 'zoomFit' })
    expect(commandFor(chord('R'))).toEqual({ name: 'newRegion' })
    expect(commandFor(chord('l'))).toEqual({ name: 'toggleLoop' })
    expect(commandFor(chord('m'))).toEqual({ name: 'marker' })
    expect(commandFor(chord('Delete'))).toEqual({ name: 'deleteRegion' })
    expect(commandFor(chord('?', { shiftKey: true }))).toEqual({ name: 'help' })
    expect(commandFor(chord('e', { ctrlKey: true }))).toEqual({ name: 'export' })
    expect(commandFor(chord('O', { metaKey: true }))).toEqual({ name: 'open' })
  })

  it('maps 1..9 on the top row, the keypad and other layouts to versions', () => {
    expect(commandFor(chord('2', { code: 'Digit2' }))).toEqual({ name: 'version', index: 1 })
    expect(commandFor(chord('9', { code: 'Numpad9' }))).toEqual({ name: 'version', index: 8 })
    expect(commandFor(chord('é', { code: 'Digit2' }))).toEqual({ name: 'version', index: 1 })
  })

  it('leaves Ctrl/Alt chords of the app (workspaces) and shifted letters alone', () => {
    expect(commandFor(chord('1', { code: 'Digit1', ctrlKey: true }))).toBeNull()
    expect(commandFor(chord('1', { code: 'Digit1', altKey: true }))).toBeNull()
    expect(commandFor(chord('R', { shiftKey: true }))).toBeNull()
    expect(commandFor(chord('e', { ctrlKey: true, shiftKey: true }))).toBeNull()
    expect(commandFor(chord('q'))).toBeNull()
  })

  it('never fires while typing or in a dialog, and leaves keys that focused controls use to them', () => {
    const play: EditorCommand = { name: 'playPause' }
    const marker: EditorCommand = { name: 'marker' }
    const scroll: EditorCommand = { name: 'scroll', direction: 1 }
    expect(shortcutAllowed(marker, { tag: 'input', type: 'text' })).toBe(false)
    expect(shortcutAllowed(marker, { tag: 'input' })).toBe(false)
    expect(shortcutAllowed(marker, { tag: 'textarea' })).toBe(false)
    expect(shortcutAllowed(marker, { tag: 'div', editable: true })).toBe(false)
    expect(shortcutAllowed(marker, { tag: 'div', inDialog: true })).toBe(false)
    expect(shortcutAllowed(scroll, { tag: 'div', role: 'listbox' })).toBe(false)
    expect(shortcutAllowed(marker, { tag: 'div', role: 'listbox' })).toBe(true)
    expect(shortcutAllowed(scroll, { tag: 'input', type: 'range' })).toBe(false)
    expect(shortcutAllowed(play, { tag: 'button' })).toBe(false)
    expect(shortcutAllowed(scroll, { tag: 'button' })).toBe(true)
    expect(shortcutAllowed(play, { tag: 'input', type: 'checkbox' })).toBe(false)
    expect(shortcutAllowed(play, { tag: 'main' })).toBe(true)
  })

  it('lists every key in the help overlay', () => {
    const listed = shortcutGroups.flatMap((group) => group.items.map((item) => item.keys.join('+')))
    for (const keys of ['Space', 'Shift+Space', 'L', 'Home', 'End', '+', '−', '0', 'Z', 'R', 'M', 'Delete', 'Enter', '1 … 9', 'Ctrl+E', '?']) {
      expect(listed).toContain(keys)
    }
  })
})
