import { describe, expect, it } from 'vitest'
import { listFocusTarget, workspaceShortcutIndex, type KeyChord } from '../../../renderer/src/lib/keyboard'
import { describeBackends } from '../../../renderer/src/shell/status'

function chord(code: string, modifiers: Partial<KeyChord> = {}): KeyChord {
  const key = code.replace(/^(Digit|Numpad)/, '')
  return { key, code, ctrlKey: false, altKey: false, metaKey: false, shiftKey: false, ...modifiers }
}

describe('workspace shortcuts', () => {
  it('Ctrl+N and Alt+N (top row or keypad) open workspace N', () => {
    expect(workspaceShortcutIndex(chord('Digit1', { ctrlKey: true }), 6)).toBe(0)
    expect(workspaceShortcutIndex(chord('Digit3', { ctrlKey: true }), 6)).toBe(2)
    expect(workspaceShortcutIndex(chord('Digit6', { altKey: true }), 6)).toBe(5)
    expect(workspaceShortcutIndex(chord('Numpad2', { altKey: true }), 6)).toBe(1)
    // A layout where Alt+digit types another character still has the physical code.
    expect(workspaceShortcutIndex({ ...chord('Digit4', { altKey: true }), key: '¢' }, 6)).toBe(3)
  })

  it('leaves other chords alone', () => {
    expect(workspaceShortcutIndex(chord('Digit1'), 6)).toBeNull()
    expect(workspaceShortcutIndex(chord('Digit7', { ctrlKey: true }), 6)).toBeNull()
    expect(workspaceShortcutIndex(chord('Digit1', { ctrlKey: true, altKey: true }), 6)).toBeNull() // AltGr
    expect(workspaceShortcutIndex(chord('Digit1', { ctrlKey: true, shiftKey: true }), 6)).toBeNull()
    expect(workspaceShortcutIndex(chord('Digit1', { metaKey: true, ctrlKey: true }), 6)).toBeNull()
    expect(workspaceShortcutIndex(chord('KeyA', { ctrlKey: true }), 6)).toBeNull()
  })

  it('ArrowUp/ArrowDown/Home/End move through the sidebar and wrap', () => {
    expect(listFocusTarget('ArrowDown', 0, 6)).toBe(1)
    expect(listFocusTarget('ArrowDown', 5, 6)).toBe(0)
    expect(listFocusTarget('ArrowUp', 0, 6)).toBe(5)
    expect(listFocusTarget('ArrowUp', 3, 6)).toBe(2)
    expect(listFocusTarget('ArrowDown', -1, 6)).toBe(0)
    expect(listFocusTarget('Home', 4, 6)).toBe(0)
    expect(listFocusTarget('End', 1, 6)).toBe(5)
    expect(listFocusTarget('Enter', 1, 6)).toBeNull()
    expect(listFocusTarget('ArrowDown', -1, 0)).toBeNull()
  })
})

describe('status bar text', () => {
  it('names the TF.js backend, the ones available, and the ONNX Runtime version', () => {
    expect(describeBackends({ tfBackend: 'wasm', tfBackends: ['wasm', 'cpu'], onnxruntime: '1.30.0' })).toBe(
      'TF.js: wasm (wasm, cpu) · ONNX Runtime 1.30.0',
    )
    expect(describeBackends({ tfBackend: null, tfBackends: [], onnxruntime: null })).toBe(
      'TF.js: unavailable · ONNX Runtime: unavailable',
    )
  })
})
