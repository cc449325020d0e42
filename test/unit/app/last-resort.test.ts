import { EventEmitter } from 'node:events'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { lastResortHandler, installLastResort, type LastResortOptions } from '../../../main/app/last-resort'
import { Logger } from '../../../main/core/logger'
import { EventBus } from '../../../main/core/event-bus'

/** A handler wired to fakes: a job store that records being interrupted, a log, stderr and exit. */
function harness(overrides: Partial<LastResortOptions> = {}) {
  const events = new EventBus()
  const logged: string[] = []
  events.subscribe((event) => {
    if (event.event === 'log.line') logged.push(`${event.payload.level} ${event.payload.message}`)
  })
  const jobs = { running: ['a', 'b'], interrupted: [] as string[] }
  const written: string[] = []
  const exits: number[] = []
  const order: string[] = []
  const options: LastResortOptions = {
    log: new Logger(events, 'test', true),
    interruptJobs: () => {
      order.push('interrupt')
      jobs.interrupted.push(...jobs.running.splice(0))
      return jobs.interrupted.length
    },
    close: () => void order.push('close'),
    write: (text, done) => {
      order.push('write')
      written.push(text)
      done()
    },
    exit: (code) => void (order.push('exit'), exits.push(code)),
    ...overrides,
  }
  return { handle: lastResortHandler(options), logged, jobs, written, exits, order }
}

afterEach(() => vi.useRealTimers())

describe('the last resort', () => {
  it('on an error nobody claims: logs it with its stack, interrupts the jobs, closes, says so and exits 1', () => {
    const h = harness()
    h.handle(new TypeError('x is undefined'), 'uncaughtException')
    expect(h.jobs.interrupted).toEqual(['a', 'b'])
    expect(h.order).toEqual(['interrupt', 'close', 'write', 'exit'])
    expect(h.exits).toEqual([1])
    expect(h.written).toEqual([
      'percept: stopped after an uncaught exception: TypeError: x is undefined. 2 running job(s) were marked interrupted; `percept jobs resume <id>` continues a resumable one from its last checkpoint.\n',
    ])
    expect(h.logged[0]).toMatch(/^error an uncaught exception; stopping\. TypeError: x is undefined\n\s+at /)
  })

  it('names an unhandled rejection, a non-error reason, and leaves out the jobs sentence when none ran', () => {
    const h = harness({ interruptJobs: () => 0 })
    h.handle('just a string', 'unhandledRejection')
    expect(h.written).toEqual(['percept: stopped after an unhandled promise rejection: just a string.\n'])
    expect(h.logged[0]).toBe('error an unhandled promise rejection; stopping. a non-error value: just a string')
  })

  it('keeps the process when a claimant owns the error: no job interrupted, no exit', () => {
    const claimed: unknown[] = []
    const error = new Error('from one request')
    const h = harness({ claimants: [() => false, (e) => (claimed.push(e), true)] })
    h.handle(error, 'uncaughtException')
    expect(claimed).toEqual([error])
    expect(h.jobs.interrupted).toEqual([])
    expect(h.exits).toEqual([])
    expect(h.logged[0]).toMatch(/^error an uncaught exception escaped from one web request, which failed; the server keeps serving\. Error: from one request/)
  })

  it('treats a claimant that throws as not claiming, and still stops when the job store fails', () => {
    const h = harness({
      claimants: [() => { throw new Error('claimant broke') }],
      interruptJobs: () => { throw new Error('database is locked') },
    })
    h.handle(new Error('boom'), 'uncaughtException')
    expect(h.exits).toEqual([1])
    expect(h.logged.some((l) => l.startsWith('error could not mark the running jobs interrupted (the next start will): Error: database is locked'))).toBe(true)
  })

  it('ends at once on a second error while stopping', () => {
    const h = harness({ write: () => {} })
    vi.useFakeTimers()
    h.handle(new Error('first'), 'uncaughtException')
    expect(h.exits).toEqual([]) // waiting for the message to be written
    h.handle(new Error('second'), 'unhandledRejection')
    expect(h.exits).toEqual([1])
    expect(h.jobs.interrupted).toEqual(['a', 'b'])
  })

  it('exits after 2 s even when the message cannot be written', () => {
    vi.useFakeTimers()
    const h = harness({ write: () => {} })
    h.handle(new Error('boom'), 'uncaughtException')
    vi.advanceTimersByTime(1999)
    expect(h.exits).toEqual([])
    vi.advanceTimersByTime(1)
    expect(h.exits).toEqual([1])
  })

  it('installs on the process events and removes itself', () => {
    const emitter = new EventEmitter()
    const target = emitter as NodeJS.Process
    const h = harness()
    const remove = installLastResort({ log: new Logger(null, 'test', true), interruptJobs: () => 0, write: (t, done) => done(), exit: (code) => void h.exits.push(code) }, target)
    expect(target.listenerCount('uncaughtException')).toBe(1)
    emitter.emit('unhandledRejection', new Error('r'))
    expect(h.exits).toEqual([1])
    remove()
    expect(target.listenerCount('uncaughtException') + target.listenerCount('unhandledRejection')).toBe(0)
  })
})
