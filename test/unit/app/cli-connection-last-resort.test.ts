import { afterEach, describe, expect, it, vi } from 'vitest'
import { connectWorkspace } from '../../../main/app/cli-connection'
import type { PerceptApp } from '../../../main/app/compose'
import { tempHome } from '../../helpers/temp-home'

const home = tempHome('percept-cli-connection-')
afterEach(() => home.cleanup())

describe('a command that opens the workspace itself', () => {
  it('holds a last resort for its in-process jobs while the workspace is open, and lets go on close', () => {
    const close = vi.fn()
    const app = { log: { error: vi.fn() }, jobs: { runningIds: () => [], shutdown: vi.fn() }, close, router: {} } as unknown as PerceptApp
    const before = [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')]
    const client = connectWorkspace(home.home, { openLocal: () => app })
    expect(client.where).toBe('this process')
    expect([process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')]).toEqual(before.map((n) => n + 1))
    client.close()
    expect(close).toHaveBeenCalledOnce()
    expect([process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')]).toEqual(before)
  })
})
