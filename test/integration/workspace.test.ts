import Database from 'better-sqlite3'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PerceptEvent } from '../../main/api'
import { writeFileAtomic, writeFileAtomicSync } from '../../main/core/atomic-file'
import { EventBus } from '../../main/core/event-bus'
import { PerceptError } from '../../main/core/errors'
import { latestSchemaVersion, migrate, type Migration } from '../../main/core/migrations'
import { SettingsStore } from '../../main/core/settings-store'
import { Workspace } from '../../main/core/workspace'
import { resolveWorkspaceHome } from '../../main/core/workspace-home'
import { tempHome } from '../helpers/temp-home'

let home: string
let cleanup: () => void
const opened: Workspace[] = []
function open(door = 'test'): Workspace {
  const ws = Workspace.open({ home, door })
  opened.push(ws)
  return ws
}

beforeEach(() => {
  ;({ home, cleanup } = tempHome())
})
afterEach(() => {
  for (const ws of opened.splice(0)) ws.close()
  cleanup()
})

function codeOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    return error instanceof PerceptError ? error.code : `untyped: ${(error as Error).message}`
  }
  return 'no error'
}

describe('workspace layout', () => {
  it('creates the database in WAL mode and the four folders', () => {
    const ws = open()
    for (const folder of ['datasets', 'models', 'runs', 'cache', 'faces']) expect(existsSync(join(home, folder))).toBe(true)
    expect(ws.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(ws.schemaVersion).toBe(latestSchemaVersion)
  })

  it('PERCEPT_HOME wins over the door\'s proposal, which wins over ~/.percept', () => {
    expect(resolveWorkspaceHome('/proposed', { PERCEPT_HOME: '/from/env' })).toBe('/from/env')
    expect(resolveWorkspaceHome('/proposed', {})).toBe('/proposed')
    expect(resolveWorkspaceHome(undefined, {})).toMatch(/[/\\]\.percept$/)
  })
})

describe('migrations', () => {
  const steps: Migration[] = [
    { version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER);' },
    { version: 2, name: 'b', sql: 'CREATE TABLE b (y INTEGER);' },
  ]

  it('applies each version once, in order, and records it', () => {
    const db = new Database(':memory:')
    expect(migrate(db, steps.slice(0, 1))).toBe(1)
    db.prepare('INSERT INTO a VALUES (7)').run()
    expect(migrate(db, steps)).toBe(2)
    expect(migrate(db, steps)).toBe(2)
    expect(db.prepare('SELECT x FROM a').all()).toEqual([{ x: 7 }])
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all()).toEqual([
      { name: 'a' },
      { name: 'b' },
    ])
  })

  it('rolls a failing step back whole and keeps the previous version', () => {
    const db = new Database(':memory:')
    const broken: Migration[] = [
      ...steps.slice(0, 1),
      { version: 2, name: 'broken', sql: 'CREATE TABLE c (z INTEGER); INSERT INTO nowhere VALUES (1);' },
    ]
    expect(() => migrate(db, broken)).toThrow(/nowhere/)
    expect(db.pragma('user_version', { simple: true })).toBe(1)
    expect(db.prepare("SELECT count(*) n FROM sqlite_master WHERE name='c'").get()).toEqual({ n: 0 })
  })

  it('refuses a database written by a newer version with WORKSPACE_INVALID', () => {
    mkdirSync(home, { recursive: true })
    const db = new Database(join(home, 'percept.db'))
    db.pragma(`user_version = ${latestSchemaVersion + 5}`)
    db.close()
    expect(codeOf(() => open())).toBe('WORKSPACE_INVALID')
    // and the failed open released its lock
    expect(existsSync(join(home, 'percept.lock'))).toBe(false)
  })

  it('reports a damaged database as WORKSPACE_INVALID with what to do', () => {
    writeFileSync(join(home, 'percept.db'), 'this is not a database, just some bytes'.repeat(200))
    try {
      open()
      expect.unreachable()
    } catch (error) {
      expect((error as PerceptError).code).toBe('WORKSPACE_INVALID')
      expect((error as PerceptError).message).toMatch(/move it aside/)
    }
  })
})

describe('workspace lock', () => {
  let holder: ChildProcess | undefined
  afterEach(() => holder?.kill('SIGKILL'))

  it('gives a second instance WORKSPACE_LOCKED naming the holder, and frees it on close', () => {
    const first = open('web')
    try {
      Workspace.open({ home, door: 'electron' })
      expect.unreachable()
    } catch (error) {
      expect((error as PerceptError).code).toBe('WORKSPACE_LOCKED')
      expect((error as PerceptError).message).toContain(`process ${process.pid}`)
      expect((error as PerceptError).message).toContain('PERCEPT_HOME')
    }
    first.close()
    expect(existsSync(join(home, 'percept.lock'))).toBe(false)
    expect(open().schemaVersion).toBe(latestSchemaVersion)
  })

  it('respects a lock held by another live process and takes over once it has died', async () => {
    holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' })
    const pid = holder.pid!
    writeFileSync(join(home, 'percept.lock'), JSON.stringify({ pid, host: hostname(), door: 'web', since: 'earlier' }))
    expect(codeOf(() => open())).toBe('WORKSPACE_LOCKED')
    const exited = new Promise((done) => holder!.once('exit', done))
    holder.kill('SIGKILL')
    await exited
    const ws = open()
    expect(JSON.parse(readFileSync(join(home, 'percept.lock'), 'utf8')).pid).toBe(process.pid)
    expect(ws.schemaVersion).toBe(latestSchemaVersion)
  })
})

describe('atomic writes', () => {
  it('replaces content whole and leaves no temp file behind', async () => {
    const path = join(home, 'nested', 'model.json')
    await writeFileAtomic(path, '{"a":1}')
    await writeFileAtomic(path, '{"a":2}')
    writeFileAtomicSync(path, '{"a":3}')
    expect(readFileSync(path, 'utf8')).toBe('{"a":3}')
    expect(readdirSync(join(home, 'nested'))).toEqual(['model.json'])
  })

  it('keeps the old file and cleans up when the write fails', async () => {
    const path = join(home, 'target')
    mkdirSync(path) // renaming a file over a folder fails
    await expect(writeFileAtomic(path, 'new')).rejects.toThrow()
    expect(readdirSync(home).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })

  it('never lets a reader see a torn file while a writer rewrites it', async () => {
    const path = join(home, 'big.bin')
    const size = 4 * 1024 * 1024
    await writeFileAtomic(path, new Uint8Array(size).fill(1))
    let torn = 0
    let reads = 0
    const writer = (async () => {
      for (let round = 2; round < 12; round++) await writeFileAtomic(path, new Uint8Array(size).fill(round))
    })()
    let done = false
    void writer.then(() => (done = true))
    while (!done) {
      const bytes = readFileSync(path)
      reads++
      if (bytes.length !== size || bytes[0] !== bytes[size - 1]) torn++
      await new Promise((r) => setImmediate(r))
    }
    expect(reads).toBeGreaterThan(0)
    expect(torn).toBe(0)
  })
})

describe('settings', () => {
  it('returns the default, stores a valid value, refuses an invalid one, and announces changes', () => {
    const bus = new EventBus()
    const seen: PerceptEvent[] = []
    bus.subscribe((e) => seen.push(e))
    const settings = new SettingsStore(open(), bus)
    expect(settings.get('theme')).toBe('system')
    expect(settings.set('theme', 'dark')).toBe('dark')
    expect(settings.get('theme')).toBe('dark')
    expect(codeOf(() => settings.set('theme', 'purple'))).toBe('VALIDATION')
    expect(settings.get('theme')).toBe('dark')
    expect(seen).toEqual([{ event: 'workspace.changed', payload: { area: 'settings', key: 'theme' } }])
  })
})
