import { AsyncLocalStorage } from 'node:async_hooks'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import type { ResourceHandler } from '../api'
import type { Logger } from '../core/logger'
import { contentSecurityPolicy } from './csp'
import { OneTimeCodes } from './one-time-codes'
import { resourcePath } from './resources'
import type { Router } from './router'
import { contentTypeFor, resolveStaticFile } from './static-files'
import { cookieName, isAuthorised, isLoopback, isSameOrigin, newAccessToken, presentedToken } from './web-auth'
import { readCall, uploadBody } from './web-body'
import { hostChecker } from './web-host'
import { describeRequest, parseTarget, rawRefusal, Refusal } from './web-request'

export interface WebServerOptions {
  router: Router
  log: Logger
  /** Binary resources under /res/ (audio, peaks, spectrograms); 404 there when absent. */
  resources?: ResourceHandler
  /** The built renderer (out/renderer). */
  rendererDir: string
  host?: string
  /** 0 picks a free port. */
  port?: number
  token?: string
}

export interface WebServer {
  url: string
  host: string
  port: number
  token: string
  /**
   * An address for a browser this process starts: it carries a one-time code instead of the token
   * (a command line is readable by every local user); the server trades the code for the session cookie.
   */
  openUrl(): string
  /**
   * For the process's last resort: when the error escaped from handling one of this server's requests
   * (judged from the async context it surfaced in), fails that request, logs it and returns true.
   */
  claimError(error: unknown): boolean
  close(): Promise<void>
}

const maxBodyBytes = 16 * 1024 * 1024
const maxHeaderBytes = 16 * 1024
/** The event socket only sends; what a client sends it is ignored, so it may be small. */
const maxSocketMessageBytes = 64 * 1024
const unauthorised = 'Unauthorized: open the address that `percept serve` printed; it carries the access token.'

const plainHeaders = { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { ...plainHeaders, 'Content-Type': type })
  res.end(body)
}

/** The cause of an error for the log: its stack when it has one. */
function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error)
}

/**
 * Browser mode: the built renderer and the API over HTTP + WebSocket, on loopback by default,
 * every request and socket gated by a per-launch token. No request may end the process: each is checked
 * (Host, target, token, origin) before any work, and whatever is malformed gets a 4xx with a reason.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { router, log, rendererDir } = options
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? newAccessToken()
  let port = options.port ?? 0
  const urlHost = host.includes(':') ? `[${host}]` : host
  /** Our origin as URL serialises it (lower case, no :80); known once listening. */
  let origin = ''
  const checkHost = hostChecker(host, () => port)
  const codes = new OneTimeCodes()
  const requests = new AsyncLocalStorage<{ req: IncomingMessage; res: ServerResponse }>()
  /** Responses under way per connection, so that a parse error does not write into one already begun. */
  const underway = new WeakMap<Duplex, Set<ServerResponse>>()
  const sessionCookie = (): string => `${cookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`

  function refuse(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
    log.warn(`web door refused ${describeRequest(req)}: ${refusal.status} ${refusal.message}`)
    if (res.headersSent) return void res.destroy()
    // Closing the connection stops reading whatever body the refused request still has in flight.
    const body = Buffer.from(refusal.message + '\n')
    res.writeHead(refusal.status, { ...plainHeaders, 'Content-Length': body.length, Connection: 'close' })
    res.end(body)
  }

  function fail(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    if (error instanceof Refusal) return refuse(req, res, error)
    log.error(`web door: ${describeRequest(req)} failed: ${describeError(error)}`)
    if (res.headersSent) return void res.destroy()
    res.writeHead(500, { ...plainHeaders, Connection: 'close' })
    res.end('Internal error; see the server log.\n')
  }

  /** The checks every request and upgrade passes first, cheapest first; returns the parsed target. */
  function admit(req: IncomingMessage): URL {
    const hostCheck = checkHost(req.headers.host)
    if (!hostCheck.ok) throw new Refusal(hostCheck.status, hostCheck.reason)
    return parseTarget(req.url, origin)
  }

  function authorise(req: IncomingMessage, url: URL): 'query' | 'header' | 'cookie' {
    const presented = presentedToken(req, url, port)
    if (!presented || !isAuthorised(presented, token)) throw new Refusal(401, unauthorised)
    if (!isSameOrigin(req)) throw new Refusal(403, 'Cross-origin requests are refused.')
    return presented.via
  }

  /** GET /?code=...: a one-time code from openUrl() becomes the session cookie; no secret stays in the address. */
  function redeemCode(url: URL, res: ServerResponse): void {
    if (!codes.redeem(url.searchParams.get('code') ?? '')) {
      throw new Refusal(401, 'This one-time link has been used or has expired: open the address that `percept serve` printed.')
    }
    res.writeHead(303, { Location: '/', 'Set-Cookie': sessionCookie(), 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'Content-Length': '0' })
    res.end()
  }

  async function handleCall(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') throw new Refusal(405, 'Use POST for /api/call.')
    const { method, input } = await readCall(req, maxBodyBytes)
    const result = await router.call(method, input, { door: 'web' })
    send(res, 200, JSON.stringify(result), 'application/json; charset=utf-8')
  }

  async function handleResource(req: IncomingMessage, res: ServerResponse, path: string[], url: URL): Promise<void> {
    const method = req.method === 'HEAD' || req.method === 'POST' ? req.method : 'GET'
    if (!options.resources) throw new Refusal(404, 'No resources here.')
    const answer = await options.resources({
      method,
      path,
      query: url.searchParams,
      range: req.headers.range ?? null,
      body: method === 'POST' ? uploadBody(req) : null,
    })
    // A body the handler did not read (a refused upload) is not waited for: the connection closes.
    const unread = method === 'POST' && !req.complete ? { Connection: 'close' } : {}
    res.writeHead(answer.status, { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...answer.headers, ...unread })
    if (method === 'HEAD' || !answer.body) return void res.end()
    if (answer.body.kind === 'bytes') return void res.end(answer.body.bytes)
    const stream = createReadStream(answer.body.path, { start: answer.body.start, end: answer.body.end })
    await new Promise<void>((done, failStream) => {
      stream.on('error', failStream)
      res.on('close', () => {
        stream.destroy()
        done()
      })
      stream.pipe(res)
    })
  }

  async function handleStatic(url: URL, res: ServerResponse, setCookie: boolean): Promise<void> {
    const file = await resolveStaticFile(rendererDir, url.pathname)
    if (!file) throw new Refusal(404, `Not found: ${url.pathname.slice(0, 200)}`)
    const headers: Record<string, string> = {
      'Content-Type': contentTypeFor(file),
      'Content-Security-Policy': contentSecurityPolicy,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': file.endsWith('.html') ? 'no-store' : 'private, max-age=3600',
    }
    if (setCookie) headers['Set-Cookie'] = sessionCookie()
    const bytes = await readFile(file)
    res.writeHead(200, headers)
    res.end(bytes)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = admit(req)
    if (url.pathname === '/' && req.method === 'GET' && url.searchParams.has('code')) return redeemCode(url, res)
    const via = authorise(req, url)
    if (url.pathname === '/api/call') return handleCall(req, res)
    const resource = resourcePath(url.pathname)
    if (resource) return handleResource(req, res, resource, url)
    if (req.method === 'GET' || req.method === 'HEAD') return handleStatic(url, res, via === 'query')
    throw new Refusal(405, 'Method not allowed.')
  }

  const server = createServer({ maxHeaderSize: maxHeaderBytes, requireHostHeader: false }, (req, res) => {
    const responses = underway.get(req.socket) ?? new Set()
    underway.set(req.socket, responses.add(res))
    res.on('close', () => {
      responses.delete(res)
      if (!res.writableFinished) log.warn(`web door: ${describeRequest(req)}: the connection closed before the answer was complete`)
    })
    // Each request runs in its own async context, so that the last resort can tell an error that
    // escaped from it (claimError) from one that leaves the process in doubt.
    requests.run({ req, res }, () => {
      handle(req, res).catch((error: unknown) => fail(req, res, error))
    })
  })

  // What the HTTP parser cannot read (a garbage request line, headers too large, a broken chunked body,
  // a bad Host on an upgrade) arrives here rather than as a request.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const code = error.code ?? 'unknown'
    if (code === 'ECONNRESET' || code === 'EPIPE' || !socket.writable) return void socket.destroy()
    const [status, reason] =
      code === 'HPE_HEADER_OVERFLOW'
        ? [431, `The request headers are larger than ${maxHeaderBytes / 1024} KiB.`]
        : code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'ERR_HTTP_HEADERS_TIMEOUT'
          ? [408, 'The request took too long to arrive.']
          : [400, 'The request is malformed HTTP.']
    log.warn(`web door refused a request from ${(socket as Socket).remoteAddress ?? 'an unknown address'}: ${status} ${reason} (${code})`)
    // A response already being sent on this connection must not get a second one mixed in.
    if ([...(underway.get(socket) ?? [])].some((res) => res.headersSent)) return void socket.destroy()
    socket.end(rawRefusal(status, reason))
  })
  server.on('error', (error) => log.error(`web door: ${describeError(error)}`))

  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxSocketMessageBytes })
  const unsubscribe = router.events.subscribe((event) => {
    const message = JSON.stringify(event)
    for (const client of sockets.clients) if (client.readyState === client.OPEN) client.send(message)
  })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // The HTTP server lets go of an upgraded socket: without a listener of our own, a reset would end the process.
    socket.on('error', (error) => log.warn(`web door: event socket of ${describeRequest(req)}: ${error.message}`))
    try {
      const url = admit(req)
      if (url.pathname !== '/api/events') throw new Refusal(404, 'The only socket here is /api/events.')
      authorise(req, url)
    } catch (error) {
      const refusal = error instanceof Refusal ? error : new Refusal(400, 'The upgrade request is malformed.')
      log.warn(`web door refused the upgrade ${describeRequest(req)}: ${refusal.status} ${refusal.message}`)
      return void socket.end(rawRefusal(refusal.status, refusal.message))
    }
    sockets.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      // ws reports invalid frames (reserved bits, unmasked, oversized) as 'error' events, then closes.
      ws.on('error', (error) => log.warn(`web door: event socket closed: ${error.message}`))
      sockets.emit('connection', ws, req)
    })
  })

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolveListen()
    })
  })
  port = (server.address() as AddressInfo).port
  origin = new URL(`http://${urlHost}:${port}`).origin
  if (!isLoopback(host)) log.warn(`browser mode is listening on ${host}: anyone who can reach it and has the token can use it`)
  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    host,
    port,
    token,
    openUrl: () => `http://${urlHost}:${port}/?code=${codes.issue()}`,
    claimError: (error) => {
      const request = requests.getStore()
      if (!request) return false
      fail(request.req, request.res, error)
      return true
    },
    close: async () => {
      unsubscribe()
      for (const client of sockets.clients) client.terminate()
      sockets.close()
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
}
