import { join } from 'node:path'
import { assembleDataset, type ClipCandidate } from './assemble'
import { isDirectory, isFile, requireAudioFolder } from './fs-probe'
import { fileName, readMetadataCsv, rowProblem } from './metadata-csv'
import { syntheticMarker } from './synthetic-marker'
import type { DatasetProblem, SoundDataset } from './types'

/*
 * UrbanSound8K as published: metadata/UrbanSound8K.csv (slice_file_name, fsID, start, end,
 * salience, fold, classID, class) and audio/fold1..fold10/<slice_file_name>. Its ten folds keep
 * the slices of one recording (fsID) together; they are used as given, never reshuffled.
 */

export const urbanSound8KMetadata = 'metadata/UrbanSound8K.csv'
const folds = 10

/** The columns a row cannot do without; the header names them, in any order. */
export const urbanSound8KColumns = ['slice_file_name', 'fold', 'classID', 'class']

/** `csvPath`: the metadata when it is not at its published place under `root`. */
export async function loadUrbanSound8K(root: string, csvPath = join(root, urbanSound8KMetadata)): Promise<SoundDataset> {
  const audio = await requireAudioFolder(root, 'UrbanSound8K', csvPath)
  const { rows, problems } = await readMetadataCsv(csvPath, 'UrbanSound8K', urbanSound8KColumns)
  const candidates: ClipCandidate[] = []
  for (const row of rows) {
    const file = fileName(row, 'slice_file_name')
    const fold = row.integer('fold', 1, folds)
    const classId = row.integer('classID', 0)
    const className = row.required('class')
    const source = row.text('fsID')
    const start = row.number('start')
    const end = row.number('end')
    const salience = row.number('salience')
    const problem = rowProblem(row, csvPath)
    if (problem) {
      problems.push(problem)
      continue
    }
    const id = `fold${fold}/${file}`
    candidates.push({
      id,
      path: join(audio, `fold${fold}`, file),
      classId,
      className,
      fold,
      key: file,
      line: row.line,
      ...(source !== '' && { source }),
      ...(start !== undefined && { start }),
      ...(end !== undefined && { end }),
      ...(salience !== undefined && { salience }),
    })
  }
  const present = await withFoldFolders(audio, candidates, problems)
  // A fixture written by `percept esc fixture` says so, and so does every model card trained on it.
  const name = (await isFile(join(root, syntheticMarker))) ? 'Synthetic fixture in UrbanSound8K layout' : 'UrbanSound8K'
  return assembleDataset({ root, layout: 'urbansound8k', name, candidates: present, problems })
}

/** A whole fold folder missing (a partial download) is one problem, not one per clip. */
async function withFoldFolders(audio: string, candidates: ClipCandidate[], problems: DatasetProblem[]): Promise<ClipCandidate[]> {
  const missing = new Set<number>()
  for (const fold of new Set(candidates.map((c) => c.fold))) {
    const folder = join(audio, `fold${fold}`)
    if (await isDirectory(folder)) continue
    missing.add(fold)
    const listed = candidates.filter((c) => c.fold === fold).length
    problems.push({ path: folder, message: `audio/fold${fold} does not exist: its ${listed} clips are left out.` })
  }
  return candidates.filter((c) => !missing.has(c.fold))
}
