import type { KeyChord } from '../../../lib/keyboard'

/** What a key does in the sound editor. */
export type EditorCommand =
  | { name: 'playPause' }
  | { name: 'playSelection' }
  | { name: 'toStart' }
  | { name: 'toEnd' }
  | { name: 'scroll'; direction: -1 | 1 }
  | { name: 'nudgePlayhead'; direction: -1 | 1 }
  | { name: 'zoomIn' }
  | { name: 'zoomOut' }
  | { name: 'zoomFit' }
  | { name: 'zoomSelection' }
  | { name: 'newRegion' }
  | { name: 'marker' }
  | { name: 'toggleLoop' }
  | { name: 'deleteRegion' }
  | { name: 'renameRegion' }
  | { name: 'selectRegion'; direction: -1 | 1 }
  | { name: 'clearSelection' }
  | { name: 'version'; index: number }
  | { name: 'export' }
  | { name: 'open' }
  | { name: 'help' }

export type CommandName = EditorCommand['name']

/** The keys listed in the help overlay, grouped; the same table the key handler reads. */
export const shortcutGroups: ReadonlyArray<{ title: string; items: ReadonlyArray<{ keys: string[]; action: string }> }> = [
  {
    title: 'Playback',
    items: [
      { keys: ['Space'], action: 'Play or pause from the playhead' },
      { keys: ['Shift', 'Space'], action: 'Play the selection or selected region once' },
      { keys: ['L'], action: 'Loop the selection or selected region (again to stop)' },
      { keys: ['Home'], action: 'Playhead to the start' },
      { keys: ['End'], action: 'Playhead to the end' },
      { keys: ['Shift', '← / →'], action: 'Move the playhead by a twentieth of the view' },
    ],
  },
  {
    title: 'View',
    items: [
      { keys: ['+'], action: 'Zoom in (down to single samples)' },
      { keys: ['−'], action: 'Zoom out' },
      { keys: ['0'], action: 'Zoom to fit the whole sound' },
      { keys: ['Z'], action: 'Zoom to the selection or selected region' },
      { keys: ['Ctrl', 'Wheel'], action: 'Zoom around the pointer (trackpad pinch too)' },
      { keys: ['← / →'], action: 'Scroll by a tenth of the view' },
      { keys: ['Shift', 'Wheel'], action: 'Scroll (sideways wheels and swipes too)' },
    ],
  },
  {
    title: 'Regions and markers',
    items: [
      { keys: ['Drag'], action: 'Select a stretch on the waveform (inside a region too)' },
      { keys: ['Drag', 'Edge'], action: 'Resize the selection or a region by the handle on its edge' },
      { keys: ['Drag', 'Label bar'], action: 'Move a region (or a marker by its flag)' },
      { keys: ['Alt', 'Drag'], action: 'Move the region or selection under the pointer' },
      { keys: ['Double-click'], action: 'Rename the region' },
      { keys: ['R'], action: 'New region from the selection' },
      { keys: ['M'], action: 'New marker at the playhead' },
      { keys: ['[ / ]'], action: 'Select the previous or next region' },
      { keys: ['Enter'], action: 'Rename the selected region' },
      { keys: ['Delete'], action: 'Delete the selected region' },
      { keys: ['Esc'], action: 'Clear the selection' },
    ],
  },
  {
    title: 'Versions and files',
    items: [
      { keys: ['1 … 9'], action: 'Switch to version N at the same position' },
      { keys: ['Ctrl', 'O'], action: 'Open a sound file in this tab (asks before unsaved labels go)' },
      { keys: ['Tab bar'], action: 'Show another open sound; × closes its tab, + opens one in a new tab' },
      { keys: ['Ctrl', 'E'], action: 'Export audio as WAV' },
      { keys: ['?'], action: 'Show these shortcuts' },
    ],
  },
]

const plainKeys: Record<string, EditorCommand> = {
  ' ': { name: 'playPause' },
  Home: { name: 'toStart' },
  End: { name: 'toEnd' },
  ArrowLeft: { name: 'scroll', direction: -1 },
  ArrowRight: { name: 'scroll', direction: 1 },
  '+': { name: 'zoomIn' },
  '=': { name: 'zoomIn' },
  '-': { name: 'zoomOut' },
  '0': { name: 'zoomFit' },
  z: { name: 'zoomSelection' },
  r: { name: 'newRegion' },
  m: { name: 'marker' },
  l: { name: 'toggleLoop' },
  Delete: { name: 'deleteRegion' },
  Backspace: { name: 'deleteRegion' },
  Enter: { name: 'renameRegion' },
  F2: { name: 'renameRegion' },
  '[': { name: 'selectRegion', direction: -1 },
  ']': { name: 'selectRegion', direction: 1 },
  Escape: { name: 'clearSelection' },
  '?': { name: 'help' },
}

const shiftedKeys: Record<string, EditorCommand> = {
  ' ': { name: 'playSelection' },
  ArrowLeft: { name: 'nudgePlayhead', direction: -1 },
  ArrowRight: { name: 'nudgePlayhead', direction: 1 },
}

/** The command for a key chord, or null. Ctrl/Alt chords other than Ctrl+E and Ctrl+O belong to the app. */
export function commandFor(chord: KeyChord): EditorCommand | null {
  const command = chord.ctrlKey || chord.metaKey
  if (command) {
    if (chord.altKey || chord.shiftKey) return null
    const key = chord.key.toLowerCase()
    return key === 'e' ? { name: 'export' } : key === 'o' ? { name: 'open' } : null
  }
  if (chord.altKey) return null
  const digit = /^(?:Digit|Numpad)([1-9])$/.exec(chord.code)?.[1] ?? /^[1-9]$/.exec(chord.key)?.[0]
  if (digit && !chord.shiftKey) return { name: 'version', index: Number(digit) - 1 }
  const key = chord.key.length === 1 ? chord.key.toLowerCase() : chord.key
  if (chord.shiftKey && shiftedKeys[key]) return shiftedKeys[key]
  // Shift is part of typing '+' and '?' on most layouts; other shifted letters are not shortcuts.
  if (chord.shiftKey && /^[a-z]$/.test(key)) return null
  return plainKeys[key] ?? null
}

/** Where a key was pressed, as far as shortcuts care. */
export interface KeyTarget {
  /** Lower-case tag name. */
  tag: string
  /** An input's type. */
  type?: string | null
  role?: string | null
  /** contenteditable. */
  editable?: boolean
  /** Inside a modal dialog, which handles its own keys. */
  inDialog?: boolean
}

const widgetRoles = new Set(['listbox', 'option', 'slider', 'scrollbar', 'spinbutton', 'menu', 'menuitem', 'tab', 'grid', 'tree', 'combobox', 'radio'])
const nonTextInputs = new Set(['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'color', 'file', 'image'])
/** Keys that focused controls use themselves. */
const navigationKeys = new Set(['playPause', 'playSelection', 'toStart', 'toEnd', 'scroll', 'nudgePlayhead', 'deleteRegion', 'renameRegion', 'clearSelection'])
const activationKeys = new Set(['playPause', 'playSelection', 'renameRegion'])

/**
 * Whether a shortcut may act on a key pressed at `target`: never while typing or inside a dialog; not
 * for keys that a focused list, slider or scrollbar uses to move; not for Space/Enter on a button.
 */
export function shortcutAllowed(command: EditorCommand, target: KeyTarget): boolean {
  if (target.inDialog) return false
  const tag = target.tag
  const type = (target.type ?? 'text').toLowerCase()
  if (target.editable || tag === 'textarea' || tag === 'select') return false
  if (tag === 'input' && !nonTextInputs.has(type)) return false
  const widget = (target.role && widgetRoles.has(target.role)) || (tag === 'input' && (type === 'range' || type === 'radio'))
  if (widget) return !navigationKeys.has(command.name)
  const button = tag === 'button' || tag === 'a' || tag === 'summary' || target.role === 'button' || tag === 'input'
  if (button) return !activationKeys.has(command.name)
  return true
}
