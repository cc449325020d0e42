/** File names and paths for what the app writes (audio exports, label tracks, label maps, surfaces). */

/** `folder` + `name` with the folder's own separator (a Windows path keeps its backslashes). */
export function joinPath(folder: string, name: string): string {
  const separator = folder.includes('\\') && !folder.includes('/') ? '\\' : '/'
  return folder.endsWith(separator) ? `${folder}${name}` : `${folder}${separator}${name}`
}

/** `name` ending in `.ext` (case-insensitive), added when missing. */
export function withExtension(name: string, ext: string): string {
  const trimmed = name.trim()
  return trimmed.toLowerCase().endsWith(`.${ext.toLowerCase()}`) ? trimmed : `${trimmed}.${ext}`
}

/** The name without its last extension. */
export function stem(name: string): string {
  const dot = name.lastIndexOf('.')
  return dot > 0 ? name.slice(0, dot) : name
}

/** Why a file name cannot be used, or null when it can. */
export function fileNameProblem(name: string): string | null {
  const trimmed = name.trim()
  if (!trimmed) return 'Enter a file name.'
  if (/[\\/]/.test(trimmed)) return 'A file name cannot contain / or \\.'
  if (trimmed === '.' || trimmed === '..') return 'Choose another file name.'
  return null
}

/** Characters that make poor file names, replaced (labels become part of export names). */
export function safeName(text: string): string {
  return text.replace(/[\\/:*?"<>|\s]+/g, '-').replace(/^-+|-+$/g, '') || 'sound'
}

/** The folder part of a path ('' when there is none). */
export function folderOf(path: string): string {
  const index = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'))
  if (index < 0) return ''
  return index === 0 ? path.slice(0, 1) : path.slice(0, index)
}
