import { writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { tempHome } from '../../helpers/temp-home'
import { createFakeElectron, type FakeElectron, type FakeOptions } from './fake-electron'

// Each test imports electron/main.ts afresh (resetModules) against a new fake (doMock, since the
// registry of hoisted mocks survives resetModules).

let home: ReturnType<typeof tempHome>
beforeEach(() => {
  home = tempHome('percept-electron-life-')
  vi.stubEnv('PERCEPT_HOME', home.home)
  vi.stubEnv('PERCEPT_QUIET', '1')
  vi.stubEnv('ELECTRON_RENDERER_URL', '')
  vi.resetModules()
})
afterEach(() => {
  vi.unstubAllEnvs()
  home.cleanup()
})

async function launch(options: FakeOptions = {}) {
  const fake: FakeElectron = createFakeElectron({ appPath: home.home, ...options })
  vi.doMock('electron', () => fake.module)
  const { started } = await import('../../../electron/main')
  return { fake, shell: await started }
}

describe('launches that quit', () => {
  it('a second instance hands over and quits without opening anything', async () => {
    const { fake, shell } = await launch({ singleInstance: false })
    expect(shell).toBeNull()
    expect(fake.record.quit).toBe(1)
    expect(fake.record.windows).toEqual([])
    expect(fake.record.ipcHandlers.size).toBe(0)
    expect(fake.record.errorBoxes).toEqual([])
  })

  it('a locked workspace is reported in a dialog, then the app quits cleanly', async () => {
    // Another live process (this one, as far as the lock can tell) holds the workspace.
    const owner = { pid: process.pid, host: hostname(), door: 'cli', since: new Date().toISOString() }
    writeFileSync(join(home.home, 'percept.lock'), JSON.stringify(owner))
    const { fake, shell } = await launch()
    expect(shell).toBeNull()
    expect(fake.record.errorBoxes).toHaveLength(1)
    const [title, message] = fake.record.errorBoxes[0]!
    expect(title).toBe('Percept Workbench')
    expect(message).toContain('already open in another Percept Workbench')
    expect(fake.record.quit).toBe(1)
    expect(fake.record.windows).toEqual([])
    expect(fake.record.protocolHandlers.size).toBe(0)
  })
})

describe('development', () => {
  it('loads the dev server URL and accepts calls from its origin only', async () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173/')
    const { fake, shell } = await launch()
    try {
      const window = fake.record.windows[0]!
      expect(window.loadedUrl).toBe('http://localhost:5173/')
      expect(window.webContents.navigate('will-navigate', 'http://localhost:5173/#/mri')).toBe(false)
      expect(window.webContents.navigate('will-navigate', 'http://localhost:5174/')).toBe(true)
      const call = fake.record.ipcHandlers.get('percept:call')!
      const ok = await call({ sender: window.webContents, senderFrame: { url: 'http://localhost:5173/' } }, 'workspace.info', {})
      expect(ok).toMatchObject({ ok: true, value: { path: home.home } })
      const other = await call({ sender: window.webContents, senderFrame: { url: 'http://localhost:8080/' } }, 'workspace.info', {})
      expect(other).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    } finally {
      shell?.percept.close()
    }
  })

  it('a packaged app ignores ELECTRON_RENDERER_URL', async () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', 'http://attacker.example/')
    const { fake, shell } = await launch({ isPackaged: true })
    try {
      expect(fake.record.windows[0]!.loadedUrl).toBe('app://percept/index.html')
      const call = fake.record.ipcHandlers.get('percept:call')!
      const refused = await call(
        { sender: fake.record.windows[0]!.webContents, senderFrame: { url: 'http://attacker.example/' } },
        'workspace.info',
        {},
      )
      expect(refused).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    } finally {
      shell?.percept.close()
    }
  })

  it('quits when the last window closes (outside macOS)', async () => {
    const { fake, shell } = await launch()
    try {
      fake.record.windows[0]!.close()
      fake.app.emit('window-all-closed')
      expect(fake.record.quit).toBe(process.platform === 'darwin' ? 0 : 1)
    } finally {
      shell?.percept.close()
    }
  })
})

describe('the last resort', () => {
  it('an error nothing caught marks running jobs interrupted, says so in a dialog and exits 1', async () => {
    const fake: FakeElectron = createFakeElectron({ appPath: home.home })
    vi.doMock('electron', () => fake.module)
    const { mainLastResort } = await import('../../../electron/main')
    const { lastResortHandler } = await import('../../../main/app/last-resort')
    const shutdown = vi.fn(() => Promise.resolve())
    const close = vi.fn()
    const log = { error: vi.fn() }
    const percept = { log, jobs: { runningIds: () => ['job-1'], shutdown }, close }
    lastResortHandler(mainLastResort(percept as unknown as Parameters<typeof mainLastResort>[0]))(new Error('boom'), 'uncaughtException')
    expect(shutdown).toHaveBeenCalledOnce()
    expect(close).toHaveBeenCalledOnce()
    expect(fake.record.errorBoxes).toHaveLength(1)
    const [title, message] = fake.record.errorBoxes[0]!
    expect(title).toBe('Percept Workbench')
    expect(message).toMatch(/^stopped after an uncaught exception: Error: boom\. 1 running job\(s\) were marked interrupted/)
    expect(fake.record.exitCodes).toEqual([1])
    expect(log.error.mock.calls[0]![0]).toMatch(/uncaught exception; stopping\. Error: boom/)
  })
})
