import { describe, expect, it } from 'vitest'
import type { AppInfo } from '../../../main/api'
import { useAppStore } from '../../../renderer/src/stores/app'
import { FakeBridge, settle, storesOver } from './fake-bridge'

const info: AppInfo = {
  name: 'Percept Workbench',
  version: '0.1.0',
  node: '20.19.0',
  electron: null,
  onnxruntime: '1.30.0',
  tfBackends: ['wasm', 'cpu'],
  tfBackend: 'wasm',
  workspace: '/home/ada/.percept',
  door: 'web',
}

describe('app store', () => {
  it('loads app.info and follows the connection state', async () => {
    const bridge = new FakeBridge().answerValue('app.info', info)
    storesOver(bridge)
    const app = useAppStore()
    app.start()
    await settle()
    expect(app.info?.tfBackend).toBe('wasm')
    expect(app.connection).toBe('connected')
    bridge.setConnection('reconnecting')
    expect(app.connection).toBe('reconnecting')
    app.stop()
    bridge.setConnection('connected')
    expect(app.connection).toBe('reconnecting')
    expect(bridge.listenerCount()).toBe(0)
  })

  it('keeps the error when app.info fails, and loads it once the door is back', async () => {
    let reachable = false
    const bridge = new FakeBridge().answer('app.info', () =>
      reachable ? { ok: true, value: info } : { ok: false, error: { code: 'UNAVAILABLE', message: 'Cannot reach the Percept server.' } },
    )
    bridge.connection = 'connecting'
    storesOver(bridge)
    const app = useAppStore()
    app.start()
    await settle()
    expect(app.info).toBeNull()
    expect(app.lastError).toMatchObject({ code: 'UNAVAILABLE', message: 'Cannot reach the Percept server.', method: 'app.info' })
    reachable = true
    bridge.setConnection('connected')
    await settle()
    expect(app.info?.version).toBe('0.1.0')
    app.stop()
  })
})
