import { join } from 'node:path'
import { assembleDataset, type ClipCandidate } from './assemble'
import { requireAudioFolder } from './fs-probe'
import { fileName, readMetadataCsv, rowProblem } from './metadata-csv'
import type { SoundDataset } from './types'

/*
 * ESC-50 as published: meta/esc50.csv (filename, fold, target, category, esc10, src_file, take)
 * and audio/<filename>. Its five folds keep the clips cut from one Freesound recording (src_file)
 * together; they are used as given.
 */

export const esc50Metadata = 'meta/esc50.csv'
const folds = 5

/** The columns a row cannot do without; the header names them, in any order. */
export const esc50Columns = ['filename', 'fold', 'target', 'category']

/** `csvPath`: the metadata when it is not at its published place under `root`. */
export async function loadEsc50(root: string, csvPath = join(root, esc50Metadata)): Promise<SoundDataset> {
  const audio = await requireAudioFolder(root, 'ESC-50', csvPath)
  const { rows, problems } = await readMetadataCsv(csvPath, 'ESC-50', esc50Columns)
  const candidates: ClipCandidate[] = []
  for (const row of rows) {
    const file = fileName(row, 'filename')
    const fold = row.integer('fold', 1, folds)
    const classId = row.integer('target', 0)
    const className = row.required('category')
    const source = row.text('src_file')
    const esc10 = row.text('esc10').toLowerCase()
    if (!['', 'true', 'false'].includes(esc10)) row.errors.push(`esc10 "${row.text('esc10')}" is neither True nor False`)
    const problem = rowProblem(row, csvPath)
    if (problem) {
      problems.push(problem)
      continue
    }
    candidates.push({
      id: file,
      path: join(audio, file),
      classId,
      className,
      fold,
      key: file,
      line: row.line,
      ...(source !== '' && { source }),
      ...(esc10 !== '' && { esc10: esc10 === 'true' }),
    })
  }
  return assembleDataset({ root, layout: 'esc50', name: 'ESC-50', candidates, problems })
}
