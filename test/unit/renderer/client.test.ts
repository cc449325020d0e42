import { describe, expect, it } from 'vitest'
import { ApiClient, ApiError, toApiError } from '../../../renderer/src/api/client'
import { FakeBridge } from './fake-bridge'

describe('ApiClient', () => {
  it('answers the value of an ok result and sends {} when a method needs no input', async () => {
    const bridge = new FakeBridge().answerValue('workspace.info', {
      path: '/home/ada/percept',
      schemaVersion: 3,
      folders: { datasets: '/d', models: '/m', runs: '/r', cache: '/c' },
    })
    const api = new ApiClient(bridge, 'web')
    const info = await api.call('workspace.info')
    expect(info.schemaVersion).toBe(3)
    expect(info.folders.models).toBe('/m')
    expect(bridge.calls).toEqual([{ method: 'workspace.info', input: {} }])
  })

  it('passes the input through unchanged', async () => {
    const bridge = new FakeBridge().answerValue('settings.set', { key: 'theme', value: 'dark' })
    const api = new ApiClient(bridge, 'electron')
    await expect(api.call('settings.set', { key: 'theme', value: 'dark' })).resolves.toEqual({ key: 'theme', value: 'dark' })
    expect(bridge.callsTo('settings.set')).toEqual([{ key: 'theme', value: 'dark' }])
  })

  it('throws an ApiError carrying the wire code, message and details on {ok:false}', async () => {
    const details = { issues: [{ path: ['value'], message: 'Invalid option' }] }
    const bridge = new FakeBridge().answer('settings.set', () => ({
      ok: false,
      error: { code: 'VALIDATION', message: 'Invalid input for settings.set: value: Invalid option.', details },
    }))
    const api = new ApiClient(bridge, 'web')
    const error = await api.call('settings.set', { key: 'theme', value: 'purple' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toBeInstanceOf(Error)
    const apiError = error as ApiError
    expect(apiError.code).toBe('VALIDATION')
    expect(apiError.message).toBe('Invalid input for settings.set: value: Invalid option.')
    expect(apiError.details).toEqual(details)
    expect(apiError.method).toBe('settings.set')
    expect(apiError.name).toBe('ApiError')
  })

  it('turns a door that rejects into an UNAVAILABLE ApiError and a malformed answer into INTERNAL', async () => {
    const bridge = new FakeBridge()
      .answer('app.info', () => Promise.reject(new Error('IPC channel closed')))
      .answer('jobs.list', () => ({ nonsense: true }) as never)
    const api = new ApiClient(bridge, 'electron')
    await expect(api.call('app.info')).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('IPC channel closed') })
    await expect(api.call('jobs.list', {})).rejects.toMatchObject({ code: 'INTERNAL', method: 'jobs.list' })
  })

  it('delivers events to typed listeners until unsubscribed', () => {
    const bridge = new FakeBridge()
    const api = new ApiClient(bridge, 'web')
    const areas: string[] = []
    const off = api.on('workspace.changed', (change) => areas.push(change.area))
    bridge.emit('workspace.changed', { area: 'settings', key: 'theme' })
    off()
    bridge.emit('workspace.changed', { area: 'jobs' })
    expect(areas).toEqual(['settings'])
    expect(bridge.listenerCount()).toBe(0)
  })

  it('reports a bridge without a connection channel (Electron) as always connected', () => {
    const plain = { call: () => Promise.resolve({ ok: true as const, value: null }), on: () => () => {} }
    const api = new ApiClient(plain, 'electron')
    expect(api.connection).toBe('connected')
    expect(typeof api.onConnectionChange(() => {})).toBe('function')
  })

  it('toApiError keeps typed errors and wraps anything else as INTERNAL', () => {
    const typed = new ApiError('NOT_FOUND', 'No job 7.', 'jobs.get')
    expect(toApiError(typed)).toBe(typed)
    expect(toApiError(new Error('boom'), 'x')).toMatchObject({ code: 'INTERNAL', message: 'boom', method: 'x' })
  })
})
