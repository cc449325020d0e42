/**
 * The slice views' mouse and keyboard scheme, as data (the help overlay lists it) and as pure mappings
 * (the views call them). Close to ITK-SNAP's crosshair mode and NiiVue's defaults: the left button
 * places the crosshair, the right button sets window/level, the middle button pans, the wheel moves
 * through slices and Ctrl+wheel zooms around the pointer.
 */

/** What a pointer drag does. */
export type DragMode = 'crosshair' | 'pan' | 'window'

/** The parts of a pointer event the mapping reads (PointerEvent.button: 0 left, 1 middle, 2 right). */
export interface ButtonInput {
  button: number
  shiftKey: boolean
  ctrlKey: boolean
  metaKey: boolean
}

export function dragModeFor(input: ButtonInput): DragMode | null {
  if (input.button === 1) return 'pan'
  if (input.button === 2) return 'window'
  if (input.button !== 0) return null
  if (input.shiftKey) return 'pan'
  // Ctrl+click is the right button on a Mac; Cmd+drag does the same on any keyboard.
  if (input.ctrlKey || input.metaKey) return 'window'
  return 'crosshair'
}

/** Slices to move for a key on a focused view: arrows by one, Page Up/Down by ten; null for other keys. */
export function sliceStepForKey(key: string): number | null {
  switch (key) {
    case 'ArrowUp':
    case 'ArrowRight':
      return 1
    case 'ArrowDown':
    case 'ArrowLeft':
      return -1
    case 'PageUp':
      return 10
    case 'PageDown':
      return -10
    default:
      return null
  }
}

/** Trackpads scroll in small pixel steps: this many pixels make a slice. */
const trackpadPixelsPerSlice = 30
/** A pixel delta at least this large is a mouse wheel's notch (Chromium reports 100 or 120 px). */
const notchPixels = 50

/**
 * Slices to move for a wheel event: one per mouse notch (wheel up goes to the next slice: towards
 * Superior, Anterior or Right), trackpad deltas added up in `rest` until they make a slice.
 */
export function wheelSlices(rest: number, deltaY: number, deltaMode: number): { steps: number; rest: number } {
  if (deltaY === 0) return { steps: 0, rest }
  // Lines (Firefox) and pages: one slice per event.
  if (deltaMode !== 0) return { steps: -Math.sign(deltaY), rest: 0 }
  if (Math.abs(deltaY) >= notchPixels) return { steps: -Math.sign(deltaY) * Math.max(1, Math.round(Math.abs(deltaY) / 100)), rest: 0 }
  const total = rest + deltaY
  const whole = Math.trunc(total / trackpadPixelsPerSlice)
  return { steps: -whole, rest: total - whole * trackpadPixelsPerSlice }
}

/** Zoom factor for a Ctrl+wheel delta (pixels): about x1.25 per notch, smooth for a trackpad's pinch. */
export function wheelZoomFactor(deltaY: number, deltaMode: number): number {
  const px = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 600 : deltaY
  return Math.exp((-px / 100) * Math.log(1.25))
}

export interface ControlHelp {
  keys: string[]
  action: string
}

export const controlGroups: readonly { title: string; items: readonly ControlHelp[] }[] = [
  {
    title: 'Mouse',
    items: [
      { keys: ['Left click'], action: 'Place the crosshair; every view follows' },
      { keys: ['Left drag'], action: 'Move the crosshair' },
      { keys: ['Right drag'], action: 'Window/level: right widens, up raises the level' },
      { keys: ['Ctrl', 'Left drag'], action: 'Window/level (no right button)' },
      { keys: ['Middle drag'], action: 'Pan' },
      { keys: ['Shift', 'Left drag'], action: 'Pan' },
      { keys: ['Wheel'], action: 'Next / previous slice' },
      { keys: ['Ctrl', 'Wheel'], action: 'Zoom around the pointer' },
      { keys: ['Double click'], action: 'Fit the slice to the view' },
    ],
  },
  {
    title: 'Keyboard (on a focused view)',
    items: [
      { keys: ['↑'], action: 'Next slice (also →)' },
      { keys: ['↓'], action: 'Previous slice (also ←)' },
      { keys: ['Page Up'], action: '10 slices on' },
      { keys: ['Page Down'], action: '10 slices back' },
      { keys: ['Home'], action: 'Fit the slice to the view' },
      { keys: ['?'], action: 'This help' },
    ],
  },
  {
    title: '3D view',
    items: [
      { keys: ['Left drag'], action: 'Orbit' },
      { keys: ['Right drag'], action: 'Pan (also Shift + Left drag)' },
      { keys: ['Wheel'], action: 'Zoom' },
      { keys: ['Click a surface'], action: 'Move the crosshair there' },
      { keys: ['Double click'], action: 'Give the 3D view the whole grid, or give it back' },
      { keys: ['Esc'], action: 'Back to the four views' },
    ],
  },
  {
    title: 'Structure table (on a focused row)',
    items: [
      { keys: ['Enter'], action: 'Go to the structure (also a click)' },
      { keys: ['Space'], action: 'Show or hide it in 2D and 3D' },
      { keys: ['↑'], action: 'Previous row (↓ the next)' },
    ],
  },
]
