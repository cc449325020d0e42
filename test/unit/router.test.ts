import { describe, expect, it } from 'vitest'
import type { PerceptEvent } from '../../main/api'
import { Router, type Handlers } from '../../main/app/router'
import { EventBus } from '../../main/core/event-bus'
import { PerceptError } from '../../main/core/errors'
import { Logger } from '../../main/core/logger'

function makeRouter(overrides: Partial<Record<keyof Handlers, (input: never) => unknown>>): Router {
  const bus = new EventBus()
  const notUsed = () => {
    throw new Error('not used in this test')
  }
  const handlers = {
    'app.info': notUsed,
    'workspace.info': notUsed,
    'settings.get': notUsed,
    'settings.set': notUsed,
    'jobs.list': notUsed,
    ...overrides,
  } as unknown as Handlers
  return new Router(handlers, bus, new Logger(null, 'test', true))
}

describe('Router', () => {
  it('refuses an unknown method with UNKNOWN_METHOD', async () => {
    const result = await makeRouter({}).call('no.such', {}, { door: 'test' })
    expect(result).toEqual({ ok: false, error: { code: 'UNKNOWN_METHOD', message: 'There is no API method "no.such".' } })
  })

  it('does not treat inherited object keys as methods', async () => {
    const result = await makeRouter({}).call('constructor', {}, { door: 'test' })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.code).toBe('UNKNOWN_METHOD')
  })

  it('rejects input that breaks the schema, naming the field', async () => {
    let called = false
    const router = makeRouter({ 'settings.get': () => ((called = true), { key: 'theme', value: 'dark' }) })
    const result = await router.call('settings.get', { key: 'colour' }, { door: 'test' })
    expect(called).toBe(false)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.error.code).toBe('VALIDATION')
    expect(result.error.message).toMatch(/^Invalid input for settings\.get: key: /)
    expect(Array.isArray((result.error.details as { issues: unknown[] }).issues)).toBe(true)
  })

  it('rejects unexpected extra fields (strict inputs)', async () => {
    const router = makeRouter({ 'jobs.list': () => [] })
    const result = await router.call('jobs.list', { state: 'running' }, { door: 'test' })
    expect(result.ok ? 'ok' : result.error.code).toBe('VALIDATION')
  })

  it('passes a handler\'s PerceptError through with its code and message', async () => {
    const router = makeRouter({
      'settings.get': () => {
        throw new PerceptError('NOT_FOUND', 'No such thing: look elsewhere.')
      },
    })
    expect(await router.call('settings.get', { key: 'theme' }, { door: 'test' })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No such thing: look elsewhere.' },
    })
  })

  it('turns an unexpected exception into INTERNAL with the method named', async () => {
    const router = makeRouter({
      'jobs.list': () => {
        throw new TypeError('x is undefined')
      },
    })
    expect(await router.call('jobs.list', {}, { door: 'test' })).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'jobs.list failed: x is undefined' },
    })
  })

  it('refuses to pass on an output that breaks the contract', async () => {
    const router = makeRouter({ 'jobs.list': () => [{ id: 1 }] })
    const result = await router.call('jobs.list', {}, { door: 'test' })
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.error.message).toMatch(/^jobs\.list returned a malformed result: 0\.id/)
  })

  it('returns the parsed output and hands the context to the handler', async () => {
    let door = ''
    const router = makeRouter({
      'settings.get': ((_input: unknown, context: { door: string }) => {
        door = context.door
        return { key: 'theme', value: 'dark' }
      }) as never,
    })
    expect(await router.call('settings.get', { key: 'theme' }, { door: 'web' })).toEqual({
      ok: true,
      value: { key: 'theme', value: 'dark' },
    })
    expect(door).toBe('web')
  })
})

describe('EventBus', () => {
  it('delivers validated events to every subscriber until they unsubscribe', () => {
    const bus = new EventBus()
    const a: PerceptEvent[] = []
    const b: PerceptEvent[] = []
    const offA = bus.subscribe((e) => a.push(e))
    bus.subscribe((e) => b.push(e))
    bus.emit('workspace.changed', { area: 'settings', key: 'theme' })
    offA()
    bus.emit('workspace.changed', { area: 'jobs' })
    expect(a).toEqual([{ event: 'workspace.changed', payload: { area: 'settings', key: 'theme' } }])
    expect(b.map((e) => e.payload)).toEqual([{ area: 'settings', key: 'theme' }, { area: 'jobs' }])
  })

  it('refuses a malformed payload and keeps delivering when one listener throws', () => {
    const bus = new EventBus()
    const got: string[] = []
    bus.subscribe(() => {
      throw new Error('closed socket')
    })
    bus.subscribe((e) => got.push(e.event))
    expect(() => bus.emit('workspace.changed', { area: 'nowhere' } as never)).toThrow()
    bus.emit('log.line', { level: 'info', source: 't', message: 'm', time: new Date().toISOString() })
    expect(got).toEqual(['log.line'])
  })
})
