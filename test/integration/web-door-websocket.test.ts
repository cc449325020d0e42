import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { clientFrame, rawExchange, serverCloseCode, upgradeRequest } from '../helpers/raw-http'
import { startWebDoorApp, type WebDoorApp } from '../helpers/web-door-app'

// The event socket: refused upgrades get a status and a reason; invalid frames after a good upgrade close
// that socket with the protocol's status code (ws reports them as 'error' events, which used to be unhandled).

let door: WebDoorApp
let port: number
let token: string

beforeAll(async () => {
  door = await startWebDoorApp()
  port = door.server.port
  token = door.server.token
})
afterAll(() => door.close())
afterEach(async () => {
  expect(await door.servingStatus()).toBe(200)
})

const events = () => `/api/events?token=${token}`

describe('web door: refused upgrades', () => {
  it('answers a bad, missing or foreign Host with 400 or 421', async () => {
    const cases: [Record<string, string | null>, number][] = [
      [{ Host: 'a b' }, 400],
      [{ Host: null }, 400],
      [{ Host: `evil.example:${port}` }, 421],
    ]
    for (const [headers, status] of cases) {
      const answer = await rawExchange(port, upgradeRequest(port, events(), headers))
      expect(answer.status, JSON.stringify(headers)).toBe(status)
      expect(answer.closed).toBe(true)
    }
  })

  it('answers 401 to an undecodable cookie, 400 to bad percent-encoding, 404 elsewhere, 403 across origins', async () => {
    const cookie = await rawExchange(port, upgradeRequest(port, '/api/events', { Cookie: `percept_token_${port}=%zz` }))
    expect(cookie.status).toBe(401)
    expect((await rawExchange(port, upgradeRequest(port, `/api/events?token=${token}&x=%zz`))).status).toBe(400)
    expect((await rawExchange(port, upgradeRequest(port, `/api/other?token=${token}`))).status).toBe(404)
    expect((await rawExchange(port, upgradeRequest(port, events(), { Origin: 'http://evil.example' }))).status).toBe(403)
  })
})

describe('web door: invalid frames after a good upgrade', () => {
  /** The upgrade and the frames in one write, as a hostile client would send them. */
  const afterUpgrade = (...frames: Buffer[]) => rawExchange(port, Buffer.concat([Buffer.from(upgradeRequest(port, events())), ...frames]), { waitMs: 500 })
  const logged: string[] = []
  let stop: () => void
  beforeAll(() => {
    stop = door.app.events.subscribe((event) => {
      if (event.event === 'log.line') logged.push(event.payload.message)
    })
  })
  afterAll(() => stop())
  /** The door reports each invalid frame in its log (an 'error' event it listens to), with ws's reason. */
  const reported = (reason: RegExp) => expect.poll(() => logged.some((line) => /event socket closed: (Invalid|Unsupported) WebSocket frame/.test(line) && reason.test(line))).toBe(true)

  it('closes with 1002 a frame with reserved bits set, and an unmasked client frame', async () => {
    for (const frame of [clientFrame(Buffer.from('hi'), { rsv: 4 }), clientFrame(Buffer.from('hello'), { masked: false }), clientFrame(Buffer.from(''), { opcode: 3 })]) {
      const answer = await afterUpgrade(frame)
      expect(answer.status).toBe(101)
      expect(serverCloseCode(answer)).toBe(1002)
    }
    await reported(/RSV1 must be clear/)
    await reported(/MASK must be set/)
    await reported(/invalid opcode 3/)
  })

  it('closes with 1009 a frame declaring a huge length, and with 1007 a text frame that is not UTF-8', async () => {
    const huge = Buffer.from([0x82, 0xff, 0x3f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4])
    const tooLong = await afterUpgrade(huge)
    expect(tooLong.status).toBe(101)
    expect(serverCloseCode(tooLong)).toBe(1009)
    const badText = await afterUpgrade(clientFrame(Buffer.from([0xff, 0xfe, 0xfd])))
    expect(serverCloseCode(badText)).toBe(1007)
    await reported(/payload length > 2\^53 - 1/)
    await reported(/invalid UTF-8 sequence/)
  })

  it('still pushes events to a good socket afterwards', async () => {
    await afterUpgrade(clientFrame(Buffer.from('x'), { rsv: 7 }))
    const ws = new WebSocket(`ws://127.0.0.1:${port}${events()}`)
    await new Promise((done, fail) => ws.on('open', done).on('error', fail))
    const received = new Promise<unknown>((done) => ws.on('message', (data) => done(JSON.parse(String(data)))))
    expect((await door.app.router.call('settings.set', { key: 'theme', value: 'light' }, { door: 'test' })).ok).toBe(true)
    expect(await received).toEqual({ event: 'workspace.changed', payload: { area: 'settings', key: 'theme' } })
    ws.close()
  })
})
