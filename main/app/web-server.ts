import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import type { ResourceHandler } from '../api'
import type { Logger } from '../core/logger'
import { contentSecurityPolicy } from './csp'
import { resourcePath } from './resources'
import type { Router } from './router'
import { contentTypeFor, resolveStaticFile } from './static-files'
import { cookieName, isAuthorised, isLoopback, isSameOrigin, newAccessToken, presentedToken } from './web-auth'

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
  close(): Promise<void>
}

const maxBodyBytes = 16 * 1024 * 1024

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' })
  res.end(body)
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBodyBytes) {
        reject(new Error('too large'))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/**
 * Browser mode: the built renderer and the API over HTTP + WebSocket, on loopback by default,
 * every request and socket gated by a per-launch token.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { router, log, rendererDir } = options
  const host = options.host ?? '127.0.0.1'
  const token = options.token ?? newAccessToken()
  let port = options.port ?? 0

  async function handleCall(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return send(res, 405, 'Use POST for /api/call.')
    let request: { method?: unknown; input?: unknown }
    try {
      request = JSON.parse(await readBody(req)) as typeof request
    } catch {
      return send(res, 400, 'The body must be JSON: {"method": "...", "input": {...}} (at most 16 MiB).')
    }
    const method = typeof request.method === 'string' ? request.method : ''
    const result = await router.call(method, request.input, { door: 'web' })
    send(res, 200, JSON.stringify(result), 'application/json; charset=utf-8')
  }

  async function handleResource(req: IncomingMessage, res: ServerResponse, path: string[], url: URL): Promise<void> {
    const method = req.method === 'HEAD' || req.method === 'POST' ? req.method : 'GET'
    if (!options.resources) return send(res, 404, 'No resources here.')
    const answer = await options.resources({
      method,
      path,
      query: url.searchParams,
      range: req.headers.range ?? null,
      body: method === 'POST' ? req : null,
    })
    res.writeHead(answer.status, { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...answer.headers })
    if (method === 'HEAD' || !answer.body) return void res.end()
    if (answer.body.kind === 'bytes') return void res.end(answer.body.bytes)
    const stream = createReadStream(answer.body.path, { start: answer.body.start, end: answer.body.end })
    await new Promise<void>((done, fail) => {
      stream.on('error', fail)
      res.on('close', () => {
        stream.destroy()
        done()
      })
      stream.pipe(res)
    })
  }

  async function handleStatic(url: URL, res: ServerResponse, setCookie: boolean): Promise<void> {
    const file = await resolveStaticFile(rendererDir, url.pathname)
    if (!file) return send(res, 404, `Not found: ${url.pathname}`)
    const headers: Record<string, string> = {
      'Content-Type': contentTypeFor(file),
      'Content-Security-Policy': contentSecurityPolicy,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': file.endsWith('.html') ? 'no-store' : 'private, max-age=3600',
    }
    if (setCookie) {
      headers['Set-Cookie'] = `${cookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`
    }
    res.writeHead(200, headers)
    res.end(await readFile(file))
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`)
    const presented = presentedToken(req, url, port)
    if (!isAuthorised(presented, token)) {
      return send(res, 401, 'Unauthorized: open the address that `percept serve` printed; it carries the access token.')
    }
    if (!isSameOrigin(req)) return send(res, 403, 'Cross-origin requests are refused.')
    const resource = resourcePath(url.pathname)
    const work =
      url.pathname === '/api/call'
        ? handleCall(req, res)
        : resource
          ? handleResource(req, res, resource, url)
          : req.method === 'GET' || req.method === 'HEAD'
          ? handleStatic(url, res, presented?.via === 'query')
          : Promise.resolve(send(res, 405, 'Method not allowed.'))
    work.catch((error: unknown) => {
      log.error(`web door: ${(error as Error).message}`)
      if (!res.headersSent) send(res, 500, 'Internal error; see the server log.')
      else res.destroy()
    })
  })

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 })
  const unsubscribe = router.events.subscribe((event) => {
    const message = JSON.stringify(event)
    for (const client of sockets.clients) if (client.readyState === client.OPEN) client.send(message)
  })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? host}`)
    if (url.pathname !== '/api/events' || !isAuthorised(presentedToken(req, url, port), token) || !isSameOrigin(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      return
    }
    sockets.handleUpgrade(req, socket, head, (ws: WebSocket) => sockets.emit('connection', ws, req))
  })

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolveListen())
  })
  port = (server.address() as AddressInfo).port
  if (!isLoopback(host)) log.warn(`browser mode is listening on ${host}: anyone who can reach it and has the token can use it`)
  const urlHost = host.includes(':') ? `[${host}]` : host
  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    host,
    port,
    token,
    close: async () => {
      unsubscribe()
      for (const client of sockets.clients) client.terminate()
      sockets.close()
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
}
