import { ColorTable, isColorByte, isCommentOrBlank, parseWholeNumber, splitLines, type LabelColor } from './color-table'

/**
 * ITK-SNAP's label description file (Segmentation > Export Label Descriptions):
 *
 *   # IDX   -R-  -G-  -B-  -A--  VIS MSH  LABEL
 *       1   255    0    0     1    1   1  "Left hippocampus"
 *
 * IDX the label, R G B 0..255, A the opacity 0..1 (the header says "transparency" but 1 is opaque),
 * VIS and MSH 0/1 (shown in slices / in 3D), LABEL in double quotes (may hold spaces). '#' starts a comment.
 */

/** A data row: an integer then six numbers then a double-quoted name. Used to detect the format. */
export const ITK_SNAP_ROW = /^\s*[-+]?\d+(\s+[-+]?[\d.eE+-]+){6}\s+".*"\s*$/

/** The header comment ITK-SNAP writes. */
export const ITK_SNAP_HEADER = /itk-snap|IDX\s+-R-/i

export function parseItkSnapLabels(text: string): ColorTable {
  const table = new ColorTable()
  table.format = 'itk-snap'
  splitLines(text).forEach((line, index) => {
    const lineNumber = index + 1
    if (isCommentOrBlank(line)) return
    const quote = line.indexOf('"')
    const fields = (quote < 0 ? line : line.slice(0, quote)).trim().split(/\s+/)
    const name = quote < 0 ? null : line.slice(quote + 1, line.lastIndexOf('"') > quote ? line.lastIndexOf('"') : undefined)
    if (fields.length !== 7 || name === null) {
      table.warn(lineNumber, 'expected IDX R G B A VIS MSH "LABEL" (7 numbers and a quoted name); line skipped')
      return
    }
    const label = parseWholeNumber(fields[0]!)
    const [r, g, b] = fields.slice(1, 4).map(Number) as [number, number, number]
    const alpha = Number(fields[4])
    const visible = parseWholeNumber(fields[5]!)
    // Warnings name the line and the rule, not the text: the format is guessed from most lines, so a
    // stray line may be anything.
    if (label === null) return table.warn(lineNumber, 'IDX is not a whole number; line skipped')
    if (![r, g, b].every(isColorByte)) return table.warn(lineNumber, 'R, G and B must be whole numbers 0..255; line skipped')
    if (!Number.isFinite(alpha)) return table.warn(lineNumber, 'A (the opacity) is not a number; line skipped')
    const entry: LabelColor = { name, color: [r, g, b], alpha: Math.min(1, Math.max(0, alpha)) }
    if (alpha < 0 || alpha > 1) table.warn(lineNumber, `opacity ${alpha} is outside 0..1; clamped`)
    entry.visible = visible !== 0
    table.define(label, entry, lineNumber)
  })
  return table
}

/** The file ITK-SNAP reads back. Label 0 ("Clear Label") is added when the table lacks it, as ITK-SNAP expects. */
export function formatItkSnapLabels(table: ReadonlyMap<number, LabelColor>): string {
  const lines = [
    '################################################',
    '# ITK-SnAP Label Description File',
    '# File format:',
    '# IDX   -R-  -G-  -B-  -A--  VIS MSH  LABEL',
    '# Fields:',
    '#    IDX:   Zero-based index',
    '#    -R-:   Red color component (0..255)',
    '#    -G-:   Green color component (0..255)',
    '#    -B-:   Blue color component (0..255)',
    '#    -A-:   Label transparency (0.00 .. 1.00)',
    '#    VIS:   Label visibility (0 or 1)',
    '#    MSH:   Label mesh visibility (0 or 1)',
    '#  LABEL:   Label description',
    '################################################',
  ]
  const rows = new Map(table)
  if (!rows.has(0)) rows.set(0, { name: 'Clear Label', color: [0, 0, 0], alpha: 0, visible: false })
  for (const label of [...rows.keys()].sort((a, b) => a - b)) {
    const entry = rows.get(label)!
    const [r, g, b] = entry.color
    const visible = entry.visible === false ? 0 : 1
    // ITK-SNAP has no escape for '"' inside a name.
    const name = entry.name.replace(/"/g, "'")
    const alpha = Number((entry.alpha ?? 1).toFixed(4))
    lines.push(
      `${String(label).padStart(5)} ${String(r).padStart(5)} ${String(g).padStart(4)} ${String(b).padStart(4)}` +
        `${String(alpha).padStart(9)} ${String(visible).padStart(2)} ${String(visible).padStart(2)}    "${name}"`,
    )
  }
  return lines.join('\n') + '\n'
}
