import type { Protocol } from 'electron'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { Readable } from 'node:stream'
import type { ResourceHandler, ResourceResponse } from '../main/api'
import { resourcePath } from '../main/app/resources'
import { contentSecurityPolicy } from '../main/app/csp'
import { contentTypeFor, resolveStaticFile } from '../main/app/static-files'
import { APP_HOST, APP_SCHEME } from './ipc-channels'

/**
 * The app:// scheme: the packaged renderer is served from out/renderer on app://percept, a secure
 * standard origin of our own, instead of file:// (which would give every page the whole disk as origin).
 */

/** Must run before the app is ready; Electron ignores later registrations. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ])
}

/** Headers every app:// response carries, errors included. */
function baseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  }
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: baseHeaders('text/plain; charset=utf-8') })
}

/**
 * Maps an app:// URL onto a file inside root, or null when the host is not ours, the path is
 * malformed or would leave root (`..`, encoded `%2e%2e%2f`, a NUL byte), or no such file exists.
 */
export async function resolveAppFile(root: string, requestUrl: string): Promise<string | null> {
  let url: URL
  try {
    url = new URL(requestUrl)
  } catch {
    return null
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null
  return resolveStaticFile(root, url.pathname)
}

/** A core resource answer as a fetch Response; files stream from disk. */
function toResponse(answer: ResourceResponse, head: boolean): Response {
  const headers = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...answer.headers }
  if (head || !answer.body) return new Response(null, { status: answer.status, headers })
  if (answer.body.kind === 'bytes') {
    const { bytes } = answer.body
    return new Response(new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength), { status: answer.status, headers })
  }
  const stream = Readable.toWeb(createReadStream(answer.body.path, { start: answer.body.start, end: answer.body.end }))
  return new Response(stream as unknown as ReadableStream<Uint8Array>, { status: answer.status, headers })
}

/** Routes app://percept/res/... to the core's resources (audio, peaks, spectrograms). */
async function serveResource(request: Request, resources: ResourceHandler | undefined): Promise<Response | null> {
  const url = new URL(request.url)
  if (url.host !== APP_HOST) return null
  const path = resourcePath(url.pathname)
  if (!path) return null
  if (!resources) return plain(404, 'Not Found')
  const method = request.method === 'HEAD' || request.method === 'POST' ? request.method : 'GET'
  const answer = await resources({
    method,
    path,
    query: url.searchParams,
    range: request.headers.get('range'),
    body: method === 'POST' && request.body ? (request.body as unknown as AsyncIterable<Uint8Array>) : null,
  })
  return toResponse(answer, method === 'HEAD')
}

/** The protocol handler itself, kept free of Electron so it can be tested with plain Request objects. */
export function createAppRequestHandler(root: string, resources?: ResourceHandler): (request: Request) => Promise<Response> {
  return async (request) => {
    const resource = await serveResource(request, resources).catch(() => plain(500, 'Internal error'))
    if (resource) return resource
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method Not Allowed')
    const file = await resolveAppFile(root, request.url)
    if (!file) return plain(404, 'Not Found')
    try {
      const headers = baseHeaders(contentTypeFor(file))
      if (request.method === 'HEAD') return new Response(null, { status: 200, headers })
      const body = await readFile(file)
      return new Response(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), { status: 200, headers })
    } catch {
      return plain(500, 'Cannot read file')
    }
  }
}

/** After ready: serve the built renderer on app://percept. */
export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, root: string, resources?: ResourceHandler): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(root, resources))
}
