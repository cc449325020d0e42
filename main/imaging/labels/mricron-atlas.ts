import { ColorTable, defaultLabelName, isCommentOrBlank, parseWholeNumber, splitLines, type Rgb } from './color-table'
import { distinctColor } from './distinct-color'

/**
 * The atlas companions MRIcron ships beside a label volume (Debian's mricron-data, e.g. aal.nii.gz):
 *
 *   aal.nii.txt   one label a line, "index name [more]": aal "1 Precentral_L 2001" (space separated, the
 *                 third field an atlas code), JHU "0<TAB>Unclassified"; CRLF line ends.
 *   aal.nii.lut   768 bytes, planar: 256 reds, then 256 greens, then 256 blues, entry i for label i.
 */

export const MRICRON_LUT_BYTES = 768

/** A names row: a whole number then a name. Used to detect the format. */
export const MRICRON_NAME_ROW = /^\s*[-+]?\d+\s+\S/

/** Names from the .txt; colours are distinct colours until a .lut is applied. */
export function parseMricronNames(text: string): ColorTable {
  const table = new ColorTable()
  table.format = 'mricron'
  splitLines(text).forEach((line, index) => {
    const lineNumber = index + 1
    if (isCommentOrBlank(line)) return
    // A tab-separated file may have spaces inside a name; otherwise the name is the second word.
    const fields = line.includes('\t') ? line.trim().split('\t') : line.trim().split(/\s+/)
    const label = parseWholeNumber(fields[0] ?? '')
    const name = (fields[1] ?? '').trim()
    if (label === null || name === '') return table.warn(lineNumber, 'expected "index name"; line skipped')
    table.define(label, { name, color: distinctColor(label) }, lineNumber)
  })
  return table
}

/** The 256 colours of a binary .lut; null when the bytes are not one. */
export function parseMricronLut(bytes: Uint8Array): Rgb[] | null {
  if (bytes.length !== MRICRON_LUT_BYTES) return null
  const colors: Rgb[] = []
  for (let i = 0; i < 256; i++) colors.push([bytes[i]!, bytes[256 + i]!, bytes[512 + i]!])
  return colors
}

/**
 * Gives the table's labels 0..255 their .lut colours. With no names (a .lut alone, as brodmann.nii.lut
 * ships), labels 1..255 are listed as "Label n". Pure black marks an unset entry (AICHA's past label
 * 192, but also AAL's labels 21-30, 63, 64 and 113-117, which would vanish on a dark scan): those
 * labels keep their distinct colour, and one warning says which.
 */
export function applyMricronLut(table: ColorTable, colors: readonly Rgb[], hasNames: boolean): void {
  if (!hasNames) {
    for (let label = 1; label < colors.length; label++) {
      table.set(label, { name: defaultLabelName(label), color: distinctColor(label) })
    }
  }
  const unset: number[] = []
  for (const [label, entry] of table) {
    const color = colors[label]
    if (color === undefined) continue
    if (label !== 0 && color.every((c) => c === 0)) unset.push(label)
    else entry.color = [...color]
  }
  if (unset.length > 0 && hasNames) {
    table.warn(undefined, `the .lut leaves labels ${unset.join(', ')} black (unset); distinct colours used for them`)
  }
}
