import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * better-sqlite3 in node_modules is built for Node (the CLI, the web door and the tests use it).
 * In development, Electron needs a copy built for its own ABI, which scripts/install-natives.mjs puts
 * in node_modules/.percept-electron/. Packaged builds need none: electron-builder rebuilds the addon.
 */
export const devBindingFolder = join('node_modules', '.percept-electron')

export interface BindingContext {
  isPackaged: boolean
  /** app.getAppPath(): the project root in development. */
  appPath: string
  /** process.versions.electron; undefined when not running inside Electron (tests). */
  electron: string | undefined
  /** process.versions.modules, the ABI the running runtime loads. */
  abi: string
}

export interface BindingChoice {
  /** Path for Database({ nativeBinding }), or undefined for better-sqlite3's own lookup. */
  sqliteBinding: string | undefined
  /** One line for the log: which addon and why. */
  note: string
}

interface Marker {
  electron?: string
  abi?: string
}

export function chooseSqliteBinding(context: BindingContext): BindingChoice {
  if (context.isPackaged) return { sqliteBinding: undefined, note: 'sqlite: using the addon packaged for Electron' }
  if (!context.electron) return { sqliteBinding: undefined, note: 'sqlite: not in Electron, using the Node addon' }
  const folder = join(context.appPath, devBindingFolder)
  const binding = join(folder, 'better_sqlite3.node')
  if (!existsSync(binding)) {
    return {
      sqliteBinding: undefined,
      note: `sqlite: no Electron build at ${binding}; run "node scripts/install-natives.mjs" if the workspace fails to open`,
    }
  }
  let marker: Marker = {}
  try {
    marker = JSON.parse(readFileSync(join(folder, 'better_sqlite3.json'), 'utf8')) as Marker
  } catch {
    // No marker: trust the file and let a mismatch surface as a load error.
  }
  if (marker.abi !== undefined && marker.abi !== context.abi) {
    return {
      sqliteBinding: undefined,
      note:
        `sqlite: ${binding} was built for ABI ${marker.abi} (Electron ${marker.electron ?? '?'}), this Electron needs ` +
        `${context.abi}; run "node scripts/install-natives.mjs" again`,
    }
  }
  return { sqliteBinding: binding, note: `sqlite: using the Electron build at ${binding}` }
}
