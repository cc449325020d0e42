/** The package a person names on the command line: a package folder, a package .zip, or an installed id. */
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { PerceptError } from '../../core/errors'
import { listModelPackages, readModelPackage, type ModelPackage } from './package-files'
import { safePackageName, unpackPackageZip } from './package-import'

export interface ChosenModel {
  /** The package; for a .zip, unpacked into a temporary folder until `release`. */
  pkg: ModelPackage
  /** How the choice was read. */
  source: 'folder' | 'zip' | 'installed' | 'bundled'
  /** Removes what reading the choice left behind (a .zip's unpacked folder); call it when done. */
  release(): Promise<void>
}

const nothingToRelease = async (): Promise<void> => {}

/**
 * Opens `choice` as what one command writes and the next reads: an existing folder is read as a package,
 * an existing .zip is unpacked into a temporary folder and read, and anything else is looked up as the
 * id of a package installed in `modelsDir`. The package's id is the name the person gave it: the
 * folder's name, the zip's name without .zip, or the installed id. When nothing fits, the NOT_FOUND
 * error says what was tried.
 */
export async function openModelChoice(choice: string, modelsDir: string): Promise<ChosenModel> {
  const path = resolve(choice)
  const info = await stat(path).catch(() => null)
  if (info?.isDirectory()) return { pkg: await readModelPackage(path), source: 'folder', release: nothingToRelease }
  if (info?.isFile()) {
    if (!path.toLowerCase().endsWith('.zip')) {
      throw new PerceptError('VALIDATION', `${path} is a file but not a .zip: give a model package folder, its .zip, or the id of an installed model.`)
    }
    return openZip(path)
  }
  if (safePackageName(choice) === choice && (await stat(join(modelsDir, choice)).catch(() => null))?.isDirectory()) {
    return { pkg: await readModelPackage(join(modelsDir, choice)), source: 'installed', release: nothingToRelease }
  }
  const installed = (await listModelPackages(modelsDir)).map((p) => p.id)
  const ids = installed.length ? `installed: ${installed.slice(0, 5).join(', ')}${installed.length > 5 ? ` and ${installed.length - 5} more` : ''}` : 'none is installed'
  throw new PerceptError(
    'NOT_FOUND',
    `No model "${choice}": there is no package folder or .zip at ${path}, and no installed model has that id (${ids}). ` +
      'Give a package folder, a package .zip, or an id from `percept models list`.',
  )
}

async function openZip(zipPath: string): Promise<ChosenModel> {
  const dir = await mkdtemp(join(tmpdir(), 'percept-model-'))
  const release = (): Promise<void> => rm(dir, { recursive: true, force: true })
  try {
    await unpackPackageZip(zipPath, dir)
    const read = await readModelPackage(dir)
    return { pkg: { ...read, id: basename(zipPath).replace(/\.zip$/i, '') }, source: 'zip', release }
  } catch (error) {
    await release()
    if (error instanceof PerceptError) {
      // Name the zip the person gave, not the temporary folder it was unpacked into.
      throw new PerceptError(error.code, error.message.split(dir).join(zipPath), error.details)
    }
    throw error
  }
}
