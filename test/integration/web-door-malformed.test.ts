import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { OpenSound } from '../../main/api'
import { encodeWav } from '../../main/dsp/io'
import { rawExchange } from '../helpers/raw-http'
import { startWebDoorApp, type WebDoorApp } from '../helpers/web-door-app'

// Malformed requests, sent as raw bytes (no client library to correct them) and with fetch: each gets a
// 4xx with a reason, and the server goes on answering (checked after every test).

let door: WebDoorApp
let port: number
let token: string
let wavBytes: Uint8Array

beforeAll(async () => {
  door = await startWebDoorApp()
  port = door.server.port
  token = door.server.token
})
afterAll(() => door.close())
afterEach(async () => {
  expect(await door.servingStatus()).toBe(200)
})

/** A raw request: the request line, then header lines (and Connection: close, so that the answer ends), then the body. */
function raw(requestLine: string, headers: string[], body = ''): string {
  return [requestLine, ...headers, 'Connection: close', '', body].join('\r\n')
}

/** Log lines of the web door from now on (the Logger also reaches the event bus). */
function logLines(): { lines: string[]; stop: () => void } {
  const lines: string[] = []
  const stop = door.app.events.subscribe((event) => {
    if (event.event === 'log.line') lines.push(event.payload.message)
  })
  return { lines, stop }
}
const hostLine = () => `Host: 127.0.0.1:${port}`
const bearer = () => `Authorization: Bearer ${token}`

describe('web door: the Host header', () => {
  it('answers 400 to a malformed Host (it used to end the process)', async () => {
    const answer = await rawExchange(port, raw('GET / HTTP/1.1', ['Host: a b', bearer()]))
    expect(answer.status).toBe(400)
    expect(answer.text).toMatch(/Host header is malformed/)
  })

  it('answers 400 to a request without Host, in HTTP/1.1 and 1.0', async () => {
    for (const version of ['1.1', '1.0']) {
      const answer = await rawExchange(port, raw(`GET / HTTP/${version}`, [bearer()]))
      expect(answer.status, version).toBe(400)
      expect(answer.text).toMatch(/no Host header/)
    }
  })

  it('answers 421 to a foreign Host or another port, even with the token (DNS rebinding)', async () => {
    for (const host of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1', `127.0.0.1.evil.example:${port}`, `[::2]:${port}`]) {
      const answer = await rawExchange(port, raw('GET / HTTP/1.1', [`Host: ${host}`, bearer()]))
      expect(answer.status, host).toBe(421)
      expect(answer.text).toMatch(/answers only to its own address/)
    }
  })

  it('accepts the loopback spellings of its own address', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
      const answer = await rawExchange(port, raw('GET / HTTP/1.1', [`Host: ${host}`, bearer()]))
      expect(answer.status, host).toBe(200)
    }
  })
})

describe('web door: cookies, targets and request lines', () => {
  it('answers 401 to an undecodable token cookie (planted by another local port), and lets the real one through beside it', async () => {
    const junk = `percept_token_${port}=%zz`
    expect((await fetch(`${door.base}/`, { headers: { Cookie: junk } })).status).toBe(401)
    const answer = await rawExchange(port, raw('GET / HTTP/1.1', [hostLine(), `Cookie: ${junk}`]))
    expect(answer.status).toBe(401)
    const both = await fetch(`${door.base}/`, { headers: { Cookie: `${junk}; percept_token_${port}=${token}` } })
    expect(both.status).toBe(200)
  })

  it('answers 400 to malformed percent-encoding in the path or the query', async () => {
    for (const target of ['/%zz', '/assets/%E0%A4%A', '/res/audio/%ff/media', '/?x=%zz', '/api/call?y=%']) {
      const answer = await rawExchange(port, raw(`GET ${target} HTTP/1.1`, [hostLine(), bearer()]))
      expect(answer.status, target).toBe(400)
      expect(answer.text).toMatch(/malformed percent-encoding/)
    }
    expect((await fetch(`${door.base}/%zz`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(400)
  })

  it('answers 400 to a target that is not a path (absolute or asterisk form)', async () => {
    for (const target of ['http://evil.example/', '*']) {
      const answer = await rawExchange(port, raw(`GET ${target} HTTP/1.1`, [hostLine(), bearer()]))
      expect(answer.status, target).toBe(400)
    }
  })

  it('answers 400 to a garbage request line, and to control characters in a header', async () => {
    for (const request of ['\x00\x01\x02 garbage\r\n\r\n', 'GET\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', raw('GET / HTTP/1.1', [hostLine(), 'X-Evil: a\x01b'])]) {
      const answer = await rawExchange(port, request)
      expect(answer.status, JSON.stringify(request)).toBe(400)
      expect(answer.closed).toBe(true)
    }
  })

  it('answers 431 to headers past 16 KiB', async () => {
    const answer = await rawExchange(port, raw('GET / HTTP/1.1', [hostLine(), bearer(), `X-Big: ${'a'.repeat(20_000)}`]))
    expect(answer.status).toBe(431)
    expect(answer.text).toMatch(/headers are larger than 16 KiB/)
  })
})

describe('web door: JSON calls', () => {
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    fetch(`${door.base}/api/call`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, ...headers }, body })

  it('answers 400 to a body that is not a JSON object (null used to give 500)', async () => {
    for (const body of ['{not json', 'null', '[1,2]', '"text"', '']) {
      const res = await post(body)
      expect(res.status, body).toBe(400)
      expect(await res.text()).toMatch(/must be JSON/)
    }
  })

  it('answers 413 to a body declared or sent larger than 16 MiB', async () => {
    const declared = await rawExchange(port, raw('POST /api/call HTTP/1.1', [hostLine(), bearer(), 'Content-Length: 17000000']))
    expect(declared.status).toBe(413)
    const sent = await post(new Uint8Array(16 * 1024 * 1024 + 1).fill(0x20))
    expect(sent.status).toBe(413)
  })

  it('answers a broken chunked body with 400, and logs a body cut off by the client', async () => {
    const badChunk = await rawExchange(port, raw('POST /api/call HTTP/1.1', [hostLine(), bearer(), 'Transfer-Encoding: chunked'], 'zz\r\n{}\r\n0\r\n\r\n'))
    expect(badChunk.status).toBe(400)
    expect(badChunk.text).toMatch(/malformed HTTP/)

    const log = logLines()
    // The client stops mid-body: nothing to answer (nobody left to read it), but the door says so and carries on.
    const chunked = await rawExchange(port, raw('POST /api/call HTTP/1.1', [hostLine(), bearer(), 'Transfer-Encoding: chunked'], '10\r\n{"method":"app.'), { waitMs: 200 })
    expect(chunked.status).toBe(null)
    const short = await rawExchange(port, raw('POST /api/call HTTP/1.1', [hostLine(), bearer(), 'Content-Length: 100'], '{"method"'), { waitMs: 200 })
    expect(short.status).toBe(null)
    await expect.poll(() => log.lines.filter((line) => /refused POST \/api\/call .*: 400 The request body was cut off/.test(line)).length).toBe(2)
    log.stop()
  })
})

describe('web door: resources', () => {
  let sound: OpenSound
  const uploads = () => join(door.app.workspace.folder('datasets'), 'dropped')

  beforeAll(async () => {
    wavBytes = encodeWav({ sampleRate: 8000, channels: [Float32Array.from({ length: 800 }, (_, i) => 0.1 * Math.sin(i / 3))] }, 'pcm16')
    const path = join(door.root, 'tone.wav')
    writeFileSync(path, wavBytes)
    const result = await door.app.router.call('audio.open', { path }, { door: 'test' })
    if (!result.ok) throw new Error(result.error.message)
    sound = result.value as OpenSound
  })

  it('answers a garbage Range with the whole file and an unsatisfiable one with 416', async () => {
    const media = (range: string) => rawExchange(port, raw(`GET /res/audio/${sound.id}/media HTTP/1.1`, [hostLine(), bearer(), `Range: ${range}`]))
    for (const range of ['garbage', 'bytes=abc', 'bytes=1-2-3', 'bytes=0-1,5-6', 'bytes=']) {
      const answer = await media(range)
      expect(answer.status, range).toBe(200)
      expect(answer.text).toContain(`Content-Length: ${wavBytes.length}`)
    }
    for (const range of ['bytes=99999999999999999999-', 'bytes=5-2', `bytes=${wavBytes.length}-`]) {
      const answer = await media(range)
      expect(answer.status, range).toBe(416)
      expect(answer.text).toContain(`Content-Range: bytes */${wavBytes.length}`)
    }
    expect((await media('bytes=0-3')).text).toMatch(/206 Partial Content[\s\S]*\r\n\r\nRIFF$/)
  })

  it('removes the partial file of an upload whose client goes away, and answers the next', async () => {
    const log = logLines()
    const partial = () => (existsSync(uploads()) ? readdirSync(uploads(), { recursive: true }).map(String) : [])
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => {})
    socket.write(raw('POST /res/audio/import?name=cut.wav HTTP/1.1', [hostLine(), bearer(), 'Content-Length: 1000000'], ''))
    socket.write(wavBytes.subarray(0, 400))
    await expect.poll(partial, { timeout: 5000 }).toContainEqual(expect.stringMatching(/^\.cut\.wav\.[0-9a-f]+\.part$/))
    socket.destroy()
    await expect.poll(partial, { timeout: 5000 }).toEqual([])
    await expect.poll(() => log.lines.some((line) => /POST \/res\/audio\/import .*the connection closed before the answer/.test(line))).toBe(true)
    log.stop()

    const whole = await fetch(`${door.base}/res/audio/import?name=whole.wav`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: Buffer.from(wavBytes) })
    expect(whole.status).toBe(200)
    expect(readdirSync(uploads())).toHaveLength(1)
  })
})
