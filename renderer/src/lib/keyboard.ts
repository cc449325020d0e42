/** The parts of a KeyboardEvent the shortcuts look at, so they can be tested without a DOM. */
export interface KeyChord {
  key: string
  code: string
  ctrlKey: boolean
  altKey: boolean
  metaKey: boolean
  shiftKey: boolean
}

/**
 * Ctrl+1..N or Alt+1..N (top row or keypad) jump to workspace N; returns its zero-based index, or null
 * when the chord is not such a shortcut. Ctrl+Alt, Shift and Meta combinations are left alone (AltGr
 * arrives as Ctrl+Alt on Windows and types characters).
 */
export function workspaceShortcutIndex(chord: KeyChord, count: number): number | null {
  if (chord.metaKey || chord.shiftKey || chord.ctrlKey === chord.altKey) return null
  const match = /^(?:Digit|Numpad)([1-9])$/.exec(chord.code) ?? /^([1-9])$/.exec(chord.key)
  if (!match?.[1]) return null
  const index = Number(match[1]) - 1
  return index < count ? index : null
}

/**
 * Where focus goes inside a vertical list (the sidebar) for ArrowUp/ArrowDown/Home/End; wraps at the ends.
 * `current` is -1 when focus is not on an item. Returns null for other keys.
 */
export function listFocusTarget(key: string, current: number, count: number): number | null {
  if (count === 0) return null
  switch (key) {
    case 'ArrowDown':
      return current < 0 ? 0 : (current + 1) % count
    case 'ArrowUp':
      return current < 0 ? count - 1 : (current - 1 + count) % count
    case 'Home':
      return 0
    case 'End':
      return count - 1
    default:
      return null
  }
}
