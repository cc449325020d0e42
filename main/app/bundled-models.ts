import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The models that ship with the app (models/<domain>/<name>): beside the sources or the build
 * (out/main or out/main/chunks), or in the packaged app's resources.
 */
export function bundledModelsDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url))
  const resources = (process as { resourcesPath?: string }).resourcesPath
  const candidates = [resolve(here, '../../models'), resolve(here, '../../../models'), ...(resources ? [join(resources, 'models')] : [])]
  return candidates.find((dir) => existsSync(join(dir, 'sound')) || existsSync(join(dir, 'README.md'))) ?? null
}
