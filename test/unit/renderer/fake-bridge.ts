import { createPinia, setActivePinia, type Pinia } from 'pinia'
import { createApp } from 'vue'
import type { CallResult } from '../../../main/api'
import { ApiClient, type ConnectionState, type RendererBridge } from '../../../renderer/src/api/client'
import { apiKey } from '../../../renderer/src/api/inject'

type Handler = (input: unknown) => CallResult<unknown> | Promise<CallResult<unknown>>

/** A door in memory: scripted answers per method, events and connection changes pushed by the test. */
export class FakeBridge implements RendererBridge {
  readonly calls: Array<{ method: string; input: unknown }> = []
  private readonly handlers = new Map<string, Handler>()
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>()
  private readonly connectionListeners = new Set<(state: ConnectionState) => void>()
  connection: ConnectionState = 'connected'

  answer(method: string, handler: Handler): this {
    this.handlers.set(method, handler)
    return this
  }

  /** Answers `value` as a successful result. */
  answerValue(method: string, value: unknown): this {
    return this.answer(method, () => ({ ok: true, value }))
  }

  async call(method: string, input: unknown): Promise<CallResult<unknown>> {
    this.calls.push({ method, input })
    const handler = this.handlers.get(method)
    if (!handler) return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `There is no API method "${method}".` } }
    return handler(input)
  }

  on(event: string, listener: (payload: unknown) => void): () => void {
    const set = this.listeners.get(event) ?? new Set()
    this.listeners.set(event, set)
    set.add(listener)
    return () => set.delete(listener)
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener)
    return () => this.connectionListeners.delete(listener)
  }

  emit(event: string, payload: unknown): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(payload)
  }

  setConnection(state: ConnectionState): void {
    this.connection = state
    for (const listener of [...this.connectionListeners]) listener(state)
  }

  listenerCount(event?: string): number {
    if (event) return this.listeners.get(event)?.size ?? 0
    let total = this.connectionListeners.size
    for (const set of this.listeners.values()) total += set.size
    return total
  }

  callsTo(method: string): unknown[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.input)
  }
}

/** A Pinia whose stores get `bridge` (through an ApiClient) the way main.ts hands it down. */
export function storesOver(bridge: RendererBridge): { api: ApiClient; pinia: Pinia } {
  const api = new ApiClient(bridge, 'web')
  const app = createApp({})
  const pinia = createPinia()
  app.provide(apiKey, api)
  app.use(pinia)
  setActivePinia(pinia)
  return { api, pinia }
}

/** Lets pending promise callbacks (a fake call's answer and what follows it) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}

/** A promise the test resolves when it likes, to hold a call in flight. */
export function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((done) => {
    resolve = done
  })
  return { promise, resolve }
}
