import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { CallResult, PerceptBridge } from '../main/api'
import { CALL_CHANNEL, EVENT_CHANNEL } from './ipc-channels'

/**
 * The whole surface the renderer gets: window.percept.call and window.percept.on. Nothing from
 * Electron crosses over: not ipcRenderer, not the IPC event object, only method results and payloads.
 * Runs sandboxed, so it may import only 'electron' and code bundled into it (no Node modules).
 */

type Listener = (payload: unknown) => void
const listeners = new Map<string, Set<Listener>>()

/** One IPC listener for all subscriptions (no MaxListeners warnings however many views subscribe). */
function dispatch(_event: IpcRendererEvent, message: unknown): void {
  if (typeof message !== 'object' || message === null) return
  const { event, payload } = message as { event?: unknown; payload?: unknown }
  if (typeof event !== 'string') return
  for (const listener of listeners.get(event) ?? []) {
    try {
      listener(payload)
    } catch (error) {
      console.error(`percept: a listener for ${event} failed`, error)
    }
  }
}
ipcRenderer.on(EVENT_CHANNEL, dispatch)

const bridge: PerceptBridge = {
  call(method: string, input: unknown): Promise<CallResult<unknown>> {
    if (typeof method !== 'string') {
      return Promise.resolve({ ok: false, error: { code: 'VALIDATION', message: 'The method name must be a string.' } })
    }
    return ipcRenderer.invoke(CALL_CHANNEL, method, input) as Promise<CallResult<unknown>>
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (typeof event !== 'string') throw new TypeError('percept.on: the event name must be a string')
    if (typeof listener !== 'function') throw new TypeError('percept.on: the listener must be a function')
    // Wrapped, so the same function subscribed twice is two subscriptions, each removed by its own unsubscribe.
    const wrapped: Listener = (payload) => listener(payload)
    let set = listeners.get(event)
    if (!set) listeners.set(event, (set = new Set()))
    set.add(wrapped)
    return () => {
      set.delete(wrapped)
    }
  },
}

contextBridge.exposeInMainWorld('percept', bridge)
