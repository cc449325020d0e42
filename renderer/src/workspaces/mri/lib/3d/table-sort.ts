/** Sort state shared by the MRI tables: a column and a direction; aria-sort follows from it. */
export type SortDirection = 'ascending' | 'descending'

export interface SortState<K extends string> {
  key: K
  direction: SortDirection
}

/**
 * The state after a click on a column header: the same column flips direction; another column starts in
 * its natural direction (numbers largest first, text A to Z), as spreadsheet users expect.
 */
export function nextSort<K extends string>(current: SortState<K>, key: K, descendingFirst: readonly K[]): SortState<K> {
  if (current.key === key) return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' }
  return { key, direction: descendingFirst.includes(key) ? 'descending' : 'ascending' }
}

/** The aria-sort value of a column header. */
export function ariaSort<K extends string>(current: SortState<K>, key: K): 'ascending' | 'descending' | 'none' {
  return current.key === key ? current.direction : 'none'
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })

/** Compares text the way people read it ("Area 2" before "Area 10"), ignoring case. */
export function compareText(a: string, b: string): number {
  return collator.compare(a, b)
}

/**
 * A sorted copy: `compare` orders ascending; descending reverses it; ties fall back to the label number
 * (always ascending) so the order is stable and the same every time.
 */
export function sortRows<T extends { label: number }>(rows: readonly T[], compare: (a: T, b: T) => number, direction: SortDirection): T[] {
  const sign = direction === 'ascending' ? 1 : -1
  return [...rows].sort((a, b) => sign * compare(a, b) || a.label - b.label)
}

/**
 * Rows whose name matches every word of the query, or whose label number is the query. A word matches
 * the start of a word of the name ("front sup" finds "Frontal_Sup_L", "r" finds "…_R" but not "…_L");
 * words of three letters or more also match inside one ("campus" finds "Hippocampus"). Case and accents
 * are ignored; an empty query keeps every row.
 */
export function filterRows<T extends { label: number; name: string }>(rows: readonly T[], query: string): T[] {
  const words = splitWords(query)
  if (words.length === 0) return [...rows]
  return rows.filter((row) => {
    if (words.length === 1 && String(row.label) === words[0]) return true
    const name = fold(row.name)
    const nameWords = splitWords(row.name)
    return words.every((word) => nameWords.some((candidate) => candidate.startsWith(word)) || (word.length >= 3 && name.includes(word)))
  })
}

function splitWords(text: string): string[] {
  return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean)
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim()
}
