import { PerceptError } from '../../core/errors'
import { readTextFile } from '../../core/text-file'
import { parseCsv, type CsvRecord } from './csv'
import type { DatasetProblem } from './types'

/**
 * A published metadata CSV read by its header names, not column positions, so re-saved files
 * with columns reordered or added still load. Each row's fields are parsed through `MetadataRow`,
 * which collects what is wrong so one message can list everything about that row.
 */

const columnNames = (header: CsvRecord | undefined) => (header?.fields ?? []).map((name) => name.trim().toLowerCase())

/** The `required` columns absent from a header's `names` (as columnNames gives them). */
export function missingColumns(names: string[], required: string[]): string[] {
  return required.filter((column) => !names.includes(column.toLowerCase()))
}

/** Far above the published files (UrbanSound8K's is 0.5 MB); past it a file is no metadata CSV. */
const maxMetadataBytes = 64 * 1024 ** 2

const readMetadataText = (path: string): Promise<string> => readTextFile(path, { what: 'a metadata CSV', maxBytes: maxMetadataBytes })

/** The CSV's column names, trimmed and lower-cased (headers match case-insensitively). */
export async function readCsvHeader(path: string): Promise<string[]> {
  return columnNames(parseCsv(await readMetadataText(path)).records[0])
}

export class MetadataRow {
  readonly errors: string[] = []

  constructor(
    readonly line: number,
    private readonly values: Map<string, string>,
  ) {}

  /** The trimmed value; '' when the column is absent or blank. */
  text(column: string): string {
    return this.values.get(column.toLowerCase()) ?? ''
  }

  /** A non-empty value (reported when blank). */
  required(column: string): string {
    const value = this.text(column)
    if (value === '') this.errors.push(`${column} is empty`)
    return value
  }

  /** A whole number in min..max (reported otherwise; NaN then). */
  integer(column: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.text(column)
    const n = /^[+-]?\d+(\.0*)?$/.test(value) ? Number(value) : NaN
    if (Number.isNaN(n)) this.errors.push(`${column} "${value}" is not a whole number`)
    else if (n < min || n > max) this.errors.push(`${column} ${n} is outside ${min}-${max}`)
    return n
  }

  /** An optional decimal: undefined when blank, reported when not a number. */
  number(column: string): number | undefined {
    const value = this.text(column)
    if (value === '') return undefined
    const n = Number(value)
    if (Number.isFinite(n)) return n
    this.errors.push(`${column} "${value}" is not a number`)
    return undefined
  }
}

export interface MetadataTable {
  rows: MetadataRow[]
  problems: DatasetProblem[]
}

/**
 * Reads `path`; throws VALIDATION when the header lacks a `required` column (nothing could load),
 * reports rows whose field count disagrees with the header.
 */
export async function readMetadataCsv(path: string, what: string, required: string[]): Promise<MetadataTable> {
  const { records, unclosedQuoteLine } = parseCsv(await readMetadataText(path))
  const [header, ...body] = records
  const names = columnNames(header)
  const missing = missingColumns(names, required)
  if (missing.length > 0) {
    // The first line is not quoted back: a file without these columns is not metadata, and not ours to show.
    throw new PerceptError(
      'VALIDATION',
      `${path} is not ${what} metadata: its first line lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
        `(it needs ${required.join(', ')}). Use the CSV file as published with the data set.`,
    )
  }
  const problems: DatasetProblem[] = []
  if (unclosedQuoteLine !== undefined) {
    problems.push({
      line: unclosedQuoteLine,
      path,
      message: `A quote opened on line ${unclosedQuoteLine} never closes: the rest of the file was read as one field.`,
    })
  }
  const rows: MetadataRow[] = []
  for (const { line, fields } of body) {
    const extra = fields.slice(names.length).some((field) => field.trim() !== '')
    if (fields.length < names.length || extra) {
      problems.push({ line, path, message: `Line ${line} has ${fields.length} fields but the header has ${names.length}. Row left out.` })
      continue
    }
    rows.push(new MetadataRow(line, new Map(names.map((name, i) => [name, fields[i]!.trim()]))))
  }
  return { rows, problems }
}

/** The problem for a row whose fields did not parse, or undefined when it is fine. */
export function rowProblem(row: MetadataRow, path: string): DatasetProblem | undefined {
  if (row.errors.length === 0) return undefined
  return { line: row.line, path, message: `Line ${row.line}: ${row.errors.join('; ')}. Row left out.` }
}

/** A file name as listed: one plain name, so a row cannot point outside the audio folder. */
export function fileName(row: MetadataRow, column: string): string {
  const name = row.required(column)
  if (/[/\\]/.test(name) || name === '.' || name === '..') row.errors.push(`${column} "${name}" is not a plain file name`)
  return name
}
