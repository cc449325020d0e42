import { STATUS_CODES, type IncomingMessage } from 'node:http'

/** A request the web door refuses: the status and a short reason for the client and the log. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

function hasBadEscapes(text: string): boolean {
  try {
    decodeURIComponent(text.replace(/\+/g, ' '))
    return false
  } catch {
    return true
  }
}

/**
 * The request target as a URL under our own origin. Only origin-form targets (`/path?query`) are served,
 * and malformed percent-encoding anywhere in them is refused here, once, rather than met by each reader.
 */
export function parseTarget(target: string | undefined, origin: string): URL {
  if (!target?.startsWith('/')) throw new Refusal(400, 'The request target must be a path starting with /.')
  let url: URL
  try {
    // Concatenated, not resolved against a base: a target such as //evil must stay a path.
    url = new URL(origin + target)
  } catch {
    throw new Refusal(400, 'The request target is not a valid URL path.')
  }
  if (url.origin !== origin) throw new Refusal(400, 'The request target is not a valid URL path.')
  if (hasBadEscapes(url.pathname) || url.search.slice(1).split('&').some(hasBadEscapes)) {
    throw new Refusal(400, 'The request target has malformed percent-encoding.')
  }
  return url
}

/** `GET /res/a from 127.0.0.1` for the log: no query (it may hold the token), short, control characters escaped. */
export function describeRequest(req: IncomingMessage): string {
  const path = (req.url ?? '').split('?')[0]!.slice(0, 120)
  const safe = JSON.stringify(path).slice(1, -1)
  return `${String(req.method).slice(0, 16)} ${safe} from ${req.socket.remoteAddress ?? 'an unknown address'}`
}

/** A complete HTTP/1.1 refusal for a raw socket (an upgrade or a request the parser could not read), closing it. */
export function rawRefusal(status: number, reason: string): string {
  const body = Buffer.from(reason + '\n')
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${body.length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body.toString()}`
  )
}
