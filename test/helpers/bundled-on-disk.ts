import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from './built-app'

/** The ids of the model packages under models/<domain>/<name> (each with a model.json), sorted: what the app must list as bundled. */
export function bundledIdsOnDisk(): string[] {
  const root = join(repoRoot, 'models')
  const domains = readdirSync(root).filter((d) => statSync(join(root, d)).isDirectory())
  return domains
    .flatMap((d) => readdirSync(join(root, d), { withFileTypes: true }).filter((e) => e.isDirectory() && statSync(join(root, d, e.name, 'model.json'), { throwIfNoEntry: false })?.isFile()))
    .map((e) => `bundled/${e.name}`)
    .sort()
}
