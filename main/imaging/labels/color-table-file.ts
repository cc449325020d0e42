import { basename, extname } from 'node:path'
import { writeFileAtomic } from '../../core/atomic-file'
import { PerceptError } from '../../core/errors'
import { readSmallFile } from '../../core/text-file'
import { ColorTable, type LabelColor } from './color-table'
import { parseColorTableText } from './color-table-format'
import { formatItkSnapLabels } from './itk-snap-labels'
import { formatJsonColorTable } from './json-color-table'
import { applyMricronLut, MRICRON_LUT_BYTES, parseMricronLut, parseMricronNames } from './mricron-atlas'

/** Extensions a colour table beside a volume may have, in the order they are tried. */
const COMPANION_EXTENSIONS = ['.txt', '.lut', '.label', '.ctab', '.csv', '.json']

/** The file's bytes, or null when there is none; a folder, a device or a huge file is INVALID_FILE. */
async function readBytes(path: string): Promise<Uint8Array | null> {
  try {
    return await readSmallFile(path, { what: 'a colour table' })
  } catch (error) {
    if (error instanceof PerceptError) {
      if (error.code === 'NOT_FOUND') return null
      throw error
    }
    const reason = error instanceof Error ? error.message : String(error)
    throw new PerceptError('INVALID_FILE', `The colour table ${path} could not be read (${reason}).`)
  }
}

/** Bytes that are not plain text (control characters other than tab/CR/LF, or non-ASCII). */
function looksBinary(bytes: Uint8Array): boolean {
  return bytes.some((b) => (b < 32 && b !== 9 && b !== 10 && b !== 13) || b > 126)
}

/** aal.nii.txt <-> aal.nii.lut. */
function mricronSibling(path: string): string {
  return path.slice(0, path.length - extname(path).length) + (extname(path).toLowerCase() === '.lut' ? '.txt' : '.lut')
}

async function readBinaryLut(path: string, bytes: Uint8Array): Promise<ColorTable> {
  const colors = parseMricronLut(bytes)!
  const namesPath = mricronSibling(path)
  const namesBytes = await readBytes(namesPath)
  const table = namesBytes === null ? new ColorTable() : parseMricronNames(new TextDecoder().decode(namesBytes))
  table.format = 'mricron'
  table.sources = namesBytes === null ? [path] : [namesPath, path]
  applyMricronLut(table, colors, table.size > 0)
  return table
}

/**
 * Reads a colour table, its format found from the content (see detectColorTableFormat). An MRIcron
 * pair is read together from either half: aal.nii.txt gives the names and aal.nii.lut beside it the
 * colours. Bad lines are in `warnings`; a missing file is NOT_FOUND; anything else unreadable is
 * INVALID_FILE naming the accepted formats.
 */
export async function readColorTable(path: string): Promise<ColorTable> {
  const bytes = await readBytes(path)
  if (bytes === null) throw new PerceptError('NOT_FOUND', `No colour table at ${path}: check the path.`)
  if (bytes.length === MRICRON_LUT_BYTES && looksBinary(bytes)) return readBinaryLut(path, bytes)
  let table: ColorTable
  try {
    table = parseColorTableText(new TextDecoder().decode(bytes), `The file ${basename(path)}`)
  } catch (error) {
    if (bytes.length === MRICRON_LUT_BYTES) return readBinaryLut(path, bytes)
    throw error
  }
  table.sources = [path]
  if (table.format === 'mricron') {
    const lutPath = mricronSibling(path)
    const lut = lutPath === path ? null : await readBytes(lutPath)
    const colors = lut === null ? null : parseMricronLut(lut)
    if (colors !== null) {
      applyMricronLut(table, colors, true)
      table.sources.push(lutPath)
    } else if (lut !== null) {
      table.warn(undefined, `${basename(lutPath)} is not a ${MRICRON_LUT_BYTES}-byte MRIcron LUT; distinct colours used`)
    }
  }
  return table
}

/** The companion files tried for a volume: foo.nii.gz -> foo.nii.txt, foo.nii.lut, ..., foo.txt, foo.lut, ... */
export function colorTableCandidates(volumePath: string): string[] {
  const withoutGz = volumePath.replace(/\.gz$/i, '')
  const stems = [withoutGz, withoutGz.replace(/\.(nii|hdr|img|mgz|mgh|nrrd|mha|mhd)$/i, '')]
  const unique = [...new Set(stems)]
  return unique.flatMap((stem) => COMPANION_EXTENSIONS.map((ext) => stem + ext))
}

/**
 * The colour table that sits beside a label volume, or null. Companions that are not colour tables
 * (a notes .txt) are passed over.
 */
export async function findColorTableFor(volumePath: string): Promise<ColorTable | null> {
  for (const candidate of colorTableCandidates(volumePath)) {
    if (candidate === volumePath) continue
    try {
      return await readColorTable(candidate)
    } catch (error) {
      if (error instanceof PerceptError && (error.code === 'NOT_FOUND' || error.code === 'INVALID_FILE')) continue
      throw error
    }
  }
  return null
}

export type ColorTableWriteFormat = 'itk-snap' | 'json'

/**
 * Writes a table atomically: JSON for a .json path, ITK-SNAP label descriptions otherwise (unless
 * `format` says).
 */
export async function writeColorTable(
  path: string,
  table: ReadonlyMap<number, LabelColor>,
  format: ColorTableWriteFormat = extname(path).toLowerCase() === '.json' ? 'json' : 'itk-snap',
): Promise<void> {
  await writeFileAtomic(path, format === 'json' ? formatJsonColorTable(table) : formatItkSnapLabels(table))
}
