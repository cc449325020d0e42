/** Importing a package (a folder or a .zip) into the models folder, and exporting one as a .zip or a folder. */
import AdmZip from 'adm-zip'
import { copyFile, lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, posix, relative, resolve, sep } from 'node:path'
import type { ModelMeta } from '../../api/models'
import { syncDirectory, writeFileAtomic } from '../../core/atomic-file'
import { PerceptError } from '../../core/errors'
import {
  CARD_FILE,
  META_FILE,
  MODEL_FILE,
  defaultModelCard,
  pathExists,
  readModelPackage,
  renameIntoPlace,
  stagingDirBeside,
  type ModelPackage,
} from './package-files'
import { verifyModelAgainstMeta } from './package-verify'

export interface ImportOptions {
  /** Folder name to install under (made safe); default: from model.json's name. */
  name?: string
  /** When the name is taken: 'suffix' installs as name-2, name-3...; 'error' refuses. Default 'suffix'. */
  onExisting?: 'suffix' | 'error'
  /** Largest total uncompressed size accepted from a zip, in bytes. Default 4 GiB (defaultMaxZipBytes). */
  maxZipBytes?: number
}

const WINDOWS_RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)$/i

/** A folder name safe on every platform: lower-case ASCII letters, digits, '-', '_' and '.', at most 64 chars. */
export function safePackageName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 64)
    .replace(/[-.]+$/g, '')
  if (!slug) return 'model'
  return WINDOWS_RESERVED.test(slug) ? `model-${slug}` : slug
}

/** Rejects entry names that would land outside the extraction folder (zip-slip) or are otherwise unsafe. */
function checkEntryName(entryName: string): string {
  const name = entryName.replace(/\\/g, '/')
  const problem =
    name.includes('\0')
      ? 'contains a NUL character'
      : name.startsWith('/') || /^[a-zA-Z]:/.test(name)
        ? 'is an absolute path'
        : name.split('/').some((part) => part === '..')
          ? "climbs out of the package with '..'"
          : null
  if (problem) {
    throw new PerceptError('VALIDATION', `The zip entry '${entryName}' ${problem}; refusing to extract it (zip-slip).`)
  }
  return posix.normalize(name)
}

/** Largest total uncompressed size accepted from a zip unless told otherwise. */
export const defaultMaxZipBytes = 4 * 1024 ** 3

/** Unpacks the package files of a zip into `target`: at the zip's root, or inside its single top folder. */
export async function unpackPackageZip(zipPath: string, target: string, maxBytes = defaultMaxZipBytes): Promise<void> {
  let zip: AdmZip
  try {
    zip = new AdmZip(zipPath)
  } catch (error) {
    throw new PerceptError('VALIDATION', `${basename(zipPath)} is not a readable zip: ${(error as Error).message}`)
  }
  const files: { name: string; entry: AdmZip.IZipEntry }[] = []
  let total = 0
  for (const entry of zip.getEntries()) {
    const name = checkEntryName(entry.entryName)
    // Folders, and the litter of macOS's archiver, are not package files.
    if (entry.isDirectory || name.startsWith('__MACOSX/') || posix.basename(name) === '.DS_Store') continue
    const unixMode = (entry.header.attr >>> 16) & 0o170000
    if (unixMode === 0o120000) {
      throw new PerceptError('VALIDATION', `The zip entry '${entry.entryName}' is a symbolic link; a model package holds plain files only.`)
    }
    total += entry.header.size
    if (total > maxBytes) {
      throw new PerceptError('VALIDATION', `${basename(zipPath)} unpacks to more than ${maxBytes} bytes; refusing to extract it.`)
    }
    files.push({ name, entry })
  }
  const names = files.map((f) => f.name)
  let root = ''
  if (!names.includes(META_FILE) && !names.includes(MODEL_FILE)) {
    const tops = new Set(names.map((n) => (n.includes('/') ? n.slice(0, n.indexOf('/') + 1) : '')))
    const only = tops.size === 1 ? [...tops][0]! : null
    if (only) root = only
  }
  for (const required of [MODEL_FILE, META_FILE]) {
    if (!names.includes(root + required)) {
      throw new PerceptError(
        'VALIDATION',
        `${basename(zipPath)} has no ${required}${root ? ` in ${root}` : ''}; a model package zip holds ${MODEL_FILE}, ${META_FILE} and ${CARD_FILE}.`,
      )
    }
  }
  for (const file of files) {
    if (!file.name.startsWith(root)) continue
    const relativeName = file.name.slice(root.length)
    const destination = resolve(target, ...relativeName.split('/'))
    if (relative(target, destination).startsWith('..') || !destination.startsWith(target + sep)) {
      throw new PerceptError('VALIDATION', `The zip entry '${file.entry.entryName}' points outside the package (zip-slip).`)
    }
    const data = file.entry.getData()
    if (data.length !== file.entry.header.size) {
      throw new PerceptError('VALIDATION', `The zip entry '${file.entry.entryName}' is damaged (size does not match its header).`)
    }
    await mkdir(dirname(destination), { recursive: true })
    await writeFile(destination, data)
  }
}

/** Copies regular files and folders; a symbolic link in a package is refused (it could point anywhere). */
async function copyPackageFolder(source: string, target: string): Promise<void> {
  for (const entry of await readdir(source, { withFileTypes: true })) {
    const from = join(source, entry.name)
    const to = join(target, entry.name)
    const info = await lstat(from)
    if (info.isSymbolicLink()) {
      throw new PerceptError('VALIDATION', `${from} is a symbolic link; a model package holds plain files only.`)
    }
    if (info.isDirectory()) {
      await mkdir(to, { recursive: true })
      await copyPackageFolder(from, to)
    } else if (info.isFile()) {
      await copyFile(from, to)
    }
  }
}

async function freeName(modelsDir: string, wanted: string, onExisting: 'suffix' | 'error'): Promise<string> {
  if (!(await pathExists(join(modelsDir, wanted)))) return wanted
  if (onExisting === 'error') {
    throw new PerceptError(
      'VALIDATION',
      `A model named '${wanted}' is already installed in ${modelsDir}; remove it first or import under another name.`,
    )
  }
  for (let i = 2; ; i++) {
    const candidate = `${wanted}-${i}`
    if (!(await pathExists(join(modelsDir, candidate)))) return candidate
  }
}

export interface ImportedModel extends ModelPackage {
  /** The source it came from. */
  source: string
}

/**
 * Imports a package from a folder or a .zip into `modelsDir/<safe-name>`: unpacks or copies it into a
 * staging folder inside `modelsDir`, validates model.json (schema) and model.onnx (loads in onnxruntime,
 * names, ranks and dtypes match the declaration), writes a default card.md if it has none, and renames it
 * into place. An existing model is never overwritten: the new one gets a suffix, or an error (`onExisting`).
 */
export async function importModelPackage(source: string, modelsDir: string, options: ImportOptions = {}): Promise<ImportedModel> {
  const sourceInfo = await stat(source).catch(() => null)
  if (!sourceInfo) throw new PerceptError('NOT_FOUND', `Nothing to import at ${source}.`)
  const isZip = sourceInfo.isFile() && source.toLowerCase().endsWith('.zip')
  if (!sourceInfo.isDirectory() && !isZip) {
    throw new PerceptError('VALIDATION', `${source} is neither a package folder nor a .zip of one.`)
  }
  await mkdir(modelsDir, { recursive: true })
  const staging = await stagingDirBeside(join(resolve(modelsDir), 'import'))
  try {
    if (isZip) await unpackPackageZip(source, staging, options.maxZipBytes ?? defaultMaxZipBytes)
    else await copyPackageFolder(source, staging)

    const staged = await readModelPackage(staging)
    await verifyModelAgainstMeta(staged.onnxPath, staged.meta)
    if (staged.card === null) await writeFileAtomic(join(staging, CARD_FILE), defaultModelCard(staged.meta))

    const wanted = safePackageName(options.name ?? staged.meta.name)
    const onExisting = options.onExisting ?? 'suffix'
    let id = await freeName(modelsDir, wanted, onExisting)
    for (let attempt = 0; ; attempt++) {
      try {
        await rename(staging, join(modelsDir, id))
        break
      } catch (error) {
        // Another import took the name between the check and the rename.
        const code = (error as NodeJS.ErrnoException).code
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') || attempt > 20) throw error
        id = await freeName(modelsDir, wanted, onExisting)
      }
    }
    syncDirectory(modelsDir)
    const installed = await readModelPackage(join(modelsDir, id))
    return { ...installed, source }
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    if (error instanceof PerceptError) {
      // Name the source the user chose, not the staging folder the check ran in.
      throw new PerceptError(error.code, error.message.split(staging).join(source), error.details)
    }
    throw new PerceptError('INTERNAL', `Importing ${source} failed: ${(error as Error).message}`)
  }
}

/**
 * Writes a package folder as a .zip (atomically), its files inside one top folder named after the package;
 * `importModelPackage` takes it back. Returns the zip's size in bytes.
 */
export async function exportModelPackage(dir: string, zipPath: string): Promise<{ zipPath: string; bytes: number; meta: ModelMeta }> {
  const pkg = await readModelPackage(dir)
  const zip = new AdmZip()
  const top = pkg.id
  const addFolder = async (folder: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue
      const path = join(folder, entry.name)
      if (entry.isDirectory()) await addFolder(path, `${prefix}${entry.name}/`)
      else if (entry.isFile()) zip.addFile(`${top}/${prefix}${entry.name}`, await readFile(path))
    }
  }
  await addFolder(dir, '')
  if (pkg.card === null) zip.addFile(`${top}/${CARD_FILE}`, Buffer.from(defaultModelCard(pkg.meta)))
  const data = zip.toBuffer()
  await writeFileAtomic(zipPath, data)
  return { zipPath, bytes: data.length, meta: pkg.meta }
}

/**
 * Whether a package folder may be written at `target`: nothing there (false), or an empty folder or an
 * earlier package to replace (true). A file, or a folder holding anything else, is refused: an export
 * never deletes someone's files. Callers may ask before long work (training) as well as when writing.
 */
export async function checkPackageFolderTarget(target: string): Promise<boolean> {
  const existing = await stat(target).catch(() => null)
  if (!existing) return false
  if (!existing.isDirectory()) {
    throw new PerceptError('VALIDATION', `${target} is a file; a model package is a folder: choose a new folder name, or a name ending in .zip to write a zip.`)
  }
  if ((await readdir(target)).length === 0) return true
  const isPackage = await readModelPackage(target).then(
    () => true,
    () => false,
  )
  if (isPackage) return true
  throw new PerceptError(
    'VALIDATION',
    `${target} is a folder that holds other files, not a model package; it is left as it is: choose a new or empty folder, or a name ending in .zip.`,
  )
}

/**
 * Writes a package as a folder at `target` (model.onnx, model.json, card.md), atomically: the files are
 * copied into a hidden folder beside it, which is renamed to `target` once whole. An empty folder or an
 * earlier package there is replaced; anything else is refused untouched (checkPackageFolderTarget).
 */
export async function exportModelPackageFolder(dir: string, target: string): Promise<{ dir: string; meta: ModelMeta }> {
  const pkg = await readModelPackage(dir)
  const replace = await checkPackageFolderTarget(target)
  const staging = await stagingDirBeside(target)
  try {
    await copyPackageFolder(dir, staging)
    if (pkg.card === null) await writeFileAtomic(join(staging, CARD_FILE), defaultModelCard(pkg.meta))
    await renameIntoPlace(staging, target, replace)
  } catch (error) {
    await rm(staging, { recursive: true, force: true })
    throw error instanceof PerceptError ? error : new PerceptError('INTERNAL', `Cannot write the package ${target}: ${(error as Error).message}`)
  }
  return { dir: target, meta: pkg.meta }
}
