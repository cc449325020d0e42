import { join } from 'node:path'

export interface AppPaths {
  /** The built renderer (index.html and its assets) served on app://percept. */
  rendererRoot: string
  /** The sandboxed preload script, CommonJS. */
  preload: string
}

/**
 * Where the built pieces sit relative to the built main file (out/main/index.js):
 * out/renderer/ and out/preload/index.cjs. Inside a packaged app these paths point into app.asar,
 * which Electron's fs reads transparently.
 */
export function appPaths(mainDir: string): AppPaths {
  return {
    rendererRoot: join(mainDir, '../renderer'),
    preload: join(mainDir, '../preload/index.cjs'),
  }
}
