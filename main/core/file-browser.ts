import { readdir, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, extname, join, parse, resolve } from 'node:path'
import type { FileEntry } from '../api/files'
import { PerceptError } from './errors'

export interface ListOptions {
  path?: string
  showHidden?: boolean
  extensions?: string[]
}

/** Lists one folder for the in-app file browser, with errors a person can act on. */
export async function listFolder(options: ListOptions, workspaceHome: string) {
  const path = resolve(options.path ?? homedir())
  let names: string[]
  try {
    names = await readdir(path)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new PerceptError('NOT_FOUND', `There is no folder ${path}.`)
    if (code === 'ENOTDIR') throw new PerceptError('VALIDATION', `${path} is a file, not a folder.`)
    if (code === 'EACCES' || code === 'EPERM') throw new PerceptError('VALIDATION', `You may not read the folder ${path}.`)
    throw error
  }
  const wanted = options.extensions?.map((e) => '.' + e.toLowerCase().replace(/^\./, ''))
  const entries: FileEntry[] = []
  for (const name of names) {
    if (!options.showHidden && name.startsWith('.')) continue
    const full = join(path, name)
    const info = await stat(full).catch(() => null) // broken links and vanished files are skipped
    if (!info) continue
    const kind = info.isDirectory() ? 'folder' : 'file'
    if (kind === 'file' && wanted && !wanted.includes(extname(name).toLowerCase())) continue
    entries.push({ name, path: full, kind, size: kind === 'file' ? info.size : null, modifiedAt: info.mtime.toISOString() })
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'folder' ? -1 : 1))
  const root = parse(path).root
  return {
    path,
    parent: path === root ? null : dirname(path),
    entries,
    places: [
      { name: 'Home', path: homedir() },
      { name: 'Workspace', path: workspaceHome },
      { name: 'Computer', path: root },
    ],
  }
}
