/** The parts of a WheelEvent the editor reads, so the mapping can be tested without a DOM. */
export interface WheelInput {
  deltaX: number
  deltaY: number
  /** 0 pixels, 1 lines, 2 pages (WheelEvent.deltaMode). */
  deltaMode: number
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
}

export type WheelIntent = { kind: 'zoom'; factor: number } | { kind: 'scroll'; px: number }

const lineHeightPx = 16
const pagePx = 600

function toPixels(delta: number, mode: number): number {
  return mode === 1 ? delta * lineHeightPx : mode === 2 ? delta * pagePx : delta
}

/**
 * What a wheel turn over the waveform means: Ctrl (or Cmd, or a trackpad pinch, which arrives as
 * Ctrl+wheel) zooms around the pointer; Shift+wheel and sideways wheels scroll in time; a plain
 * vertical wheel is left to the page (null).
 */
export function wheelIntent(input: WheelInput): WheelIntent | null {
  const dx = toPixels(input.deltaX, input.deltaMode)
  const dy = toPixels(input.deltaY, input.deltaMode)
  if (input.ctrlKey || input.metaKey) {
    if (dy === 0) return null
    // About x1.25 per mouse notch (100 px), smooth for trackpads' small deltas.
    return { kind: 'zoom', factor: Math.exp((-dy / 100) * Math.log(1.25)) }
  }
  if (input.shiftKey) {
    const px = dy !== 0 ? dy : dx
    return px === 0 ? null : { kind: 'scroll', px }
  }
  if (Math.abs(dx) > Math.abs(dy)) return { kind: 'scroll', px: dx }
  return null
}
