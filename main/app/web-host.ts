import { isIP } from 'node:net'
import { isLoopback } from './web-auth'

/**
 * The Host header check, a defence against DNS rebinding: a page from evil.example whose name is made to
 * resolve to 127.0.0.1 reaches this server as same-origin to itself, but its requests still carry
 * `Host: evil.example:<port>`. Only names that cannot be rebound get through: the address the server
 * listens on, its loopback spellings when that is loopback, and IP literals when it listens on all addresses.
 */

export type HostCheck = { ok: true } | { ok: false; status: 400 | 421; reason: string }

/** `127.0.0.1:80`, `[::1]:80`, `localhost` -> name (lower case, no brackets) and port; null when malformed. */
export function parseHostHeader(value: string): { name: string; port: number } | null {
  let name: string
  let rest: string
  if (value.startsWith('[')) {
    const close = value.indexOf(']')
    if (close < 0) return null
    name = value.slice(1, close)
    rest = value.slice(close + 1)
    if (isIP(name) !== 6) return null
  } else {
    const colon = value.indexOf(':')
    name = colon < 0 ? value : value.slice(0, colon)
    rest = colon < 0 ? '' : value.slice(colon)
  }
  if (!/^[A-Za-z0-9.\-:]+$/.test(name)) return null
  if (rest === '') return { name: name.toLowerCase(), port: 80 }
  if (!/^:\d{1,5}$/.test(rest)) return null
  const port = Number(rest.slice(1))
  return port <= 65535 ? { name: name.toLowerCase(), port } : null
}

const loopbackNames = ['localhost', '127.0.0.1', '::1']
const wildcardHosts = new Set(['0.0.0.0', '::', ''])

/** The Host check for a server listening on `listenHost:port`. */
export function hostChecker(listenHost: string, port: () => number): (header: string | undefined) => HostCheck {
  const listening = listenHost.toLowerCase().replace(/^\[(.*)\]$/, '$1')
  const names = new Set([listening, ...(isLoopback(listening) ? loopbackNames : [])])
  const anyAddress = wildcardHosts.has(listening)
  return (header) => {
    if (header === undefined || header === '') return { ok: false, status: 400, reason: 'The request has no Host header.' }
    const parsed = parseHostHeader(header)
    if (!parsed) return { ok: false, status: 400, reason: 'The Host header is malformed.' }
    const known = names.has(parsed.name) || (anyAddress && (isIP(parsed.name) !== 0 || parsed.name === 'localhost'))
    if (known && parsed.port === port()) return { ok: true }
    return { ok: false, status: 421, reason: `This server answers only to its own address (${listening || 'any address'}, port ${port()}), not to the Host given.` }
  }
}
