import { stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { esc50Columns, esc50Metadata } from './esc50'
import { readMetadataCsv } from './metadata-csv'
import { urbanSound8KColumns, urbanSound8KMetadata } from './urbansound8k'

/** Where a sound of a published data set sits below its root: UrbanSound8K audio/foldN/x.wav, ESC-50 audio/x.wav. */
const maxDepth = 3
const layouts = [
  { metadata: urbanSound8KMetadata, columns: urbanSound8KColumns, classColumn: 'class' },
  { metadata: esc50Metadata, columns: esc50Columns, classColumn: 'category' },
]

const cache = new Map<string, { mtimeMs: number; classes: string[] }>()

/**
 * The class names of the published data set (UrbanSound8K or ESC-50) a sound file lies in, found by
 * looking for its metadata in the folders above the file; null when it lies in none (or the metadata
 * cannot be read). Cached per metadata file and its modification time.
 */
export async function datasetClassesOf(soundPath: string): Promise<string[] | null> {
  let folder = dirname(soundPath)
  for (let depth = 0; depth < maxDepth; depth++) {
    const parent = dirname(folder)
    if (parent === folder) break
    folder = parent
    for (const layout of layouts) {
      const csv = join(folder, layout.metadata)
      const info = await stat(csv).catch(() => null)
      if (!info?.isFile()) continue
      const known = cache.get(csv)
      if (known?.mtimeMs === info.mtimeMs) return known.classes
      const table = await readMetadataCsv(csv, 'data set', layout.columns).catch(() => null)
      if (!table) return null
      const classes = [...new Set(table.rows.map((row) => row.text(layout.classColumn)).filter((name) => name !== ''))].sort()
      cache.set(csv, { mtimeMs: info.mtimeMs, classes })
      return classes
    }
  }
  return null
}
