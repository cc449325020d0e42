import type { BrowserWindow, IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import type { CallResult, PerceptEvent } from '../main/api'
import type { Router } from '../main/app/router'
import type { EventBus } from '../main/core/event-bus'
import { CALL_CHANNEL, EVENT_CHANNEL } from './ipc-channels'
import { originOf } from './navigation-guard'

/**
 * The Electron door: one invoke channel for calls, one send channel for events. Every call is checked
 * against its sender frame, because any frame that somehow loads in a window could otherwise reach the core.
 */

export interface SenderPolicy {
  /** Origins whose pages may call: app://percept, plus the dev server's in development. */
  allowedOrigins: readonly string[]
  /** Whether the webContents is one of our own windows. */
  isTrustedContents(contents: WebContents): boolean
}

type SenderEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>

/** Null when the sender may call, else why not (for the log and the error message). */
export function rejectSender(event: SenderEvent, policy: SenderPolicy): string | null {
  const frame = event.senderFrame
  if (!frame) return 'the calling frame is gone'
  const origin = originOf(frame.url)
  if (origin === null || !policy.allowedOrigins.includes(origin)) {
    return `a page at ${origin ?? JSON.stringify(frame.url)} is not the workbench`
  }
  if (!policy.isTrustedContents(event.sender)) return 'the caller is not a workbench window'
  return null
}

export interface IpcBridgeOptions extends SenderPolicy {
  router: Pick<Router, 'call'>
  /** Told about every refused call (the log). */
  onRejected?(reason: string, method: unknown): void
}

/** The handler behind 'percept:call'; never throws, always answers with a CallResult. */
export function createCallHandler(
  options: IpcBridgeOptions,
): (event: SenderEvent, method: unknown, input: unknown) => Promise<CallResult<unknown>> {
  return async (event, method, input) => {
    const reason = rejectSender(event, options)
    if (reason !== null) {
      options.onRejected?.(reason, method)
      return { ok: false, error: { code: 'UNAUTHORIZED', message: `Call refused: ${reason}.` } }
    }
    if (typeof method !== 'string') {
      return { ok: false, error: { code: 'VALIDATION', message: 'The method name must be a string.' } }
    }
    try {
      return await options.router.call(method, input, { door: 'electron' })
    } catch (error) {
      // Router.call never throws; this guards against a broken router all the same.
      return { ok: false, error: { code: 'INTERNAL', message: `${method} failed: ${(error as Error).message}` } }
    }
  }
}

/** Registers the call channel; the returned function removes it again. */
export function registerIpcBridge(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, options: IpcBridgeOptions): () => void {
  ipcMain.handle(CALL_CHANNEL, createCallHandler(options))
  return () => ipcMain.removeHandler(CALL_CHANNEL)
}

type EventTarget = Pick<BrowserWindow, 'once'> & { webContents: Pick<WebContents, 'send' | 'isDestroyed'> }

/** Pushes every core event to the window until it closes. Returns the unsubscribe function. */
export function forwardEvents(events: Pick<EventBus, 'subscribe'>, window: EventTarget): () => void {
  const contents = window.webContents
  const unsubscribe = events.subscribe((event: PerceptEvent) => {
    if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, event)
  })
  window.once('closed', () => unsubscribe())
  return unsubscribe
}
