import type { CallResult, ErrorCode } from '../../../main/api'
import type { ConnectionAware, ConnectionState, RendererBridge } from './client'

/** What the bridge needs of `fetch`: a JSON POST and the answer's status and body. */
export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; credentials: 'same-origin'; keepalive?: boolean },
) => Promise<{ status: number; json(): Promise<unknown> }>

export interface SocketHandlers {
  open(): void
  close(): void
  message(data: unknown): void
}

/** Opens a WebSocket and wires its events to `handlers`; returns a way to close it. */
export type SocketFactory = (url: string, handlers: SocketHandlers) => { close(): void }

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface WebBridgeOptions {
  /** The page's location: the API lives on the same origin. */
  location: { protocol: string; host: string; search: string }
  fetch: FetchLike
  openSocket: SocketFactory
  timers?: Timers
  /** Reconnect delays: initialMs, doubling up to maxMs. */
  backoff?: { initialMs: number; maxMs: number }
}

const defaultBackoff = { initialMs: 500, maxMs: 10_000 }

/** The wait before reconnect attempt `attempt` (0-based): initial, doubling, capped. */
export function reconnectDelay(attempt: number, initialMs = defaultBackoff.initialMs, maxMs = defaultBackoff.maxMs): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30))
}

/** `?token=…` taken from the page URL (where `percept serve` put it), or an empty string. */
export function tokenQuery(search: string): string {
  const token = new URLSearchParams(search).get('token')
  return token ? `?token=${encodeURIComponent(token)}` : ''
}

export function eventSocketUrl(location: WebBridgeOptions['location']): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${location.host}/api/events${tokenQuery(location.search)}`
}

function failure(code: ErrorCode, message: string): CallResult<never> {
  return { ok: false, error: { code, message } }
}

function isCallResult(value: unknown): value is CallResult<unknown> {
  return typeof value === 'object' && value !== null && 'ok' in value && typeof value.ok === 'boolean'
}

function parseEvent(data: unknown): { event: string; payload: unknown } | null {
  if (typeof data !== 'string') return null
  try {
    const message: unknown = JSON.parse(data)
    if (typeof message === 'object' && message !== null && 'event' in message && typeof message.event === 'string') {
      return { event: message.event, payload: 'payload' in message ? message.payload : undefined }
    }
  } catch {
    // a malformed frame is dropped; the next one may be fine
  }
  return null
}

/**
 * The browser-mode door (`percept serve`): calls are `POST /api/call`, events arrive over the
 * `/api/events` WebSocket, which reconnects with backoff after the server goes away.
 * The session cookie authorises same-origin requests; the page's `?token=` is appended as well.
 */
export class WebBridge implements RendererBridge, ConnectionAware {
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>()
  private readonly connectionListeners = new Set<(state: ConnectionState) => void>()
  private readonly timers: Timers
  private readonly backoff: { initialMs: number; maxMs: number }
  private socket: { close(): void } | null = null
  private retryTimer: unknown = null
  private attempt = 0
  private disposed = false
  private state: ConnectionState = 'connecting'

  constructor(private readonly options: WebBridgeOptions) {
    this.timers = options.timers ?? {
      setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>),
    }
    this.backoff = options.backoff ?? defaultBackoff
  }

  get connection(): ConnectionState {
    return this.state
  }

  /** keepalive lets the request finish after the page is gone; browsers allow such bodies up to 64 KiB. */
  callBeforeUnload(method: string, input: unknown): void {
    const body = JSON.stringify({ method, input: input ?? {} })
    void this.options
      .fetch(`/api/call${tokenQuery(this.options.location.search)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body,
        credentials: 'same-origin',
        keepalive: body.length < 60_000,
      })
      .catch(() => {})
  }

  async call(method: string, input: unknown): Promise<CallResult<unknown>> {
    const url = `/api/call${tokenQuery(this.options.location.search)}`
    let response: Awaited<ReturnType<FetchLike>>
    try {
      response = await this.options.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ method, input: input ?? {} }),
        credentials: 'same-origin',
      })
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      return failure('UNAVAILABLE', `Cannot reach the Percept server (${reason}). Is \`percept serve\` still running?`)
    }
    let body: unknown = null
    try {
      body = await response.json()
    } catch {
      body = null
    }
    if (isCallResult(body)) return body
    if (response.status === 401) {
      return failure('UNAUTHORIZED', 'The server refused this page. Open the address with the token that `percept serve` printed.')
    }
    return failure('INTERNAL', `The server answered HTTP ${response.status} without a call result.`)
  }

  on(event: string, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(event)
    if (!set) {
      set = new Set()
      this.listeners.set(event, set)
    }
    set.add(listener)
    if (!this.socket && !this.disposed && this.retryTimer === null) this.connect()
    return () => {
      set.delete(listener)
      if (set.size === 0) this.listeners.delete(event)
    }
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener)
    return () => this.connectionListeners.delete(listener)
  }

  /** Opens the event socket (once); later drops reconnect by themselves. */
  connect(): void {
    if (this.disposed || this.socket) return
    this.retryTimer = null
    let socket: { close(): void } | null = null
    let closed = false
    const onClose = () => {
      if (closed) return
      closed = true
      if (this.socket === socket) this.socket = null
      if (this.disposed) return
      this.setState('reconnecting')
      const delay = reconnectDelay(this.attempt++, this.backoff.initialMs, this.backoff.maxMs)
      this.retryTimer = this.timers.setTimeout(() => this.connect(), delay)
    }
    try {
      socket = this.options.openSocket(eventSocketUrl(this.options.location), {
        open: () => {
          if (closed || this.disposed) return
          this.attempt = 0
          this.setState('connected')
        },
        close: onClose,
        message: (data) => this.dispatch(data),
      })
      if (!closed) this.socket = socket
    } catch {
      onClose()
    }
  }

  /** Closes the socket for good and stops reconnecting. */
  dispose(): void {
    this.disposed = true
    if (this.retryTimer !== null) this.timers.clearTimeout(this.retryTimer)
    this.retryTimer = null
    const socket = this.socket
    this.socket = null
    socket?.close()
    this.setState('closed')
    this.listeners.clear()
  }

  private dispatch(data: unknown): void {
    const message = parseEvent(data)
    if (!message) return
    for (const listener of [...(this.listeners.get(message.event) ?? [])]) {
      try {
        listener(message.payload)
      } catch (error) {
        console.error(`A listener for ${message.event} failed:`, error)
      }
    }
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return
    this.state = state
    for (const listener of [...this.connectionListeners]) listener(state)
  }
}
