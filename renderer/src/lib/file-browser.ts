import type { FileEntry } from '../../../main/api'

/** What a file browser lets the user choose: a file, a folder, or either (a package folder or a .zip). */
export type FileBrowserMode = 'file' | 'folder' | 'any'

/** What the browser hands back: the chosen path, whether it is a file or a folder, and the folder shown. */
export interface FileChoice {
  path: string
  kind: FileEntry['kind']
  /** The folder that was listed when the choice was made (a chosen file's folder). */
  folder: string
}

/** Whether `entry` itself can be chosen in `mode`. */
export function isChoosable(entry: Pick<FileEntry, 'kind'>, mode: FileBrowserMode): boolean {
  return mode === 'any' || (mode === 'file' ? entry.kind === 'file' : entry.kind === 'folder')
}

/**
 * What the Choose button would choose: the selected entry when it can be chosen, else (in folder and any
 * modes) the folder being shown; null when nothing can be chosen.
 */
export function pendingChoice(folder: string | null, selected: FileEntry | null, mode: FileBrowserMode): FileChoice | null {
  if (folder === null) return null
  if (selected && isChoosable(selected, mode)) return { path: selected.path, kind: selected.kind, folder }
  if (mode !== 'file') return { path: folder, kind: 'folder', folder }
  return null
}

/**
 * Type-to-find: the index of the next entry (after `from`, wrapping) whose name starts with `text`,
 * ignoring case; -1 when none does.
 */
export function typeaheadIndex(names: readonly string[], from: number, text: string): number {
  if (!text || names.length === 0) return -1
  const needle = text.toLocaleLowerCase()
  // A repeated single letter cycles through the entries starting with it.
  const start = needle.length === 1 ? from + 1 : Math.max(from, 0)
  for (let offset = 0; offset < names.length; offset++) {
    const index = (((start + offset) % names.length) + names.length) % names.length
    if (names[index]!.toLocaleLowerCase().startsWith(needle)) return index
  }
  return -1
}

/** "zip, json, onnx" → "Showing folders and .zip, .json, .onnx files". */
export function describeFilter(extensions: readonly string[] | undefined): string {
  if (!extensions || extensions.length === 0) return 'Showing all files'
  return `Showing folders and ${extensions.map((ext) => `.${ext}`).join(', ')} files`
}

/** The last part of a path, whichever separator the machine uses. */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '')
  if (trimmed === '') return path
  const index = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'))
  return index >= 0 ? trimmed.slice(index + 1) || trimmed : trimmed
}

/**
 * Where the selection goes in a file list for a navigation key: ArrowUp/Down by one (stopping at the
 * ends), Home/End, PageUp/PageDown by `page` rows. `current` is -1 with nothing selected. Null for other keys.
 */
export function listKeyTarget(key: string, current: number, count: number, page: number): number | null {
  if (count === 0) return null
  const last = count - 1
  switch (key) {
    case 'ArrowDown':
      return Math.min(last, current + 1)
    case 'ArrowUp':
      return current < 0 ? last : Math.max(0, current - 1)
    case 'Home':
      return 0
    case 'End':
      return last
    case 'PageDown':
      return Math.min(last, Math.max(current, 0) + page)
    case 'PageUp':
      return Math.max(0, current - page)
    default:
      return null
  }
}
