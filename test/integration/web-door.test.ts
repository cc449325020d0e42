import { mkdirSync, writeFileSync } from 'node:fs'
import { get } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createPercept, type PerceptApp } from '../../main/app/compose'
import { contentSecurityPolicy } from '../../main/app/csp'
import { startWebServer, type WebServer } from '../../main/app/web-server'
import { tempHome } from '../helpers/temp-home'

let app: PerceptApp
let server: WebServer
let base: string
let cleanup: () => void

beforeAll(async () => {
  const temp = tempHome()
  cleanup = temp.cleanup
  const rendererDir = join(temp.home, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Percept Workbench</title>')
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  writeFileSync(join(temp.home, 'secret.txt'), 'outside the renderer')
  process.env.PERCEPT_HOME = join(temp.home, 'workspace')
  app = createPercept({ door: 'web' })
  delete process.env.PERCEPT_HOME
  server = await startWebServer({ router: app.router, log: app.log, rendererDir, port: 0 })
  base = `http://127.0.0.1:${server.port}`
})

afterAll(async () => {
  await server.close()
  app.close()
  cleanup()
})

const auth = () => ({ Authorization: `Bearer ${server.token}` })
function call(method: string, input: unknown, headers: Record<string, string> = auth()) {
  return fetch(`${base}/api/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ method, input }),
  })
}

describe('web door: access', () => {
  it('listens on loopback by default and prints a URL carrying the token', () => {
    expect(server.host).toBe('127.0.0.1')
    expect(server.url).toBe(`${base}/?token=${server.token}`)
    expect(server.token.length).toBeGreaterThanOrEqual(32)
  })

  it('answers 401 to every request without the token, the page included', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', '/?token=wrong']) {
      expect((await fetch(base + path)).status, path).toBe(401)
    }
    expect((await call('app.info', {}, {})).status).toBe(401)
    expect((await call('app.info', {}, { Authorization: 'Bearer nope' })).status).toBe(401)
  })

  it('serves the page with the token, sets the session cookie and the CSP', async () => {
    const res = await fetch(server.url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy)
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(new RegExp(`^percept_token_${server.port}=`))
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    const asset = await fetch(`${base}/assets/app.js`, { headers: { Cookie: cookie.split(';')[0]! } })
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toMatch(/javascript/)
  })

  it('does not serve files outside the renderer folder', async () => {
    // Raw requests: fetch() would normalise the dots away before they reach the server.
    const rawStatus = (path: string) =>
      new Promise<number>((done, fail) => {
        get({ host: '127.0.0.1', port: server.port, path, headers: auth() }, (res) => {
          res.resume()
          done(res.statusCode ?? 0)
        }).on('error', fail)
      })
    for (const path of ['/../secret.txt', '/assets/..%2F..%2Fsecret.txt', '/%2e%2e%2fsecret.txt', '/assets/%00']) {
      expect(await rawStatus(path), path).toBe(404)
    }
    expect(await rawStatus('/assets/app.js')).toBe(200)
  })

  it('refuses cross-origin API calls even with the token', async () => {
    const res = await call('app.info', {}, { ...auth(), Origin: 'http://evil.example' })
    expect(res.status).toBe(403)
  })
})

describe('web door: calls and events', () => {
  it('returns results and carries typed errors intact, the same as the router', async () => {
    const info = await (await call('app.info', {})).json()
    expect(info.ok).toBe(true)
    expect(info.value.door).toBe('web')
    expect(info.value.workspace).toBe(app.workspace.home)

    const viaWeb = await (await call('settings.set', { key: 'theme', value: 'purple' })).json()
    const direct = await app.router.call('settings.set', { key: 'theme', value: 'purple' }, { door: 'test' })
    expect(viaWeb.ok).toBe(false)
    expect(viaWeb).toEqual(JSON.parse(JSON.stringify(direct)))
    expect(viaWeb.error.code).toBe('VALIDATION')

    expect((await (await call('nope.nope', {})).json()).error.code).toBe('UNKNOWN_METHOD')
  })

  it('says what is wrong with a body that is not JSON', async () => {
    const res = await fetch(`${base}/api/call`, { method: 'POST', headers: auth(), body: '{not json' })
    expect(res.status).toBe(400)
    expect(await res.text()).toMatch(/must be JSON/)
  })

  it('refuses a socket without the token', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events`)
    const outcome = await new Promise<string>((done) => {
      ws.on('open', () => done('open'))
      ws.on('error', (e) => done(e.message))
    })
    expect(outcome).toMatch(/401/)
  })

  it('pushes events to an authorised socket', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events?token=${server.token}`)
    await new Promise((done, fail) => {
      ws.on('open', done)
      ws.on('error', fail)
    })
    const received = new Promise<unknown>((done) => {
      ws.on('message', (data) => {
        const message = JSON.parse(String(data))
        if (message.event === 'workspace.changed') done(message)
      })
    })
    expect((await (await call('settings.set', { key: 'theme', value: 'light' })).json()).ok).toBe(true)
    expect(await received).toEqual({ event: 'workspace.changed', payload: { area: 'settings', key: 'theme' } })
    ws.close()
  })
})
