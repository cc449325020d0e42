import type { DiceEntry } from '../../../../../../main/api'
import { compareText, filterRows, sortRows, type SortState } from './table-sort'

export type DiceColumn = 'label' | 'name' | 'dice' | 'voxelsA' | 'voxelsB'

export const diceDescendingFirst: readonly DiceColumn[] = ['dice', 'voxelsA', 'voxelsB']

/** Worst first: the labels that need a look come to the top. */
export const defaultDiceSort: SortState<DiceColumn> = { key: 'dice', direction: 'ascending' }

/**
 * Bands the rows are tinted by. The cut-offs are a display convention, not a clinical standard: 0.8 and
 * above is commonly read as good agreement for brain structures, below 0.5 as poor.
 */
export type DiceBand = 'good' | 'fair' | 'poor' | 'none'

export const diceBands: readonly { band: Exclude<DiceBand, 'none'>; label: string; min: number }[] = [
  { band: 'good', label: 'Good (≥ 0.80)', min: 0.8 },
  { band: 'fair', label: 'Fair (0.50–0.79)', min: 0.5 },
  { band: 'poor', label: 'Poor (< 0.50)', min: 0 },
]

export function diceBand(dice: number | null): DiceBand {
  if (dice === null || !Number.isFinite(dice)) return 'none'
  return diceBands.find((band) => dice >= band.min)?.band ?? 'poor'
}

/** Filtered then sorted rows; labels without a Dice (in neither map) always come last. */
export function diceRows(entries: readonly DiceEntry[], sort: SortState<DiceColumn>, query = ''): DiceEntry[] {
  const compare: Record<DiceColumn, (a: DiceEntry, b: DiceEntry) => number> = {
    label: (a, b) => a.label - b.label,
    name: (a, b) => compareText(a.name, b.name),
    dice: (a, b) => (a.dice ?? 0) - (b.dice ?? 0),
    voxelsA: (a, b) => a.voxelsA - b.voxelsA,
    voxelsB: (a, b) => a.voxelsB - b.voxelsB,
  }
  const rows = filterRows(entries, query)
  const withDice = sortRows(rows.filter((row) => row.dice !== null), compare[sort.key], sort.direction)
  const without = sortRows(rows.filter((row) => row.dice === null), compare[sort.key], sort.direction)
  return [...withDice, ...without]
}
