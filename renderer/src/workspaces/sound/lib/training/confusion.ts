/**
 * A confusion matrix (confusion[truth][predicted] counts) as a heat map: each cell keeps its count and
 * gets its share of the true class's clips (row-normalised), which sets its colour; the diagonal is the
 * per-class recall. Classes without clips have an empty row (share null).
 */
export interface ConfusionCell {
  predicted: number
  count: number
  /** count / clips of the true class; null for a class without clips. */
  share: number | null
  correct: boolean
}

export interface ConfusionRow {
  truth: number
  name: string
  /** Clips of this true class. */
  clips: number
  cells: ConfusionCell[]
}

export interface ConfusionGrid {
  classNames: string[]
  rows: ConfusionRow[]
  /** Every clip counted. */
  total: number
  /** Clips on the diagonal. */
  correct: number
}

export function confusionGrid(confusion: readonly (readonly number[])[], classNames: readonly string[]): ConfusionGrid {
  let total = 0
  let correct = 0
  const rows = classNames.map((name, truth): ConfusionRow => {
    const counts = classNames.map((_, predicted) => confusion[truth]?.[predicted] ?? 0)
    const clips = counts.reduce((a, b) => a + b, 0)
    total += clips
    correct += counts[truth] ?? 0
    return {
      truth,
      name,
      clips,
      cells: counts.map((count, predicted) => ({ predicted, count, share: clips === 0 ? null : count / clips, correct: predicted === truth })),
    }
  })
  return { classNames: [...classNames], rows, total, correct }
}

/** The strongest mix of the accent into the surface: the theme's text stays readable on it (light and dark). */
export const maxHeatPercent = 60

/** The cell's background: the accent mixed into the surface by the cell's share of its row (none for 0). */
export function heatBackground(share: number | null): string {
  if (share === null || share <= 0) return 'transparent'
  const percent = Math.round(8 + (maxHeatPercent - 8) * Math.min(1, share))
  return `color-mix(in srgb, var(--accent) ${percent}%, var(--surface))`
}

/** What a screen reader hears for a cell. */
export function cellLabel(grid: ConfusionGrid, row: ConfusionRow, cell: ConfusionCell): string {
  const predicted = grid.classNames[cell.predicted] ?? String(cell.predicted)
  const share = cell.share === null ? '' : ` (${Math.round(cell.share * 100)}% of ${row.clips})`
  return `${row.name} predicted as ${predicted}: ${cell.count} clip${cell.count === 1 ? '' : 's'}${share}`
}
