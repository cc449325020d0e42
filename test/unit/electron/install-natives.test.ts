import { spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempHome } from '../../helpers/temp-home'

// scripts/install-natives.mjs runs as postinstall: whatever it finds, it exits 0 and says what happened.
// Each case runs a copy of it inside a made-up project, so nothing here downloads or builds.
const script = join(import.meta.dirname, '../../../scripts/install-natives.mjs')

let project: ReturnType<typeof tempHome>
beforeEach(() => {
  project = tempHome('percept-natives-')
  mkdirSync(join(project.home, 'scripts'))
  copyFileSync(script, join(project.home, 'scripts', 'install-natives.mjs'))
})
afterEach(() => project.cleanup())

function runScript(env: Record<string, string> = {}) {
  const clean = { ...process.env }
  delete clean.PERCEPT_SKIP_NATIVES
  delete clean.ELECTRON_SKIP_BINARY_DOWNLOAD
  const result = spawnSync(process.execPath, [join(project.home, 'scripts', 'install-natives.mjs')], {
    encoding: 'utf8',
    env: { ...clean, ...env },
    timeout: 30_000,
  })
  return { status: result.status, lines: result.stdout.trim().split('\n'), stderr: result.stderr }
}

function fakeElectronPackage(version = '39.8.10'): string {
  const dir = join(project.home, 'node_modules', 'electron')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version }))
  writeFileSync(join(dir, 'abi_version'), '140')
  return dir
}

describe('install-natives', () => {
  it('says there is nothing to do without Electron', () => {
    const { status, lines } = runScript()
    expect(status).toBe(0)
    expect(lines).toEqual([expect.stringMatching(/^natives: Electron is not installed.*npm start/)])
  })

  it('falls back to browser mode when the Electron download fails', () => {
    fakeElectronPackage() // no install.js: the download step fails at once, as it does offline
    const { status, lines } = runScript()
    expect(status).toBe(0)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^natives: Electron 39\.8\.10 could not be downloaded \(.+\); .*browser mode: npm start/)
  })

  it('honours ELECTRON_SKIP_BINARY_DOWNLOAD and PERCEPT_SKIP_NATIVES', () => {
    fakeElectronPackage()
    expect(runScript({ ELECTRON_SKIP_BINARY_DOWNLOAD: '1' })).toMatchObject({
      status: 0,
      lines: [expect.stringMatching(/ELECTRON_SKIP_BINARY_DOWNLOAD is set.*npm start/)],
    })
    expect(runScript({ PERCEPT_SKIP_NATIVES: '1' })).toMatchObject({ status: 0, lines: ['natives: skipped (PERCEPT_SKIP_NATIVES=1)'] })
  })

  it('leaves an up-to-date Electron build of better-sqlite3 alone', () => {
    const electron = fakeElectronPackage()
    mkdirSync(join(electron, 'dist'))
    writeFileSync(join(electron, 'dist', 'version'), 'v39.8.10')
    writeFileSync(join(electron, 'path.txt'), 'electron')
    writeFileSync(join(electron, 'dist', 'electron'), '#!/bin/sh\nexit 0\n')
    chmodSync(join(electron, 'dist', 'electron'), 0o755)
    const sqlite = join(project.home, 'node_modules', 'better-sqlite3')
    mkdirSync(sqlite, { recursive: true })
    writeFileSync(join(sqlite, 'package.json'), JSON.stringify({ name: 'better-sqlite3', version: '12.11.1' }))
    const out = join(project.home, 'node_modules', '.percept-electron')
    mkdirSync(out)
    writeFileSync(join(out, 'better_sqlite3.node'), '')
    writeFileSync(join(out, 'better_sqlite3.json'), JSON.stringify({ electron: '39.8.10', abi: '140', betterSqlite3: '12.11.1' }))
    const { status, lines } = runScript()
    expect(status).toBe(0)
    expect(lines).toEqual([
      'natives: better-sqlite3 12.11.1 for Electron 39.8.10 is up to date (node_modules/.percept-electron/better_sqlite3.node)',
    ])
  })
})
