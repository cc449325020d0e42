import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { describeStartupError } from '../../../electron/startup-error'
import { chooseSqliteBinding } from '../../../electron/native-binding'
import { tempHome } from '../../helpers/temp-home'

let root: ReturnType<typeof tempHome>
beforeEach(() => (root = tempHome('percept-binding-')))
afterEach(() => root.cleanup())

function addBinding(marker?: object): string {
  const folder = join(root.home, 'node_modules', '.percept-electron')
  mkdirSync(folder, { recursive: true })
  writeFileSync(join(folder, 'better_sqlite3.node'), '')
  if (marker) writeFileSync(join(folder, 'better_sqlite3.json'), JSON.stringify(marker))
  return join(folder, 'better_sqlite3.node')
}

describe('chooseSqliteBinding', () => {
  const dev = { isPackaged: false, electron: '39.8.10', abi: '140' }

  it('uses the Electron build in development when it is there', () => {
    const binding = addBinding({ electron: '39.8.10', abi: '140' })
    expect(chooseSqliteBinding({ ...dev, appPath: root.home }).sqliteBinding).toBe(binding)
  })

  it('skips a build made for another Electron ABI', () => {
    addBinding({ electron: '38.0.0', abi: '139' })
    const choice = chooseSqliteBinding({ ...dev, appPath: root.home })
    expect(choice.sqliteBinding).toBeUndefined()
    expect(choice.note).toContain('install-natives')
  })

  it('falls back to better-sqlite3 when no build exists', () => {
    expect(chooseSqliteBinding({ ...dev, appPath: root.home }).sqliteBinding).toBeUndefined()
  })

  it('never uses it when packaged or outside Electron', () => {
    addBinding()
    expect(chooseSqliteBinding({ ...dev, isPackaged: true, appPath: root.home }).sqliteBinding).toBeUndefined()
    expect(chooseSqliteBinding({ ...dev, electron: undefined, appPath: root.home }).sqliteBinding).toBeUndefined()
  })
})

describe('describeStartupError', () => {
  it('keeps a typed message and adds the fix for an addon built for another runtime', () => {
    expect(describeStartupError(new Error('The workspace is locked.'))).toBe('The workspace is locked.')
    const abi = describeStartupError(new Error('was compiled against a different Node.js version using NODE_MODULE_VERSION 115'))
    expect(abi).toContain('node scripts/install-natives.mjs')
  })
})
