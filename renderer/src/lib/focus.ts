/** Elements that take keyboard focus, for focus traps and initial focus. */
export const focusableSelector = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]',
]
  .map((selector) => `${selector}:not([tabindex="-1"])`)
  .join(', ')

/**
 * Where Tab (or Shift+Tab) moves inside a focus trap of `count` elements when focus is on `current`
 * (-1: on none of them): wraps from the last to the first and back.
 */
export function trapTabTarget(current: number, count: number, backwards: boolean): number {
  if (count === 0) return -1
  if (current < 0) return backwards ? count - 1 : 0
  if (backwards) return current === 0 ? count - 1 : current - 1
  return current === count - 1 ? 0 : current + 1
}

/** The open modal dialogs, innermost last: only the innermost traps focus and hears Escape. */
const openDialogs: HTMLElement[] = []

export const dialogStack = {
  push(panel: HTMLElement): void {
    openDialogs.push(panel)
  },
  remove(panel: HTMLElement): void {
    const index = openDialogs.lastIndexOf(panel)
    if (index >= 0) openDialogs.splice(index, 1)
  },
  isTop(panel: HTMLElement): boolean {
    return openDialogs[openDialogs.length - 1] === panel
  },
}
