import { describe, expect, it } from 'vitest'
import { diceBand, diceRows } from '../../../../renderer/src/workspaces/mri/lib/3d/dice-rows'
import { rgbHex, rgbHue } from '../../../../renderer/src/workspaces/mri/lib/3d/label-color'
import { structureDescendingFirst, structureRows, structureTotals, visibilityState, type StructureColumn } from '../../../../renderer/src/workspaces/mri/lib/3d/structure-rows'
import { formatCount, formatDice, formatMl } from '../../../../renderer/src/workspaces/mri/lib/3d/table-format'
import { ariaSort, nextSort, type SortState } from '../../../../renderer/src/workspaces/mri/lib/3d/table-sort'
import { dice, structures } from './fixtures'

const labels = (rows: { label: number }[]) => rows.map((row) => row.label)
const by = (key: StructureColumn, direction: SortState<StructureColumn>['direction'] = 'ascending') => labels(structureRows(structures, { key, direction }))

describe('structure table rows', () => {
  it('sorts by each column, both ways', () => {
    expect(by('label')).toEqual([1, 2, 9, 10, 11])
    expect(by('label', 'descending')).toEqual([11, 10, 9, 2, 1])
    // Names read naturally: accents and case ignored (Área sorts as Area).
    expect(by('name')).toEqual([9, 11, 10, 1, 2])
    expect(by('voxels')).toEqual([10, 9, 1, 2, 11])
    expect(by('volumeMl', 'descending')).toEqual([11, 2, 1, 9, 10])
    // Colour by hue: grey first, then yellow 52°, green 128°, blue 201°, red 345°.
    expect(by('color')).toEqual([9, 11, 2, 10, 1])
  })

  it('breaks ties by label so the order never wobbles', () => {
    const tied = structures.map((entry) => ({ ...entry, voxels: 7 }))
    expect(labels(structureRows(tied, { key: 'voxels', direction: 'descending' }))).toEqual([1, 2, 9, 10, 11])
  })

  it('filters by words of the name or by the label number', () => {
    const filter = (query: string) => labels(structureRows(structures, { key: 'label', direction: 'ascending' }, query))
    expect(filter('precentral')).toEqual([1, 2])
    expect(filter('PRECENTRAL_r')).toEqual([2])
    expect(filter('front sup')).toEqual([10])
    expect(filter('area')).toEqual([11]) // accent folded
    expect(filter('10')).toEqual([10])
    expect(filter('  ')).toEqual([1, 2, 9, 10, 11])
    expect(filter('thalamus')).toEqual([])
    expect(filter('ygdal')).toEqual([9]) // inside a word from three letters
    expect(filter('l')).toEqual([1, 10]) // one letter: word starts only
  })

  it('sums the rows shown and reports the visibility of all', () => {
    expect(structureTotals(structures)).toEqual({ voxels: 16646, volumeMl: 16.646 })
    expect(visibilityState(structures, {})).toBe('all')
    expect(visibilityState(structures, { 2: false })).toBe('some')
    expect(visibilityState(structures, Object.fromEntries(structures.map((s) => [s.label, false])))).toBe('none')
  })

  it('cycles sort direction like a spreadsheet and reports aria-sort', () => {
    let sort: SortState<StructureColumn> = { key: 'label', direction: 'ascending' }
    sort = nextSort(sort, 'label', structureDescendingFirst)
    expect(sort).toEqual({ key: 'label', direction: 'descending' })
    sort = nextSort(sort, 'volumeMl', structureDescendingFirst)
    expect(sort).toEqual({ key: 'volumeMl', direction: 'descending' }) // largest first on the first click
    sort = nextSort(sort, 'name', structureDescendingFirst)
    expect(sort).toEqual({ key: 'name', direction: 'ascending' })
    expect(ariaSort(sort, 'name')).toBe('ascending')
    expect(ariaSort(sort, 'voxels')).toBe('none')
  })
})

describe('Dice table rows', () => {
  it('sorts by Dice with labels in neither map always last', () => {
    expect(labels(diceRows(dice.labels, { key: 'dice', direction: 'ascending' }))).toEqual([10, 2, 9, 1, 3])
    expect(labels(diceRows(dice.labels, { key: 'dice', direction: 'descending' }))).toEqual([1, 9, 2, 10, 3])
    expect(labels(diceRows(dice.labels, { key: 'voxelsB', direction: 'descending' }))).toEqual([2, 1, 9, 10, 3])
    expect(labels(diceRows(dice.labels, { key: 'name', direction: 'ascending' }))).toEqual([9, 10, 1, 2, 3])
    expect(labels(diceRows(dice.labels, { key: 'label', direction: 'ascending' }, 'precentral'))).toEqual([1, 2])
  })

  it('bands Dice at 0.5 and 0.8', () => {
    expect([0.8, 0.79, 0.5, 0.49, 0, null].map(diceBand)).toEqual(['good', 'fair', 'fair', 'poor', 'poor', 'none'])
  })
})

describe('formats and colours', () => {
  it('formats millilitres, counts and Dice', () => {
    expect(formatMl(12.346)).toBe('12.35')
    expect(formatMl(0)).toBe('0.00')
    expect(formatCount(1234567)).toBe('1,234,567')
    expect(formatDice(0.91234)).toBe('0.912')
    expect(formatDice(null)).toBe('—')
  })

  it('computes hue and hex', () => {
    expect(rgbHue([255, 0, 0])).toBe(0)
    expect(rgbHue([0, 255, 0])).toBe(120)
    expect(rgbHue([0, 0, 255])).toBe(240)
    expect(rgbHue([255, 0, 255])).toBe(300)
    expect(rgbHue([9, 9, 9])).toBe(-1)
    expect(rgbHex([255, 8, 171])).toBe('#ff08ab')
  })
})
