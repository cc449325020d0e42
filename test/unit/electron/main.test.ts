import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { contentSecurityPolicy } from '../../../main/app/csp'
import type { Shell } from '../../../electron/main'
import { tempHome } from '../../helpers/temp-home'
import { createFakeElectron, FakeWebContents, type FakeElectron } from './fake-electron'

// electron/main.ts runs against a fake 'electron' but the real core: createPercept opens a real
// workspace under PERCEPT_HOME, so IPC calls go through the real router.
const h = vi.hoisted(() => ({ fake: undefined as FakeElectron | undefined, rendererRoot: '' }))
vi.mock('electron', () => h.fake!.module)
vi.mock('../../../electron/paths', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../electron/paths')>()
  // Keep the real preload path; serve the renderer from a temp folder instead of out/renderer.
  return { appPaths: (dir: string) => ({ ...real.appPaths(dir), rendererRoot: h.rendererRoot }) }
})

const home = tempHome('percept-electron-')
const renderer = tempHome('percept-renderer-')
let fake: FakeElectron
let shell: Shell

beforeAll(async () => {
  vi.stubEnv('PERCEPT_HOME', home.home)
  vi.stubEnv('PERCEPT_QUIET', '1')
  vi.stubEnv('ELECTRON_RENDERER_URL', '')
  writeFileSync(join(renderer.home, 'index.html'), '<!doctype html><title>Percept</title>')
  mkdirSync(join(renderer.home, 'assets'))
  writeFileSync(join(renderer.home, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(renderer.home, 'assets', 'kernel.wasm'), new Uint8Array([0, 97, 115, 109]))
  h.rendererRoot = renderer.home
  h.fake = fake = createFakeElectron({ userData: join(home.home, 'ignored-user-data'), appPath: home.home })
  const main = await import('../../../electron/main')
  const started = await main.started
  if (!started) throw new Error(`the shell did not start: ${JSON.stringify(fake.record.errorBoxes)}`)
  shell = started
}, 60_000)

afterAll(() => {
  shell?.percept.close()
  vi.unstubAllEnvs()
  home.cleanup()
  renderer.cleanup()
})

const appFrame = { url: 'app://percept/index.html' }
function window() {
  const win = fake.record.windows[0]
  if (!win) throw new Error('no window was created')
  return win
}
function callHandler() {
  const handler = fake.record.ipcHandlers.get('percept:call')
  if (!handler) throw new Error('percept:call has no handler')
  return handler as (event: unknown, method: unknown, input: unknown) => Promise<unknown>
}
function appRequest(url: string, init?: RequestInit): Promise<Response> {
  const handler = fake.record.protocolHandlers.get('app')
  if (!handler) throw new Error('app:// has no handler')
  return handler(new Request(url, init))
}

describe('before ready', () => {
  it('registers app:// as a privileged scheme and sandboxes every renderer', () => {
    expect(fake.record.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
    ])
    expect(fake.record.sandboxEnabled).toBe(true)
  })
})

describe('the window', () => {
  it('is created once with exactly the secure webPreferences', () => {
    expect(fake.record.windows).toHaveLength(1)
    expect(window().options.webPreferences).toEqual({
      preload: expect.stringMatching(/[\\/]preload[\\/]index\.cjs$/),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
    expect(window().options).toMatchObject({
      width: 1280,
      height: 800,
      minWidth: 960,
      minHeight: 600,
      title: 'Percept Workbench',
      show: false,
    })
  })

  it('loads app://percept/index.html and shows itself when ready', () => {
    expect(window().loadedUrl).toBe('app://percept/index.html')
    expect(window().shown).toBe(false)
    window().emit('ready-to-show')
    expect(window().shown).toBe(true)
  })

  it('denies new windows', () => {
    expect(window().webContents.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' })
    expect(window().webContents.windowOpenHandler?.({ url: 'app://percept/index.html' })).toEqual({ action: 'deny' })
  })

  it('stays on its own origin: navigation and redirects elsewhere are prevented', () => {
    const contents = window().webContents
    expect(contents.navigate('will-navigate', 'https://example.com')).toBe(true)
    expect(contents.navigate('will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(contents.navigate('will-navigate', 'app://elsewhere/index.html')).toBe(true)
    expect(contents.navigate('will-redirect', 'https://evil.example/')).toBe(true)
    expect(contents.navigate('will-navigate', 'app://percept/index.html#/sound')).toBe(false)
  })

  it('guards webContents it did not create too', () => {
    const stray = new FakeWebContents()
    fake.app.emit('web-contents-created', {}, stray)
    expect(stray.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' })
    expect(stray.navigate('will-navigate', 'https://example.com')).toBe(true)
    let attachPrevented = false
    stray.emit('will-attach-webview', { preventDefault: () => (attachPrevented = true) })
    expect(attachPrevented).toBe(true)
  })

  it('refuses every permission request', () => {
    const granted: boolean[] = []
    fake.defaultSession.permissionRequest?.(window().webContents, 'media', (ok: boolean) => granted.push(ok), {})
    fake.defaultSession.permissionRequest?.(window().webContents, 'notifications', (ok: boolean) => granted.push(ok), {})
    expect(granted).toEqual([false, false])
    expect(fake.defaultSession.permissionCheck?.(null, 'media', 'app://percept', {})).toBe(false)
  })
})

describe('IPC', () => {
  it('forwards app.info to the real router', async () => {
    const result = await callHandler()({ sender: window().webContents, senderFrame: appFrame }, 'app.info', {})
    expect(result).toMatchObject({ ok: true, value: { door: 'electron', workspace: home.home, name: 'Percept Workbench' } })
  }, 60_000)

  it('answers an unknown method with UNKNOWN_METHOD', async () => {
    const result = await callHandler()({ sender: window().webContents, senderFrame: appFrame }, 'no.such', {})
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } })
  })

  it('passes validation errors through intact', async () => {
    const result = await callHandler()({ sender: window().webContents, senderFrame: appFrame }, 'settings.set', {
      key: 'theme',
      value: 'purple',
    })
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
  })

  it('refuses a foreign frame, a vanished frame and a foreign webContents', async () => {
    const handler = callHandler()
    const evil = await handler({ sender: window().webContents, senderFrame: { url: 'https://evil.example/' } }, 'app.info', {})
    expect(evil).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    const gone = await handler({ sender: window().webContents, senderFrame: null }, 'app.info', {})
    expect(gone).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    const stranger = await handler({ sender: new FakeWebContents(), senderFrame: appFrame }, 'app.info', {})
    expect(stranger).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
  })

  it('refuses a non-string method name', async () => {
    const result = await callHandler()({ sender: window().webContents, senderFrame: appFrame }, 42, {})
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
  })

  it('pushes core events to the window', async () => {
    const contents = window().webContents
    contents.sent.length = 0
    shell.percept.events.emit('workspace.changed', { area: 'jobs' })
    expect(contents.sent).toEqual([['percept:event', { event: 'workspace.changed', payload: { area: 'jobs' } }]])
    // and events caused by a call: settings.set announces the change
    contents.sent.length = 0
    const result = await callHandler()({ sender: contents, senderFrame: appFrame }, 'settings.set', { key: 'theme', value: 'dark' })
    expect(result).toEqual({ ok: true, value: { key: 'theme', value: 'dark' } })
    expect(contents.sent).toContainEqual(['percept:event', { event: 'workspace.changed', payload: { area: 'settings', key: 'theme' } }])
  })
})

describe('app:// protocol', () => {
  it('serves index.html with its type and the CSP', async () => {
    const response = await appRequest('app://percept/index.html')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toBe(contentSecurityPolicy)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await response.text()).toBe('<!doctype html><title>Percept</title>')
  })

  it('serves / as index.html and assets with their types', async () => {
    expect(await (await appRequest('app://percept/')).text()).toContain('<title>Percept</title>')
    const js = await appRequest('app://percept/assets/app.js')
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(js.headers.get('content-security-policy')).toBe(contentSecurityPolicy)
    const wasm = await appRequest('app://percept/assets/kernel.wasm')
    expect(wasm.headers.get('content-type')).toBe('application/wasm')
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 97, 115, 109]))
  })

  it('answers 404 for traversal, other hosts and missing files, with the CSP still set', async () => {
    for (const url of [
      'app://percept/../../etc/passwd',
      'app://percept/%2e%2e/%2e%2e/etc/passwd',
      'app://percept/..%2f..%2f..%2fetc%2fpasswd',
      'app://percept/assets/..%5c..%5c..%5cetc%5cpasswd',
      'app://percept/%00index.html',
      'app://percept/%E0%A4%A',
      'app://other/index.html',
      'app://percept/missing.js',
      'app://percept/assets',
    ]) {
      const response = await appRequest(url)
      expect(response.status, url).toBe(404)
      expect(response.headers.get('content-security-policy'), url).toBe(contentSecurityPolicy)
    }
  })

  it('accepts only GET and HEAD', async () => {
    expect((await appRequest('app://percept/index.html', { method: 'POST', body: 'x' })).status).toBe(405)
    const head = await appRequest('app://percept/index.html', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })
})

describe('shutdown', () => {
  it('stops forwarding events when the window closes, and reopens on activate', () => {
    const first = window()
    const listenersBefore = shell.percept.events.size
    first.close()
    expect(shell.percept.events.size).toBe(listenersBefore - 1)
    expect(shell.window()).toBeNull()
    first.webContents.sent.length = 0
    shell.percept.events.emit('workspace.changed', { area: 'jobs' })
    expect(first.webContents.sent).toEqual([])

    fake.app.emit('activate')
    expect(fake.record.windows).toHaveLength(2)
    expect(shell.window()).toBe(fake.record.windows[1])
    // Calls from the closed window's webContents are refused now.
    return expect(
      callHandler()({ sender: first.webContents, senderFrame: appFrame }, 'app.info', {}),
    ).resolves.toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
  })

  it('a second launch focuses the window', () => {
    const win = fake.record.windows[1]!
    fake.app.emit('second-instance', {}, [], '')
    expect(win.focused).toBe(1)
  })

  it('closes the workspace and the IPC channel on will-quit', () => {
    expect(existsSync(join(home.home, 'percept.lock'))).toBe(true)
    fake.app.emit('will-quit', { preventDefault() {} })
    expect(existsSync(join(home.home, 'percept.lock'))).toBe(false)
    expect(fake.record.ipcHandlers.has('percept:call')).toBe(false)
  })
})
