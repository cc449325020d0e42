import { listFocusTarget } from '../../../../lib/keyboard'

/**
 * Keyboard moves between the focusable rows of a table body (ArrowUp, ArrowDown, Home, End); answers
 * whether the key was handled. Rows are the body's `tr[tabindex]`.
 */
export function moveRowFocus(event: KeyboardEvent): boolean {
  const row = (event.target as HTMLElement | null)?.closest('tr')
  const body = row?.parentElement
  if (!row || !body) return false
  const rows = [...body.querySelectorAll<HTMLTableRowElement>(':scope > tr[tabindex]')]
  const target = listFocusTarget(event.key, rows.indexOf(row), rows.length)
  if (target === null) return false
  event.preventDefault()
  rows[target]?.focus()
  rows[target]?.scrollIntoView?.({ block: 'nearest' })
  return true
}
