import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** A fresh secret per launch: whoever has the printed URL may use the app, nobody else on the machine. */
export function newAccessToken(): string {
  return randomBytes(24).toString('base64url')
}

export function cookieName(port: number): string {
  // Cookies ignore ports, so two servers on one host need distinct names.
  return `percept_token_${port}`
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return decodeURIComponent(rest.join('='))
  }
  return null
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export interface PresentedToken {
  token: string
  /** Where it came from: a query token on a page load is turned into a cookie. */
  via: 'query' | 'header' | 'cookie'
}

/** Finds the token a request presents: ?token=, Authorization: Bearer, or the cookie set on first load. */
export function presentedToken(req: IncomingMessage, url: URL, port: number): PresentedToken | null {
  const query = url.searchParams.get('token')
  if (query) return { token: query, via: 'query' }
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return { token: auth.slice(7).trim(), via: 'header' }
  const cookie = readCookie(req.headers.cookie, cookieName(port))
  return cookie ? { token: cookie, via: 'cookie' } : null
}

export function isAuthorised(presented: PresentedToken | null, expected: string): boolean {
  return presented !== null && sameSecret(presented.token, expected)
}

/** Browsers send Origin on cross-site requests; only our own origin may call the API or open the socket. */
export function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin
  if (!origin) return true
  try {
    return new URL(origin).host === req.headers.host
  } catch {
    return false
  }
}

const loopbackHosts = new Set(['127.0.0.1', '::1', 'localhost'])
export function isLoopback(host: string): boolean {
  return loopbackHosts.has(host) || host.startsWith('127.')
}
