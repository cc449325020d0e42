import {
  ColorTable,
  isColorByte,
  isCommentOrBlank,
  parseHexColor,
  parseWholeNumber,
  splitLines,
  type LabelColor,
} from './color-table'
import { distinctColor } from './distinct-color'

/**
 * A simple CSV colour table with a header row (RFC 4180 quoting, ',' ';' or tab between fields):
 *
 *   label,name,r,g,b            or   label,name,color
 *   1,"Left hippocampus",255,0,0      1,Left hippocampus,#ff0000
 *
 * Column names are case-insensitive. The label column is the first of label/index/idx/id/value/no
 * (when there is no "name" column, "label" is the name and index/idx/id/value/no the number).
 * Colour from r,g,b (or red,green,blue) or color/colour ('#rrggbb', '#rrggbbaa'); an optional
 * alpha/opacity column 0..1. A row without a colour gets its distinct colour.
 */

const NUMBER_COLUMNS = ['label', 'index', 'idx', 'id', 'value', 'no', 'number']
const NAME_COLUMNS = ['name', 'label_name', 'labelname', 'structure', 'description']

export interface CsvColumns {
  delimiter: string
  label: number
  name: number
  rgb: [number, number, number] | null
  hex: number | null
  alpha: number | null
}

/** Splits one CSV row; quoted fields may hold the delimiter and doubled quotes. */
export function splitCsvRow(line: string, delimiter: string): string[] {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quoted) {
      if (c !== '"') {
        field += c
      } else if (line[i + 1] === '"') {
        field += '"'
        i++
      } else {
        quoted = false
      }
    } else if (c === '"' && field.trim() === '') {
      quoted = true
      field = ''
    } else if (c === delimiter) {
      fields.push(field.trim())
      field = ''
    } else {
      field += c
    }
  }
  fields.push(field.trim())
  return fields
}

/** The columns a header row names, or null when it is not a colour-table header. */
export function csvColumns(header: string): CsvColumns | null {
  const delimiter = [',', ';', '\t'].reduce((best, d) => (header.split(d).length > header.split(best).length ? d : best))
  const names = splitCsvRow(header, delimiter).map((cell) => cell.toLowerCase().replace(/\s+/g, '_'))
  if (names.length < 2) return null
  const find = (candidates: string[]): number => {
    for (const candidate of candidates) if (names.includes(candidate)) return names.indexOf(candidate)
    return -1
  }
  let name = find(NAME_COLUMNS)
  let label = name >= 0 ? find(NUMBER_COLUMNS) : find(NUMBER_COLUMNS.filter((c) => c !== 'label'))
  if (name < 0) name = names.indexOf('label')
  if (label < 0 || name < 0) return null
  const r = find(['r', 'red'])
  const g = find(['g', 'green'])
  const b = find(['b', 'blue'])
  const hex = find(['color', 'colour', 'hex', 'rgb'])
  const alpha = find(['alpha', 'a', 'opacity'])
  return {
    delimiter,
    label,
    name,
    rgb: r >= 0 && g >= 0 && b >= 0 ? [r, g, b] : null,
    hex: hex >= 0 ? hex : null,
    alpha: alpha >= 0 ? alpha : null,
  }
}

export function parseCsvColorTable(text: string): ColorTable {
  const table = new ColorTable()
  table.format = 'csv'
  let columns: CsvColumns | null = null
  splitLines(text).forEach((line, index) => {
    const lineNumber = index + 1
    if (isCommentOrBlank(line)) return
    if (columns === null) {
      columns = csvColumns(line)
      if (columns === null) table.warn(lineNumber, 'not a header naming the label and name columns; line skipped')
      return
    }
    const cells = splitCsvRow(line, columns.delimiter)
    const cell = (at: number | null): string => (at === null ? '' : (cells[at] ?? ''))
    const label = parseWholeNumber(cell(columns.label))
    if (label === null) return table.warn(lineNumber, `label "${cell(columns.label)}" is not a whole number; line skipped`)
    const entry: LabelColor = { name: cell(columns.name), color: distinctColor(label) }
    if (columns.rgb !== null) {
      const rgb = columns.rgb.map((at) => parseWholeNumber(cell(at)) ?? -1)
      if (!rgb.every(isColorByte)) return table.warn(lineNumber, 'r, g and b must be whole numbers 0..255; line skipped')
      entry.color = rgb as [number, number, number]
    } else if (columns.hex !== null && cell(columns.hex) !== '') {
      const parsed = parseHexColor(cell(columns.hex))
      if (parsed === null) return table.warn(lineNumber, `colour "${cell(columns.hex)}" is not #rrggbb; line skipped`)
      entry.color = parsed.color
      if (parsed.alpha !== undefined) entry.alpha = parsed.alpha
    }
    if (columns.alpha !== null && cell(columns.alpha) !== '') {
      const alpha = Number(cell(columns.alpha))
      if (!Number.isFinite(alpha) || alpha < 0 || alpha > 1) {
        return table.warn(lineNumber, `alpha "${cell(columns.alpha)}" must be a number 0..1; line skipped`)
      }
      entry.alpha = alpha
    }
    table.define(label, entry, lineNumber)
  })
  return table
}
