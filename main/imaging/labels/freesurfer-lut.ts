import { ColorTable, isColorByte, isCommentOrBlank, parseWholeNumber, splitLines } from './color-table'

/**
 * FreeSurfer's colour lookup table (FreeSurferColorLUT.txt, and the .ctab files of annotations):
 *
 *   #No. Label Name:                R   G   B   A
 *   17  Left-Hippocampus            220 216 20  0
 *
 * One name without spaces; A is a transparency 0..255 (0 = opaque), so opacity = 1 - A/255, as
 * FreeSurfer's CTABreadASCII stores it. A missing A column reads as opaque. '#' starts a comment.
 */

/** A data row, used to detect the format. */
export const FREESURFER_ROW = /^\s*\d+\s+\S+(\s+\d+){3,4}\s*$/

export const FREESURFER_HEADER = /#\s*No\.\s+Label\s+Name/i

export function parseFreeSurferLut(text: string): ColorTable {
  const table = new ColorTable()
  table.format = 'freesurfer'
  splitLines(text).forEach((line, index) => {
    const lineNumber = index + 1
    if (isCommentOrBlank(line)) return
    const fields = line.trim().split(/\s+/)
    if (fields.length !== 5 && fields.length !== 6) {
      table.warn(lineNumber, 'expected "No. Label-Name R G B A" (a name without spaces); line skipped')
      return
    }
    const label = parseWholeNumber(fields[0]!)
    const numbers = fields.slice(2).map((field) => parseWholeNumber(field) ?? -1)
    // The rule, not the text: the format is guessed from most lines, so a stray line may be anything.
    if (label === null) return table.warn(lineNumber, 'No. (the label) is not a whole number; line skipped')
    if (!numbers.every(isColorByte)) return table.warn(lineNumber, 'R, G, B and A must be whole numbers 0..255; line skipped')
    const [r, g, b, transparency = 0] = numbers as [number, number, number, number?]
    table.define(label, { name: fields[1]!, color: [r, g, b], alpha: 1 - transparency / 255 }, lineNumber)
  })
  return table
}
