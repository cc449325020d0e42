import { connect } from 'node:net'

export interface RawAnswer {
  /** The status of the first response, or null when none came. */
  status: number | null
  /** Everything the server sent, as latin1 text (binary frames stay readable byte for byte). */
  text: string
  bytes: Buffer
  /** True when the server closed the connection within the wait. */
  closed: boolean
}

/**
 * Writes bytes to a fresh connection exactly as given (no client library to tidy them up) and collects
 * what comes back until the server closes or `waitMs` passes. `end` half-closes after writing; Node's
 * server then drops requests still in progress unanswered, so it suits inputs that need no answer.
 */
export function rawExchange(port: number, request: string | Uint8Array, options: { end?: boolean; waitMs?: number; host?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolveAnswer) => {
    const socket = connect(port, options.host ?? '127.0.0.1')
    const chunks: Buffer[] = []
    let settled = false
    const finish = (closed: boolean): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      const bytes = Buffer.concat(chunks)
      const text = bytes.toString('latin1')
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(text)
      resolveAnswer({ status: match ? Number(match[1]) : null, text, bytes, closed })
    }
    const timer = setTimeout(() => finish(false), options.waitMs ?? 3000)
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('close', () => finish(true))
    socket.on('error', () => finish(true))
    socket.on('connect', () => {
      socket.write(typeof request === 'string' ? Buffer.from(request, 'latin1') : request)
      if (options.end) socket.end()
    })
  })
}

/** A masked client WebSocket frame (RFC 6455 section 5.2), with the header bits open to damage. */
export function clientFrame(payload: Uint8Array, options: { opcode?: number; fin?: boolean; rsv?: number; masked?: boolean } = {}): Buffer {
  const { opcode = 1, fin = true, rsv = 0, masked = true } = options
  const head = [(fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f)]
  const maskBit = masked ? 0x80 : 0
  if (payload.length < 126) head.push(maskBit | payload.length)
  else if (payload.length < 65536) head.push(maskBit | 126, payload.length >> 8, payload.length & 0xff)
  else throw new Error('clientFrame: payloads past 64 KiB are not needed here')
  const mask = [0x12, 0x34, 0x56, 0x78]
  const body = Buffer.from(payload.map((byte, i) => (masked ? byte ^ mask[i % 4]! : byte)))
  return Buffer.concat([Buffer.from(head), masked ? Buffer.from(mask) : Buffer.alloc(0), body])
}

/** The status code of the first close frame the server sent after a 101 answer, or null. */
export function serverCloseCode(answer: RawAnswer): number | null {
  const start = answer.bytes.indexOf('\r\n\r\n')
  if (start < 0) return null
  let at = start + 4
  while (at + 2 <= answer.bytes.length) {
    const opcode = answer.bytes[at]! & 0x0f
    let length = answer.bytes[at + 1]! & 0x7f
    let offset = at + 2
    if (length === 126) {
      length = answer.bytes.readUInt16BE(offset)
      offset += 2
    } else if (length === 127) {
      length = Number(answer.bytes.readBigUInt64BE(offset))
      offset += 8
    }
    if (opcode === 8) return length >= 2 ? answer.bytes.readUInt16BE(offset) : null
    at = offset + length
  }
  return null
}

/** A WebSocket upgrade request; a header given as null is left out, one given replaces the default. */
export function upgradeRequest(port: number, path: string, headers: Record<string, string | null> = {}): string {
  const all: Record<string, string | null> = {
    Host: `127.0.0.1:${port}`,
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    ...headers,
  }
  const lines = Object.entries(all).flatMap(([name, value]) => (value === null ? [] : [`${name}: ${value}`]))
  return [`GET ${path} HTTP/1.1`, ...lines, '', ''].join('\r\n')
}
