import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { browserCommand } from '../../main/app/open-browser'
import { requireBuild, startServe, type Served } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'
import { startWebDoorApp, type WebDoorApp } from '../helpers/web-door-app'

// `serve --open` hands the browser a one-time code, not the token: a command line is readable by every
// local user. The code buys the session cookie once, and the address it redirects to holds no secret.

/** GET without following redirects. */
const visit = (url: string, headers: Record<string, string> = {}) => fetch(url, { redirect: 'manual', headers })

describe('web door: one-time codes', () => {
  let door: WebDoorApp
  beforeAll(async () => {
    door = await startWebDoorApp()
  })
  afterAll(() => door.close())

  it('an open address carries a code, not the token', () => {
    const url = new URL(door.server.openUrl())
    expect(url.origin).toBe(door.base)
    expect(url.pathname).toBe('/')
    expect([...url.searchParams.keys()]).toEqual(['code'])
    expect(url.searchParams.get('code')).toMatch(/^[\w-]{32}$/)
    expect(url.href).not.toContain(door.server.token)
  })

  it('trades the code once for the session cookie and a redirect to /, then refuses it', async () => {
    const url = door.server.openUrl()
    const first = await visit(url)
    expect(first.status).toBe(303)
    expect(first.headers.get('location')).toBe('/')
    const cookie = first.headers.get('set-cookie') ?? ''
    expect(cookie).toBe(`percept_token_${door.server.port}=${door.server.token}; HttpOnly; SameSite=Strict; Path=/`)
    expect((await visit(`${door.base}/`, { Cookie: cookie.split(';')[0]! })).status).toBe(200)

    const again = await visit(url)
    expect(again.status).toBe(401)
    expect(again.headers.get('set-cookie')).toBe(null)
    expect(await again.text()).toMatch(/one-time link has been used or has expired/)
  })

  it('refuses a made-up code, and each issued code works independently', async () => {
    expect((await visit(`${door.base}/?code=${'A'.repeat(32)}`)).status).toBe(401)
    expect((await visit(`${door.base}/?code=`)).status).toBe(401)
    const [a, b] = [door.server.openUrl(), door.server.openUrl()]
    expect((await visit(b)).status).toBe(303)
    expect((await visit(a)).status).toBe(303)
    expect((await visit(a)).status).toBe(401)
  })
})

describe('browserCommand', () => {
  it('gives Chromium the URL as --app, and only that URL', () => {
    const saved = process.env.PERCEPT_BROWSER
    process.env.PERCEPT_BROWSER = 'browsers/chromium-test'
    try {
      expect(browserCommand('http://127.0.0.1:1/?code=abc')).toEqual({
        path: 'browsers/chromium-test',
        args: ['--app=http://127.0.0.1:1/?code=abc', '--disable-background-networking', '--no-first-run'],
      })
    } finally {
      if (saved === undefined) delete process.env.PERCEPT_BROWSER
      else process.env.PERCEPT_BROWSER = saved
    }
  })
})

describe('percept serve --open (built app)', () => {
  let home: string
  let cleanup: () => void
  let served: Served | undefined
  beforeAll(() => {
    requireBuild()
    ;({ home, cleanup } = tempHome())
  })
  afterEach(async () => {
    await served?.stop()
    cleanup()
  })

  it('starts the browser with a one-time code on its command line and no token', async () => {
    // A stand-in browser (its name says Chromium, so it gets --app=) that records its arguments.
    const argsFile = join(home, 'browser-args.txt')
    const browser = join(home, 'fake-chromium')
    writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\n`)
    chmodSync(browser, 0o755)
    const saved = process.env.PERCEPT_BROWSER
    process.env.PERCEPT_BROWSER = browser // startServe hands the child this process's environment
    try {
      served = await startServe(join(home, 'workspace'), ['--open'])
    } finally {
      if (saved === undefined) delete process.env.PERCEPT_BROWSER
      else process.env.PERCEPT_BROWSER = saved
    }
    await expect.poll(() => existsSync(argsFile) && readFileSync(argsFile, 'utf8').length > 0, { timeout: 10_000 }).toBe(true)
    const args = readFileSync(argsFile, 'utf8').trim().split('\n')

    expect(served.token.length).toBeGreaterThanOrEqual(32)
    expect(args.join(' ')).not.toContain(served.token)
    expect(args.join(' ')).not.toContain('token')
    expect(args[0]).toMatch(new RegExp(`^--app=http://127\\.0\\.0\\.1:${served.port}/\\?code=[\\w-]{32}$`))
    const opened = args[0]!.slice('--app='.length)
    const first = await visit(opened)
    expect(first.status).toBe(303)
    expect(first.headers.get('set-cookie')).toContain(`percept_token_${served.port}=${served.token}`)
    expect((await visit(opened)).status).toBe(401)
  })
})
