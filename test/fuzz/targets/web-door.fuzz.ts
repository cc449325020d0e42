import fc from 'fast-check'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ResourceRequest } from '../../../main/api'
import { createResourceHandler } from '../../../main/app/resources'
import { Router, type Handlers } from '../../../main/app/router'
import { startWebServer, type WebServer } from '../../../main/app/web-server'
import { EventBus } from '../../../main/core/event-bus'
import { fileRangeResponse } from '../../../main/core/file-range'
import { Logger } from '../../../main/core/logger'
import { storeUpload } from '../../../main/core/upload'
import { mutatedBytes } from '../mutations'
import { FuzzFailure, type FuzzTarget } from '../target'
import { apiCall, fuzzToken, httpSeeds, latin1, portMark, structuredRequest, upgradeWithFrames } from '../http-requests'

/*
 * The web door (`percept serve`) fed raw bytes on a socket. The property: whatever arrives is answered
 * with no 5xx, the server keeps answering an authorised request with 200, no partial upload stays behind,
 * and nothing is written outside the workspace. The server
 * runs in the check's worker, started once, with a router without handlers (API methods have their own
 * tests; the door's parsing is what is fuzzed here) and two small resources: a file served by ranges and
 * an upload into the workspace.
 */

interface Door {
  server: WebServer
  root: string
  /** Everything under root outside the workspace, as at the start. */
  outside: string[]
}

const prefix = 'percept-fuzz-web-door-'
let started: Promise<Door> | undefined

/** Every path under dir, relative, but for the `skip` folder. */
function listing(dir: string, skip: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((path) => path !== skip && !path.startsWith(skip + '/'))
    .sort()
}

/** Folders of earlier runs: a terminated worker gets no chance to remove its own. */
function removeStaleRoots(): void {
  const hourAgo = Date.now() - 3600_000
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(prefix)) continue
    try {
      if (statSync(join(tmpdir(), name)).mtimeMs < hourAgo) rmSync(join(tmpdir(), name), { recursive: true, force: true })
    } catch {
      // another run's folder, gone meanwhile
    }
  }
}

async function startDoor(): Promise<Door> {
  removeStaleRoots()
  const root = mkdtempSync(join(tmpdir(), prefix))
  const workspace = join(root, 'workspace')
  const rendererDir = join(root, 'renderer')
  mkdirSync(join(rendererDir, 'assets'), { recursive: true })
  mkdirSync(workspace)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>fuzz</title>')
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
  const media = join(workspace, 'media.bin')
  writeFileSync(media, new Uint8Array(1000).map((_, i) => i & 0xff))
  const log = new Logger(null, 'web', true)
  const events = new EventBus()
  const resources = createResourceHandler(
    {
      file: async (request: ResourceRequest) => fileRangeResponse(media, 1000, request.range, 'application/octet-stream'),
      upload: async (request: ResourceRequest) => {
        await storeUpload(request.body, { dir: join(workspace, 'uploads'), name: request.query.get('name') ?? '', maxBytes: 4096, limitHint: 'the fuzz target takes' })
        return { status: 204, headers: {}, body: null }
      },
    },
    log,
  )
  const router = new Router({} as Handlers, events, log)
  const server = await startWebServer({ router, log, resources, rendererDir, port: 0, token: fuzzToken })
  return { server, root, outside: listing(root, 'workspace') }
}

/**
 * Writes the bytes and waits for the server to close, or to fall quiet, within a bound; then hangs up.
 * `hungUp`: the server had not closed, so it may still be working on the request when this returns.
 */
function exchange(port: number, bytes: Uint8Array, idleMs: number, maxMs: number): Promise<{ reply: string; hungUp: boolean }> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1')
    const received: Buffer[] = []
    let idle: NodeJS.Timeout | undefined
    const finish = (hungUp: boolean): void => {
      clearTimeout(idle)
      clearTimeout(bound)
      socket.destroy()
      done({ reply: Buffer.concat(received).toString('latin1'), hungUp })
    }
    const bound = setTimeout(() => finish(true), maxMs)
    const quiet = (): void => {
      clearTimeout(idle)
      idle = setTimeout(() => finish(true), idleMs)
    }
    socket.on('data', (chunk: Buffer) => (received.push(chunk), quiet()))
    socket.on('close', () => finish(false))
    socket.on('error', () => finish(false))
    socket.on('connect', () => socket.write(bytes, quiet))
  })
}

/** `@PORT@` becomes the port the server listens on. */
function withPort(bytes: Uint8Array, port: number): Uint8Array {
  return latin1(Buffer.from(bytes).toString('latin1').replaceAll(portMark, String(port)))
}

/**
 * What an input left behind: partial uploads (a cut-off upload must remove its file) and anything outside
 * the workspace. Removed once found. After a hang-up the server may still be at work on the request (its
 * files not yet written, or not yet removed): then it gets a moment first, and partial files up to 2 s to go.
 */
async function leftovers(door: Door, hungUp: boolean): Promise<string[]> {
  const found: string[] = []
  const uploads = join(door.root, 'workspace', 'uploads')
  const partial = () => (existsSync(uploads) ? listing(uploads, '').filter((path) => path.endsWith('.part')) : [])
  if (hungUp) await sleep(20)
  for (let waited = 0; partial().length > 0 && waited < 2000; waited += 20) await sleep(20)
  const left = partial()
  if (left.length) found.push(`a partial upload was left behind: ${left.join(', ')}`)
  for (const path of left) rmSync(join(uploads, path), { force: true })
  const appeared = listing(door.root, 'workspace').filter((path) => !door.outside.includes(path))
  if (appeared.length) found.push(`files appeared outside the workspace: ${appeared.join(', ')}`)
  for (const path of appeared) rmSync(join(door.root, path), { recursive: true, force: true })
  return found
}

const target: FuzzTarget = {
  // Startup (first input) plus one exchange and the health check; a server that stops answering fails far sooner.
  timeoutMs: 15_000,
  async seeds() {
    return httpSeeds()
  },
  arbitrary(seeds) {
    return fc.oneof(
      { weight: 4, arbitrary: mutatedBytes(seeds) },
      { weight: 4, arbitrary: structuredRequest },
      { weight: 1, arbitrary: apiCall },
      { weight: 1, arbitrary: upgradeWithFrames },
    )
  },
  async check(bytes) {
    started ??= startDoor()
    const door = await started
    const port = door.server.port
    const problems: string[] = []
    const { reply, hungUp } = await exchange(port, withPort(bytes, port), 50, 1000)
    // A request the door cannot serve is the client's fault: 4xx with a reason, never 5xx.
    const serverError = /(?:^|\r\n)HTTP\/1\.1 (5\d\d) /.exec(reply)
    if (serverError) problems.push(`answered ${serverError[1]}: ${JSON.stringify(reply.slice(serverError.index, serverError.index + 200))}`)
    const health = `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${fuzzToken}\r\nConnection: close\r\n\r\n`
    const { reply: answer } = await exchange(port, latin1(health), 2000, 5000)
    if (!answer.startsWith('HTTP/1.1 200 ')) problems.push(`the server no longer answers an authorised request with 200: ${JSON.stringify(answer.slice(0, 80))}`)
    // Every check below removes what it finds, so that the inputs after this one are judged on their own.
    problems.push(...(await leftovers(door, hungUp)))
    if (problems.length) throw new FuzzFailure(problems.join('; '))
  },
}
export default target
