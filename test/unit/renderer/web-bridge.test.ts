import { describe, expect, it } from 'vitest'
import type { ConnectionState } from '../../../renderer/src/api/client'
import {
  WebBridge,
  eventSocketUrl,
  reconnectDelay,
  tokenQuery,
  type FetchLike,
  type SocketHandlers,
  type Timers,
} from '../../../renderer/src/api/web-bridge'

/** Timers the test advances by hand. */
class ManualTimers implements Timers {
  private next = 1
  readonly pending = new Map<number, { callback: () => void; ms: number }>()
  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++
    this.pending.set(id, { callback, ms })
    return id
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number)
  }
  delays(): number[] {
    return [...this.pending.values()].map((timer) => timer.ms)
  }
  runAll(): void {
    const due = [...this.pending.entries()]
    this.pending.clear()
    for (const [, timer] of due) timer.callback()
  }
}

/** Sockets that the test opens, closes and feeds. */
class SocketLab {
  readonly opened: Array<{ url: string; handlers: SocketHandlers; closedByBridge: boolean }> = []
  readonly open = (url: string, handlers: SocketHandlers) => {
    const record = { url, handlers, closedByBridge: false }
    this.opened.push(record)
    return {
      close: () => {
        record.closedByBridge = true
        handlers.close()
      },
    }
  }
  get last() {
    const socket = this.opened.at(-1)
    if (!socket) throw new Error('no socket opened')
    return socket
  }
}

const location = { protocol: 'http:', host: '127.0.0.1:4321', search: '?token=s3cr%2Bt' }

function bridgeWith(fetch: FetchLike, search = location.search) {
  const timers = new ManualTimers()
  const sockets = new SocketLab()
  const bridge = new WebBridge({
    location: { ...location, search },
    fetch,
    openSocket: sockets.open,
    timers,
    backoff: { initialMs: 100, maxMs: 1000 },
  })
  const states: ConnectionState[] = []
  bridge.onConnectionChange((state) => states.push(state))
  return { bridge, timers, sockets, states }
}

const noFetch: FetchLike = () => Promise.reject(new Error('not used'))

describe('web bridge URLs', () => {
  it('carries the page token (re-encoded) to the API and the event socket', () => {
    expect(tokenQuery('?token=s3cr%2Bt')).toBe('?token=s3cr%2Bt')
    expect(tokenQuery('?other=1')).toBe('')
    expect(tokenQuery('')).toBe('')
    expect(eventSocketUrl(location)).toBe('ws://127.0.0.1:4321/api/events?token=s3cr%2Bt')
    expect(eventSocketUrl({ protocol: 'https:', host: 'box:9', search: '' })).toBe('wss://box:9/api/events')
  })

  it('backs off 100, 200, 400 … up to the cap', () => {
    expect([0, 1, 2, 3, 4, 10, 100].map((attempt) => reconnectDelay(attempt, 100, 1000))).toEqual([
      100, 200, 400, 800, 1000, 1000, 1000,
    ])
    expect(reconnectDelay(0)).toBe(500)
  })
})

describe('WebBridge.call', () => {
  it('POSTs {method, input} as JSON to /api/call with the token and answers the CallResult', async () => {
    const requests: Array<{ url: string; init: Parameters<FetchLike>[1] }> = []
    const fetch: FetchLike = async (url, init) => {
      requests.push({ url, init })
      return { status: 200, json: async () => ({ ok: true, value: { key: 'theme', value: 'dark' } }) }
    }
    const { bridge } = bridgeWith(fetch)
    await expect(bridge.call('settings.get', { key: 'theme' })).resolves.toEqual({ ok: true, value: { key: 'theme', value: 'dark' } })
    expect(requests).toHaveLength(1)
    expect(requests[0]?.url).toBe('/api/call?token=s3cr%2Bt')
    expect(requests[0]?.init.method).toBe('POST')
    expect(requests[0]?.init.credentials).toBe('same-origin')
    expect(requests[0]?.init.headers['content-type']).toBe('application/json')
    expect(JSON.parse(requests[0]?.init.body ?? '')).toEqual({ method: 'settings.get', input: { key: 'theme' } })
  })

  it('sends a last call as the page goes with keepalive (within the browser\'s 64 KiB), answering nothing', async () => {
    const requests: Array<{ url: string; init: Parameters<FetchLike>[1] }> = []
    const { bridge } = bridgeWith(async (url, init) => {
      requests.push({ url, init })
      return { status: 200, json: async () => ({ ok: true, value: null }) }
    })
    bridge.callBeforeUnload('audio.editor.save', { state: { tabs: [] } })
    bridge.callBeforeUnload('audio.editor.save', { state: { note: 'x'.repeat(70_000) } })
    expect(requests.map((r) => [r.url, r.init.keepalive])).toEqual([
      ['/api/call?token=s3cr%2Bt', true],
      ['/api/call?token=s3cr%2Bt', false],
    ])
    expect(JSON.parse(requests[0]!.init.body)).toEqual({ method: 'audio.editor.save', input: { state: { tabs: [] } } })
    // A door that is already gone raises nothing: the page is leaving.
    const gone = bridgeWith(async () => Promise.reject(new TypeError('Failed to fetch')))
    expect(() => gone.bridge.callBeforeUnload('audio.editor.save', {})).not.toThrow()
  })

  it('passes a typed error envelope through untouched (HTTP 200)', async () => {
    const envelope = { ok: false, error: { code: 'NOT_FOUND', message: 'No such job.' } }
    const { bridge } = bridgeWith(async () => ({ status: 200, json: async () => envelope }))
    await expect(bridge.call('jobs.list', {})).resolves.toEqual(envelope)
  })

  it('answers UNAUTHORIZED for a 401 and UNAVAILABLE when the server cannot be reached', async () => {
    const refused = bridgeWith(async () => ({ status: 401, json: async () => Promise.reject(new SyntaxError('not JSON')) }), '')
    const answer = await refused.bridge.call('app.info', {})
    expect(answer).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })

    const gone = bridgeWith(async () => Promise.reject(new TypeError('Failed to fetch')))
    const offline = await gone.bridge.call('app.info', {})
    expect(offline).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', message: expect.stringContaining('Failed to fetch') } })
  })

  it('answers INTERNAL when the server sends something that is not a call result', async () => {
    const { bridge } = bridgeWith(async () => ({ status: 500, json: async () => ({ error: 'nope' }) }))
    await expect(bridge.call('app.info', {})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('500') } })
  })
})

describe('WebBridge events and connection', () => {
  it('dispatches {event, payload} frames to the listeners of that event only', () => {
    const { bridge, sockets } = bridgeWith(noFetch)
    const progress: unknown[] = []
    const logs: unknown[] = []
    const off = bridge.on('job.progress', (payload) => progress.push(payload))
    bridge.on('log.line', (payload) => logs.push(payload))
    expect(sockets.opened).toHaveLength(1) // the first subscription opens the socket
    expect(sockets.last.url).toBe('ws://127.0.0.1:4321/api/events?token=s3cr%2Bt')
    sockets.last.handlers.open()
    sockets.last.handlers.message(JSON.stringify({ event: 'job.progress', payload: { id: 'j1', fraction: 0.5 } }))
    sockets.last.handlers.message('not json at all')
    sockets.last.handlers.message(JSON.stringify({ payload: 'no event name' }))
    off()
    sockets.last.handlers.message(JSON.stringify({ event: 'job.progress', payload: { id: 'j1', fraction: 0.6 } }))
    expect(progress).toEqual([{ id: 'j1', fraction: 0.5 }])
    expect(logs).toEqual([])
  })

  it('keeps dispatching when one listener throws', () => {
    const { bridge, sockets } = bridgeWith(noFetch)
    const seen: unknown[] = []
    const quiet = console.error
    console.error = () => {}
    try {
      bridge.on('log.line', () => {
        throw new Error('listener bug')
      })
      bridge.on('log.line', (payload) => seen.push(payload))
      sockets.last.handlers.message(JSON.stringify({ event: 'log.line', payload: 1 }))
    } finally {
      console.error = quiet
    }
    expect(seen).toEqual([1])
  })

  it('reconnects with growing delays, resets them once connected, and reports each state', () => {
    const { bridge, sockets, timers, states } = bridgeWith(noFetch)
    bridge.connect()
    expect(bridge.connection).toBe('connecting')
    sockets.last.handlers.open()
    expect(bridge.connection).toBe('connected')

    sockets.last.handlers.close() // the server went away
    expect(bridge.connection).toBe('reconnecting')
    expect(timers.delays()).toEqual([100])
    timers.runAll()
    expect(sockets.opened).toHaveLength(2)
    sockets.last.handlers.close() // still down
    expect(timers.delays()).toEqual([200])
    timers.runAll()
    sockets.last.handlers.close()
    expect(timers.delays()).toEqual([400])
    timers.runAll()
    sockets.last.handlers.open() // back
    expect(bridge.connection).toBe('connected')
    sockets.last.handlers.close()
    expect(timers.delays()).toEqual([100]) // backoff starts over

    expect(states).toEqual(['connected', 'reconnecting', 'connected', 'reconnecting'])
  })

  it('delivers events on the new socket after a reconnect', () => {
    const { bridge, sockets, timers } = bridgeWith(noFetch)
    const seen: unknown[] = []
    bridge.on('workspace.changed', (payload) => seen.push(payload))
    sockets.last.handlers.open()
    sockets.last.handlers.close()
    timers.runAll()
    sockets.last.handlers.open()
    sockets.last.handlers.message(JSON.stringify({ event: 'workspace.changed', payload: { area: 'jobs' } }))
    expect(seen).toEqual([{ area: 'jobs' }])
  })

  it('dispose closes the socket, cancels a pending retry and stops reconnecting', () => {
    const { bridge, sockets, timers, states } = bridgeWith(noFetch)
    bridge.connect()
    sockets.last.handlers.open()
    sockets.last.handlers.close()
    expect(timers.pending.size).toBe(1)
    bridge.dispose()
    expect(timers.pending.size).toBe(0)
    expect(bridge.connection).toBe('closed')

    const again = bridgeWith(noFetch)
    again.bridge.connect()
    again.sockets.last.handlers.open()
    again.bridge.dispose()
    expect(again.sockets.last.closedByBridge).toBe(true)
    expect(again.timers.pending.size).toBe(0)
    again.bridge.connect()
    expect(again.sockets.opened).toHaveLength(1)
    expect(states.at(-1)).toBe('closed')
  })

  it('treats a socket that cannot even be constructed as a drop and retries', () => {
    const timers = new ManualTimers()
    let tries = 0
    const bridge = new WebBridge({
      location,
      fetch: noFetch,
      openSocket: () => {
        tries++
        throw new Error('SecurityError')
      },
      timers,
      backoff: { initialMs: 100, maxMs: 1000 },
    })
    bridge.connect()
    expect(bridge.connection).toBe('reconnecting')
    timers.runAll()
    expect(tries).toBe(2)
    expect(timers.delays()).toEqual([200])
    bridge.dispose()
  })
})
