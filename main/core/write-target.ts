import { lstatSync, realpathSync, statSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { posix, win32 } from 'node:path'
import { PerceptError } from './errors'

/*
 * Where the API may write a file the caller names. Every door hands the core a path the user chose
 * (a save dialog, the command line), but the core cannot know that the caller is honest: a page, a
 * script with the token, a mistyped flag. So each method that writes to a given path asks this module
 * first: the name must carry the right extension for what is written, and the place must not be a
 * system folder, a hidden settings folder of a home folder, or the workspace's own database and lock.
 * The check looks at the path as given and as the file system resolves it (symbolic links), so a link
 * that points into a refused place is refused too. It cannot close the gap between checking and
 * writing; it keeps honest mistakes and casual misuse away from places no export belongs.
 */

/**
 * What is about to be written: a file of one of `extensions` (lower case, with the dot), or a folder.
 * `what` is a plural noun in lower case ("label maps"), as it reads inside the messages.
 */
export type WriteTarget =
  | { kind: 'file'; what: string; extensions: readonly string[] }
  | { kind: 'folder'; what: string }

/** The places the rules need; `placesFor` gives this machine's. */
export interface WritePlaces {
  platform: NodeJS.Platform
  /** The user's home folder: its dot-folders and dotfiles are refused. */
  homeDir: string
  /** Temporary folders, allowed even inside a refused system folder (macOS keeps its temp under /var). */
  tempDirs: string[]
  /** The open workspace: its database and lock are refused; the rest of it is allowed, even in a dot-folder. */
  workspaceHome?: string
  /** Windows' system folders, from the environment; defaults when unset. */
  env?: NodeJS.ProcessEnv
}

/** Longest path and longest single name accepted: the common limits of Linux (4096 / 255). */
export const maxPathLength = 4096
export const maxNameLength = 255

const posixSystemFolders = [
  '/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/run', '/sbin', '/sys', '/usr', '/var',
  // macOS: its system, and /etc and /var behind their /private links.
  '/System', '/Library', '/private/etc', '/private/var',
]

/** The workspace's own files, which no export may replace. */
const workspaceInternalFiles = ['percept.db', 'percept.db-wal', 'percept.db-shm', 'percept.db-journal', 'percept.lock']

export function placesFor(workspaceHome?: string, env: NodeJS.ProcessEnv = process.env): WritePlaces {
  const temp = tmpdir()
  const tempDirs = [temp, safeRealpath(temp) ?? temp]
  if (process.platform !== 'win32') tempDirs.push('/var/tmp')
  // The real path, so a path that reaches the workspace through a link is still known as inside it.
  const workspace = workspaceHome ? (safeRealpath(workspaceHome) ?? workspaceHome) : undefined
  return { platform: process.platform, homeDir: homedir(), tempDirs, ...(workspace ? { workspaceHome: workspace } : {}), env }
}

function safeRealpath(path: string): string | null {
  try {
    return realpathSync.native(path)
  } catch {
    return null
  }
}

const windowsPaths = (places: WritePlaces): boolean => places.platform === 'win32'

const refuse = (message: string): never => {
  throw new PerceptError('VALIDATION', message)
}

/**
 * Checks `path` as a place to write `target` and answers the absolute path to write. VALIDATION says
 * why a path is refused and what to choose instead; NOT_FOUND when the folder to write into is missing.
 */
export function checkWriteTarget(path: string, target: WriteTarget, places: WritePlaces = placesFor()): string {
  const paths = windowsPaths(places) ? win32 : posix
  const what = target.what
  if (typeof path !== 'string' || path.trim() === '') refuse(`No path given: choose where to write ${what}.`)
  if (path.includes('\0')) refuse(`The path for ${what} holds a NUL character, which no file name may: choose the place with the save dialog.`)
  if (path.length > maxPathLength) refuse(`The path for ${what} is ${path.length} characters long; at most ${maxPathLength} are accepted: choose a shorter one.`)
  if (path.split(/[\\/]/).some((name) => name.length > maxNameLength)) {
    refuse(`A name in the path for ${what} is longer than ${maxNameLength} characters: choose a shorter name.`)
  }
  if (windowsPaths(places) && /^[\\/]{2}[?.][\\/]/.test(path)) {
    refuse(`${path} is a device path: choose a file in a folder of your own, such as Documents.`)
  }
  if (!paths.isAbsolute(path)) {
    refuse(`"${path}" is a relative path: give the full path to write ${what} (a save dialog gives one; the command line resolves it from its folder).`)
  }
  if (path.split(/[\\/]/).includes('..')) refuse(`The path for ${what} climbs with "..": give the folder's full path without "..".`)
  const absolute = paths.resolve(path)

  if (target.kind === 'file') {
    const name = paths.basename(absolute).toLowerCase()
    if (!target.extensions.some((extension) => name.endsWith(extension) && name.length > extension.length)) {
      const list = target.extensions.join(' or ')
      refuse(`${what[0]!.toUpperCase()}${what.slice(1)} are written as ${list}: give the file a ${target.extensions[0]} name (not "${paths.basename(absolute)}").`)
    }
  }
  const lexical = refusedPlace(absolute, places, what)
  if (lexical) refuse(lexical)
  const real = places.platform === process.platform ? realLocation(absolute, paths) : absolute
  const linked = real === absolute ? null : refusedPlace(real, places, what)
  if (linked) refuse(`${absolute} leads through a link to ${real}: ${linked}`)
  const root = paths.parse(absolute).root
  // A file straight in / (or / itself) is never an export; a drive's top folder on Windows may be (a USB stick).
  if (!windowsPaths(places) && (real === root || (target.kind === 'file' && paths.dirname(real) === root))) {
    refuse(`${absolute} is at the top of the file system: choose a folder of your own for ${what}, such as your home folder.`)
  }

  const existing = statOrNull(absolute)
  if (target.kind === 'file') {
    if (existing?.isDirectory()) refuse(`${absolute} is a folder: choose a file name inside it for ${what}.`)
    if (existing && !existing.isFile()) refuse(`${absolute} is not a regular file (a device or a socket): choose another name for ${what}.`)
    requireFolder(paths.dirname(absolute))
  } else {
    if (existing && !existing.isDirectory()) refuse(`${absolute} is a file: choose a folder for ${what}.`)
    if (!existing) requireFolder(paths.dirname(absolute))
  }
  return absolute
}

function statOrNull(path: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(path)
  } catch {
    return null
  }
}

function requireFolder(folder: string): void {
  const info = statOrNull(folder)
  if (!info) throw new PerceptError('NOT_FOUND', `The folder ${folder} does not exist: choose an existing folder, or create it first.`)
  if (!info.isDirectory()) refuse(`${folder} is a file, not a folder: choose a folder to write into.`)
}

/** The path as the file system resolves it: the deepest part that exists through its links, then the rest. */
function realLocation(absolute: string, paths: typeof posix): string {
  const rest: string[] = []
  let current = absolute
  for (;;) {
    let exists = true
    try {
      lstatSync(current)
    } catch {
      exists = false
    }
    if (exists) {
      const real = safeRealpath(current)
      // A dangling link: where it points is not known here, so it is judged by its own place.
      return real === null ? absolute : paths.join(real, ...rest.reverse())
    }
    const parent = paths.dirname(current)
    if (parent === current) return absolute
    rest.push(paths.basename(current))
    current = parent
  }
}

/** Why `absolute` (resolved, no '..') may not be written, or null when it may; `what` names the file in the answer. */
export function refusedPlace(absolute: string, places: WritePlaces, what = 'the file'): string | null {
  const windows = windowsPaths(places)
  const paths = windows ? win32 : posix
  // Windows and macOS file systems ignore case by default, so /ETC is /etc there.
  const fold = windows || places.platform === 'darwin' ? (p: string) => p.toLowerCase() : (p: string) => p
  const trim = (p: string) => (p.length > paths.parse(p).root.length ? p.replace(/[\\/]+$/, '') : p)
  const inside = (child: string, parent: string): boolean => {
    const c = fold(trim(child))
    const p = fold(trim(parent))
    return c === p || c.startsWith(p.endsWith(paths.sep) ? p : p + paths.sep)
  }
  const strictlyInside = (child: string, parent: string) => inside(child, parent) && fold(trim(child)) !== fold(trim(parent))

  const workspace = places.workspaceHome ? paths.resolve(places.workspaceHome) : null
  if (workspace) {
    for (const name of workspaceInternalFiles) {
      if (fold(absolute) === fold(paths.join(workspace, name))) {
        return `${absolute} is the workspace's own ${name.endsWith('.lock') ? 'lock file' : 'database'}, which the app keeps: choose another name for ${what}.`
      }
    }
  }

  const env = places.env ?? {}
  const systemFolders = windows
    ? [env.SystemRoot ?? env.windir ?? 'C:\\Windows', env.ProgramFiles ?? 'C:\\Program Files', env['ProgramFiles(x86)'] ?? 'C:\\Program Files (x86)', env.ProgramData ?? 'C:\\ProgramData']
    : posixSystemFolders
  const system = systemFolders.find((folder) => inside(absolute, folder))
  if (system) {
    // Temporary folders and the workspace may sit inside one (/var/folders/... on macOS); they are carved
    // out only when strictly inside it, so a temp dir set to /etc itself opens nothing.
    const carved = [...places.tempDirs, ...(workspace ? [workspace] : [])].some((dir) => strictlyInside(dir, system) && inside(absolute, dir))
    if (!carved) return `${absolute} is in ${system}, a folder of the operating system: choose a folder of your own for ${what}, such as your home folder or Documents.`
  }

  const homes = windows ? [places.homeDir] : [places.homeDir, '/root']
  for (const home of homes) {
    if (!home || trim(home) === paths.parse(home).root || !strictlyInside(absolute, home)) continue
    const first = paths.relative(home, absolute).split(/[\\/]/)[0]!
    if (!first.startsWith('.')) continue
    if (workspace && inside(absolute, workspace) && !inside(home, workspace)) continue
    return `${absolute} is inside ${paths.join(home, first)}, a hidden settings file or folder of a home folder: choose a visible folder for ${what}, such as Documents.`
  }
  return null
}

/** The write checks of one workspace, made once in the composition root and handed to each service. */
export class WriteTargets {
  constructor(readonly places: WritePlaces = placesFor()) {}

  /** A file of `what` with one of `extensions` (lower case, with the dot): the absolute path to write. */
  file(path: string, what: string, extensions: readonly string[]): string {
    return checkWriteTarget(path, { kind: 'file', what, extensions }, this.places)
  }

  /** A folder to write `what` into (it may not exist yet; its parent must). */
  folder(path: string, what: string): string {
    return checkWriteTarget(path, { kind: 'folder', what }, this.places)
  }
}
