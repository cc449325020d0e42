import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { PerceptBridge } from '../../../main/api'

// preload.ts against a fake contextBridge and ipcRenderer: what reaches the page, and what does not.
const h = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoked: [] as unknown[][],
  ipc: undefined as (EventEmitterLike & { invoke(...args: unknown[]): Promise<unknown> }) | undefined,
}))
interface EventEmitterLike {
  emit(channel: string, ...args: unknown[]): boolean
  listenerCount(channel: string): number
}
vi.mock('electron', async () => {
  const { EventEmitter } = await import('node:events')
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invoke: (...args: unknown[]) => {
      h.invoked.push(args)
      return Promise.resolve({ ok: true, value: 'answer' })
    },
  })
  h.ipc = ipcRenderer
  return {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => h.exposed.set(key, api) },
    ipcRenderer,
  }
})

let bridge: PerceptBridge
beforeAll(async () => {
  await import('../../../electron/preload')
  bridge = h.exposed.get('percept') as PerceptBridge
})

describe('preload bridge', () => {
  it('exposes window.percept with exactly call and on', () => {
    expect([...h.exposed.keys()]).toEqual(['percept'])
    expect(Object.keys(bridge).sort()).toEqual(['call', 'on'])
    expect(typeof bridge.call).toBe('function')
    expect(typeof bridge.on).toBe('function')
    expect(Object.values(bridge).includes(h.ipc)).toBe(false)
  })

  it('call forwards method and input over percept:call', async () => {
    const input = { key: 'theme' }
    await expect(bridge.call('settings.get', input)).resolves.toEqual({ ok: true, value: 'answer' })
    expect(h.invoked.at(-1)).toEqual(['percept:call', 'settings.get', input])
  })

  it('call refuses a method that is not a string without touching IPC', async () => {
    const before = h.invoked.length
    await expect(bridge.call(42 as unknown as string, {})).resolves.toMatchObject({ ok: false, error: { code: 'VALIDATION' } })
    expect(h.invoked).toHaveLength(before)
  })

  it('on passes only the payload of matching events, never the IPC event', () => {
    const seen: unknown[][] = []
    const off = bridge.on('job.progress', (...args: unknown[]) => seen.push(args))
    const ipcEvent = { sender: 'secret', ports: [] }
    h.ipc!.emit('percept:event', ipcEvent, { event: 'job.progress', payload: { id: 'j1', fraction: 0.5 } })
    h.ipc!.emit('percept:event', ipcEvent, { event: 'log.line', payload: { message: 'not for you' } })
    h.ipc!.emit('percept:event', ipcEvent, null)
    expect(seen).toEqual([[{ id: 'j1', fraction: 0.5 }]])
    off()
    h.ipc!.emit('percept:event', ipcEvent, { event: 'job.progress', payload: { id: 'j2' } })
    expect(seen).toHaveLength(1)
  })

  it('keeps one IPC listener however many subscriptions, and one failing listener does not stop the rest', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const got: unknown[] = []
    const offs = [
      bridge.on('log.line', () => {
        throw new Error('boom')
      }),
      bridge.on('log.line', (payload) => got.push(payload)),
      bridge.on('log.line', (payload) => got.push(payload)),
    ]
    expect(h.ipc!.listenerCount('percept:event')).toBe(1)
    h.ipc!.emit('percept:event', {}, { event: 'log.line', payload: 'x' })
    expect(got).toEqual(['x', 'x'])
    expect(errors).toHaveBeenCalledOnce()
    offs.forEach((off) => off())
    errors.mockRestore()
  })

  it('on rejects bad arguments', () => {
    expect(() => bridge.on(1 as unknown as string, () => {})).toThrow(TypeError)
    expect(() => bridge.on('log.line', 'x' as unknown as () => void)).toThrow(TypeError)
  })
})
