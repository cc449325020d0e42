import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { ModelPackageSummary } from '../../api/models'
import { listModelPackages } from './package-files'

/** Bundled packages are listed as bundled/<name>, so no installed id (a plain folder name) can shadow one. */
export const bundledIdPrefix = 'bundled/'

/**
 * The packages shipped with the app (models/<domain>/<name>), marked bundled: they are read-only.
 * Pass a domain ('sound') for that folder only.
 */
export async function listBundledPackages(bundledDir: string | null, domain?: string): Promise<ModelPackageSummary[]> {
  if (!bundledDir) return []
  const domains = domain ? [domain] : (await readdir(bundledDir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name).sort()
  const lists = await Promise.all(domains.map((d) => listModelPackages(join(bundledDir, d))))
  return lists.flat().map((p) => ({ ...p, id: `${bundledIdPrefix}${p.id}`, bundled: true }))
}
