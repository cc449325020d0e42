import { PerceptError } from '../../core/errors'
import { isCommentOrBlank, splitLines, type ColorTable, type ColorTableFormat } from './color-table'
import { csvColumns, parseCsvColorTable } from './csv-color-table'
import { FREESURFER_HEADER, FREESURFER_ROW, parseFreeSurferLut } from './freesurfer-lut'
import { ITK_SNAP_HEADER, ITK_SNAP_ROW, parseItkSnapLabels } from './itk-snap-labels'
import { parseJsonColorTable } from './json-color-table'
import { MRICRON_NAME_ROW, parseMricronNames } from './mricron-atlas'

/** What the error says when a file is none of the formats. */
export const ACCEPTED_COLOR_TABLES =
  'ITK-SNAP label descriptions (IDX R G B A VIS MSH "LABEL"), a FreeSurfer colour LUT (No. Label-Name R G B A), ' +
  'a CSV with a header (label,name,r,g,b or label,name,color), JSON ([{"label", "name", "color"}]), ' +
  'or an MRIcron atlas .txt ("index name") with its 768-byte .lut'

/**
 * Which text format `text` is, from its content (file names lie): JSON by its first character; ITK-SNAP
 * or FreeSurfer by the header comment they write; CSV by a header row naming label and name columns;
 * otherwise the row shape most data lines have (ITK-SNAP's quoted name, FreeSurfer's "n name r g b a",
 * MRIcron's "n name"), when it is at least half of them. Null when none fits.
 */
export function detectColorTableFormat(text: string): ColorTableFormat | null {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart()
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return 'json'
  const lines = splitLines(text)
  const comments = lines.filter((line) => line.trim().startsWith('#')).join('\n')
  if (ITK_SNAP_HEADER.test(comments)) return 'itk-snap'
  if (FREESURFER_HEADER.test(comments)) return 'freesurfer'
  const data = lines.filter((line) => !isCommentOrBlank(line))
  if (data.length === 0) return null
  if (!/^\s*[-+]?\d/.test(data[0]!) && csvColumns(data[0]!) !== null) return 'csv'
  const count = (pattern: RegExp): number => data.filter((line) => pattern.test(line)).length
  const half = data.length / 2
  if (count(ITK_SNAP_ROW) >= half) return 'itk-snap'
  if (count(FREESURFER_ROW) >= half) return 'freesurfer'
  if (count(MRICRON_NAME_ROW) >= half) return 'mricron'
  return null
}

/**
 * Parses a colour table of any text format. Bad lines become warnings on the table; text that is no
 * colour table at all is INVALID_FILE naming the accepted formats (`what` names the file in it).
 */
export function parseColorTableText(text: string, what = 'The colour table'): ColorTable {
  const format = detectColorTableFormat(text)
  const table = format === null ? null : parserFor(format)(text)
  if (table === null || (table.size === 0 && format !== 'json')) {
    // Which line, never its text: a file that is no colour table is not the caller's to read through us.
    const line = table?.warnings.find((w) => w.line !== undefined)?.line
    const why = line === undefined ? '' : ` (line ${line} is not a valid ${format} row)`
    throw new PerceptError(
      'INVALID_FILE',
      `${what} is not a colour table this app reads${why}. Accepted: ${ACCEPTED_COLOR_TABLES}.`,
    )
  }
  return table
}

function parserFor(format: ColorTableFormat): (text: string) => ColorTable | null {
  switch (format) {
    case 'json':
      return parseJsonColorTable
    case 'itk-snap':
      return parseItkSnapLabels
    case 'freesurfer':
      return parseFreeSurferLut
    case 'csv':
      return parseCsvColorTable
    case 'mricron':
      return parseMricronNames
  }
}
