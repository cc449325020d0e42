import type { Protocol } from 'electron'
import { readFile } from 'node:fs/promises'
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
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
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

/** The protocol handler itself, kept free of Electron so it can be tested with plain Request objects. */
export function createAppRequestHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
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
export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, root: string): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(root))
}
