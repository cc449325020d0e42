import { stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { PerceptError } from '../../core/errors'
import { assembleDataset } from './assemble'
import { scanClassFolders, soundExtensions } from './class-folders'
import { esc50Columns, esc50Metadata, loadEsc50 } from './esc50'
import { isDirectory, isFile } from './fs-probe'
import { missingColumns, readCsvHeader } from './metadata-csv'
import type { SoundDataset } from './types'
import { loadUrbanSound8K, urbanSound8KColumns, urbanSound8KMetadata } from './urbansound8k'

/** A published layout: where its metadata sits under its root, the columns that identify it, the archives' top folders. */
interface MetadataLayout {
  name: string
  metadata: string
  columns: string[]
  topFolders: string[]
  load: (root: string, csvPath?: string) => Promise<SoundDataset>
}

const layouts: MetadataLayout[] = [
  {
    name: 'UrbanSound8K',
    metadata: urbanSound8KMetadata,
    columns: urbanSound8KColumns,
    topFolders: ['UrbanSound8K'],
    load: loadUrbanSound8K,
  },
  { name: 'ESC-50', metadata: esc50Metadata, columns: esc50Columns, topFolders: ['ESC-50-master', 'ESC-50'], load: loadEsc50 },
]

const lookedFor =
  'Percept Workbench looks for UrbanSound8K (metadata/UrbanSound8K.csv and audio/fold1 ... audio/fold10), ' +
  'ESC-50 (meta/esc50.csv and audio/), either of them also inside the archive folder UrbanSound8K or ESC-50-master, ' +
  `or one folder per class holding ${soundExtensions.join(', ')} files (optionally inside fold1, fold2 ... folders).`

/**
 * Loads the sound data set at `path`: a data set's folder, the folder holding an extracted
 * UrbanSound8K or ESC-50-master archive, or the metadata CSV itself. NOT_FOUND when nothing there
 * is a data set, VALIDATION when something is but cannot be read; row and file problems are in
 * the result's `problems`.
 */
export async function loadSoundDataset(path: string): Promise<SoundDataset> {
  const target = resolve(path)
  const info = await stat(target).catch(() => undefined)
  if (!info) {
    throw new PerceptError('NOT_FOUND', `${target} does not exist. Check the path; the folder may have been moved or renamed.`)
  }
  if (info.isFile()) return loadFromCsv(target)
  if (!info.isDirectory()) throw new PerceptError('VALIDATION', `${target} is neither a folder nor a file. ${lookedFor}`)

  // The data set's own folder first, then the archives' top folders inside it.
  const here = await found(layouts.map((layout) => ({ layout, root: target })))
  const archives = layouts.flatMap((layout) => layout.topFolders.map((top) => ({ layout, root: join(target, top) })))
  const hits = here.length > 0 ? here : await found(archives)
  if (hits.length > 1) {
    const which = hits.map(({ layout, root }) => `${layout.name} in ${root}`).join(' and ')
    throw new PerceptError('VALIDATION', `${target} holds more than one data set (${which}). Choose one of them, or its metadata CSV.`)
  }
  const [one] = hits
  if (one) return one.layout.load(one.root)

  for (const folder of ['metadata', 'meta']) {
    if (await isDirectory(join(target, folder))) {
      const message = `${target} has a ${folder} folder but no ${urbanSound8KMetadata} or ${esc50Metadata}. ${lookedFor}`
      throw new PerceptError('NOT_FOUND', message)
    }
  }
  const draft = await scanClassFolders(target)
  if (draft) return assembleDataset(draft)
  throw new PerceptError('NOT_FOUND', `${target} holds no sound data set. ${lookedFor}`)
}

async function found(places: { layout: MetadataLayout; root: string }[]) {
  const present = await Promise.all(places.map(({ layout, root }) => isFile(join(root, layout.metadata))))
  return places.filter((_, i) => present[i])
}

/** A metadata CSV, recognised by its columns; its data set's root is the folder above the CSV's folder. */
async function loadFromCsv(csvPath: string): Promise<SoundDataset> {
  if (!csvPath.toLowerCase().endsWith('.csv')) {
    const message = `${csvPath} is a file, not a data set. Choose the data set's folder or its metadata CSV. ${lookedFor}`
    throw new PerceptError('VALIDATION', message)
  }
  const header = await readCsvHeader(csvPath)
  const layout = layouts.find(({ columns }) => missingColumns(header, columns).length === 0)
  if (layout) return layout.load(dirname(dirname(csvPath)), csvPath)
  const expected = layouts.map(({ name, columns }) => `${name} (${columns.join(', ')})`).join(' or ')
  // Its own header is not quoted back: a CSV that is no data set's metadata is not ours to show.
  throw new PerceptError(
    'VALIDATION',
    `${csvPath} is not data set metadata Percept Workbench knows: its first line does not name the columns of ${expected}.`,
  )
}
