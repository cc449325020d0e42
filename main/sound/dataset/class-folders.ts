import type { Dirent } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { basename, extname, join } from 'node:path'
import { PerceptError } from '../../core/errors'
import { assembleDataset, type ClipCandidate, type DatasetDraft } from './assemble'
import type { DatasetProblem, SoundDataset } from './types'

/*
 * One folder per class: <root>/<class>/**\/*.{wav,flac,mp3,ogg}, or <root>/fold<N>/<class>/...
 * when the person has fixed the folds. Class ids are the sorted folder names' positions (code
 * unit order, the same on every machine and locale). Without fold folders each clip's fold is
 * 1 + FNV-1a(its relative path) mod 5: it depends on that clip alone, so adding or removing
 * files never moves another clip between folds. Hidden entries (.DS_Store, ._x.wav) are skipped.
 */

export const soundExtensions = ['.wav', '.flac', '.mp3', '.ogg']
export const hashedFolds = 5
/** fold1, fold_2, Fold-3, fold 4. */
const foldFolder = /^fold[ _-]?(\d+)$/i

const visible = (entry: Dirent) => !entry.name.startsWith('.')
const isSound = (entry: Dirent) =>
  (entry.isFile() || entry.isSymbolicLink()) && soundExtensions.includes(extname(entry.name).toLowerCase())

/** 32-bit FNV-1a of the UTF-8 bytes. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0
  return hash
}

/** The fold, 1..folds, a clip gets when the folders give none. */
export function hashFold(id: string, folds = hashedFolds): number {
  return 1 + (fnv1a(id) % folds)
}

/** The first few names, for a message about many. */
const listed = (names: string[]) => names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '')

async function entries(folder: string): Promise<Dirent[]> {
  return (await readdir(folder, { withFileTypes: true })).filter(visible)
}

/** Sound files anywhere under `folder`, as '/'-joined paths relative to it, sorted. Linked folders are not followed: no loops. */
async function soundFiles(folder: string, prefix = ''): Promise<string[]> {
  const found: string[] = []
  for (const entry of await entries(folder)) {
    if (entry.isDirectory()) found.push(...(await soundFiles(join(folder, entry.name), `${prefix}${entry.name}/`)))
    else if (isSound(entry)) found.push(prefix + entry.name)
  }
  return found.sort()
}

interface ClassFiles {
  className: string
  /** Relative to the data set root. */
  files: string[]
  fold?: number
}

/** The class folders under `folder` (`prefix`: its path from the root); loose sound files and empty folders reported. */
async function classFolders(root: string, prefix: string, problems: DatasetProblem[]): Promise<ClassFiles[]> {
  const folder = join(root, prefix)
  const found: ClassFiles[] = []
  const loose: string[] = []
  for (const entry of await entries(folder)) {
    if (isSound(entry)) loose.push(entry.name)
    if (!entry.isDirectory()) continue
    const files = (await soundFiles(join(folder, entry.name))).map((file) => `${prefix}${entry.name}/${file}`)
    if (files.length > 0) found.push({ className: entry.name, files })
    else {
      const message = `${prefix}${entry.name} holds no ${soundExtensions.join(', ')} files: not a class.`
      problems.push({ path: join(folder, entry.name), message })
    }
  }
  if (loose.length > 0 && found.length > 0) {
    problems.push({
      path: folder,
      message: `Sound files outside any class folder in ${prefix || basename(root)} are left out: ${listed(loose)}.`,
    })
  }
  if (loose.length > 0 && found.length === 0) {
    throw new PerceptError(
      'VALIDATION',
      `${folder} holds ${loose.length} sound files but no class folders. Put each class's files in a folder named for ` +
        `the class (for example ${join(folder, 'dog', loose[0]!)}), then choose ${folder} again.`,
    )
  }
  return found
}

/** The draft of a folder-per-class data set, or undefined when `root` holds no sound files in class folders. */
export async function scanClassFolders(root: string): Promise<DatasetDraft | undefined> {
  const problems: DatasetProblem[] = []
  const top = await entries(root)
  const foldDirs = top.filter((e) => e.isDirectory() && foldFolder.test(e.name))
  let groups: ClassFiles[]
  if (foldDirs.length === 0) groups = await classFolders(root, '', problems)
  else {
    groups = []
    for (const dir of foldDirs) {
      const fold = Number(foldFolder.exec(dir.name)![1])
      groups.push(...(await classFolders(root, `${dir.name}/`, problems)).map((g) => ({ ...g, fold })))
    }
    const others = top.filter((e) => (e.isDirectory() && !foldDirs.includes(e)) || isSound(e)).map((e) => e.name)
    if (others.length > 0) {
      problems.push({ path: root, message: `Beside the fold folders, these are in no fold and left out: ${listed(others)}.` })
    }
  }
  if (groups.length === 0) return undefined
  const names = [...new Set(groups.map((g) => g.className))].sort()
  const candidates: ClipCandidate[] = groups.flatMap(({ className, files, fold }) =>
    files.map((id) => {
      const path = join(root, ...id.split('/'))
      return { id, key: id, path, className, classId: names.indexOf(className), fold: fold ?? hashFold(id) }
    }),
  )
  candidates.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return { root, layout: 'folders', name: basename(root), candidates, problems }
}

/** A folder-per-class data set; NOT_FOUND when `root` holds no class folders with sound files. */
export async function loadClassFolders(root: string): Promise<SoundDataset> {
  const draft = await scanClassFolders(root)
  if (draft) return assembleDataset(draft)
  throw new PerceptError(
    'NOT_FOUND',
    `${root} holds no class folders with sound files: expected ${join(root, '<class name>')} folders ` +
      `holding ${soundExtensions.join(', ')} files.`,
  )
}
