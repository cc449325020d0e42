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

/**
 * Every value the Cookie header gives the named cookie. Another server on this host may set cookies
 * under our name (cookies ignore ports), so a value may be junk: undecodable ones are skipped rather
 * than thrown, and more than one is kept, so that a planted cookie cannot shadow the real one.
 */
function readCookies(header: string | undefined, name: string): string[] {
  if (!header) return []
  const values: string[] = []
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue
    try {
      values.push(decodeURIComponent(part.slice(eq + 1).trim()))
    } catch {
      // malformed percent-encoding: not our cookie
    }
  }
  return values
}

export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export interface PresentedToken {
  /** The candidates, in the order given (several only for cookies: see readCookies). */
  tokens: string[]
  /** Where they came from: a query token on a page load is turned into a cookie. */
  via: 'query' | 'header' | 'cookie'
}

/** Finds the token a request presents: ?token=, Authorization: Bearer, or the cookie set on first load. */
export function presentedToken(req: IncomingMessage, url: URL, port: number): PresentedToken | null {
  const query = url.searchParams.get('token')
  if (query) return { tokens: [query], via: 'query' }
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return { tokens: [auth.slice(7).trim()], via: 'header' }
  const cookies = readCookies(req.headers.cookie, cookieName(port))
  return cookies.length ? { tokens: cookies.slice(0, 8), via: 'cookie' } : null
}

export function isAuthorised(presented: PresentedToken | null, expected: string): boolean {
  return presented !== null && presented.tokens.some((token) => sameSecret(token, expected))
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
