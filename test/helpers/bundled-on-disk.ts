import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from './built-app'

/** The ids of the model packages under models/<domain>/<name> (each with a model.json), sorted: what the app must list as bundled. */
export function bundledIdsOnDisk(): string[] {
  const root = join(repoRoot, 'models')
  const domains = readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory())
  return domains
    .flatMap((d) => readdirSync(join(root, d)).filter((n) => statSync(join(root, d, n, 'model.json'), { throwIfNoEntry: false })?.isFile()))
    .map((n) => `bundled/${n}`)
    .sort()
}
