import type { LabelEntry } from '../../../../../../main/api'
import { rgbHue } from './label-color'
import { compareText, filterRows, sortRows, type SortState } from './table-sort'

/** The columns of the structure table. */
export type StructureColumn = 'color' | 'label' | 'name' | 'voxels' | 'volumeMl'

/** Columns whose first click sorts largest first. */
export const structureDescendingFirst: readonly StructureColumn[] = ['voxels', 'volumeMl']

export const defaultStructureSort: SortState<StructureColumn> = { key: 'label', direction: 'ascending' }

/** Visibility by label; a label not in the record is visible. */
export type LabelVisibility = Readonly<Record<number, boolean>>

export function isVisible(visibility: LabelVisibility | undefined, label: number): boolean {
  return visibility?.[label] !== false
}

/** The rows of the structure table: filtered by the query, then sorted; colours sort by hue. */
export function structureRows(entries: readonly LabelEntry[], sort: SortState<StructureColumn>, query = ''): LabelEntry[] {
  const compare: Record<StructureColumn, (a: LabelEntry, b: LabelEntry) => number> = {
    color: (a, b) => rgbHue(a.color) - rgbHue(b.color),
    label: (a, b) => a.label - b.label,
    name: (a, b) => compareText(a.name, b.name),
    voxels: (a, b) => a.voxels - b.voxels,
    volumeMl: (a, b) => a.volumeMl - b.volumeMl,
  }
  return sortRows(filterRows(entries, query), compare[sort.key], sort.direction)
}

/** Sums of the rows shown, for the table's footer. */
export function structureTotals(rows: readonly LabelEntry[]): { voxels: number; volumeMl: number } {
  return rows.reduce((sum, row) => ({ voxels: sum.voxels + row.voxels, volumeMl: sum.volumeMl + row.volumeMl }), { voxels: 0, volumeMl: 0 })
}

/** 'all', 'none' or 'some' of the labels visible: the header checkbox's checked / indeterminate state. */
export function visibilityState(entries: readonly LabelEntry[], visibility: LabelVisibility | undefined): 'all' | 'none' | 'some' {
  const shown = entries.filter((entry) => isVisible(visibility, entry.label)).length
  if (shown === entries.length) return 'all'
  return shown === 0 ? 'none' : 'some'
}
