import { describe, expect, it } from 'vitest'
import type { ModelCheckReport } from '../../../main/api'
import { useAppStore } from '../../../renderer/src/stores/app'
import { useModelsStore } from '../../../renderer/src/workspaces/models/stores/models'
import { FakeBridge, deferred, settle, storesOver } from './fake-bridge'
import { modelSummary } from './model-fixtures'

const report: ModelCheckReport = {
  ok: true,
  loadMs: 12,
  runMs: 1.5,
  inputs: [{ name: 'x', shape: [1, 2], dtype: 'float32' }],
  outputs: [{ name: 'p', shape: [1, 1], dtype: 'float32', finite: true, min: 0.4, max: 0.4, matchesDeclared: true }],
  problems: [],
}

describe('models store', () => {
  it('lists the packages and lists again when the models folder changes or a run finishes', async () => {
    let installed = [modelSummary('a')]
    const bridge = new FakeBridge().answer('models.list', () => ({ ok: true, value: installed }))
    storesOver(bridge)
    const models = useModelsStore()
    models.start()
    await settle()
    expect(models.loaded).toBe(true)
    expect(models.models.map((m) => m.id)).toEqual(['a'])
    installed = [...installed, modelSummary('b')]
    bridge.emit('workspace.changed', { area: 'models' })
    await settle()
    expect(models.models.map((m) => m.id)).toEqual(['a', 'b'])
    bridge.emit('workspace.changed', { area: 'settings' })
    bridge.emit('job.progress', { id: 'j', kind: 'demo.train', state: 'running', fraction: 0.5, stage: '', etaSeconds: null, createdAt: '', updatedAt: '' })
    await settle()
    expect(bridge.callsTo('models.list')).toHaveLength(2)
    bridge.emit('job.progress', { id: 'j', kind: 'demo.train', state: 'done', fraction: 1, stage: 'done', etaSeconds: null, createdAt: '', updatedAt: '' })
    await settle()
    expect(bridge.callsTo('models.list')).toHaveLength(3)
    models.stop()
    expect(bridge.listenerCount()).toBe(0)
  })

  it('loads a model card once', async () => {
    const bridge = new FakeBridge().answer('models.get', (input) => ({
      ok: true,
      value: { ...modelSummary((input as { id: string }).id), card: '# A\n\nA demo.' },
    }))
    storesOver(bridge)
    const models = useModelsStore()
    await models.loadCard('a')
    await models.loadCard('a')
    expect(models.cards.a).toBe('# A\n\nA demo.')
    expect(bridge.callsTo('models.get')).toEqual([{ id: 'a' }])
  })

  it('checks, exports and deletes, marking the model busy meanwhile and keeping each outcome', async () => {
    const checking = deferred<{ ok: true; value: ModelCheckReport }>()
    let installed = [modelSummary('a'), modelSummary('b')]
    const bridge = new FakeBridge()
      .answer('models.list', () => ({ ok: true, value: installed }))
      .answer('models.check', () => checking.promise)
      .answer('models.export', (input) => ({ ok: true, value: { path: `${(input as { path: string }).path}/a.zip` } }))
      .answer('models.delete', (input) => {
        installed = installed.filter((m) => m.id !== (input as { id: string }).id)
        return { ok: true, value: { id: (input as { id: string }).id } }
      })
    storesOver(bridge)
    const models = useModelsStore()
    await models.refresh()

    const check = models.check('a')
    expect(models.busy).toEqual({ a: 'check' })
    await models.check('a') // a second click while busy does nothing
    checking.resolve({ ok: true, value: report })
    await check
    expect(models.busy).toEqual({})
    expect(models.checks.a).toEqual(report)
    expect(bridge.callsTo('models.check')).toEqual([{ id: 'a' }])

    await models.exportTo('a', '/home/ada/exports')
    expect(bridge.callsTo('models.export')).toEqual([{ id: 'a', path: '/home/ada/exports' }])
    expect(models.exported.a).toBe('/home/ada/exports/a.zip')
    expect(models.checks.a).toEqual(report) // one action's outcome does not hide another's

    expect(await models.remove('b')).toBe(true)
    expect(models.models.map((m) => m.id)).toEqual(['a'])
  })

  it('keeps a failed action on the model card, and lets an import failure reach the dialog', async () => {
    const bridge = new FakeBridge()
      .answerValue('models.list', [])
      .answer('models.check', () => ({ ok: false, error: { code: 'UNAVAILABLE', message: 'onnxruntime-node cannot load here.' } }))
      .answer('models.import', () => ({
        ok: false,
        error: { code: 'VALIDATION', message: '/tmp/x is not a model package: model.json is missing.' },
      }))
    storesOver(bridge)
    const models = useModelsStore()
    await models.check('a')
    expect(models.failures.a).toMatchObject({ action: 'check', error: { code: 'UNAVAILABLE' } })
    expect(models.checks.a).toBeUndefined()
    await expect(models.importFrom('/tmp/x')).rejects.toMatchObject({
      code: 'VALIDATION',
      message: '/tmp/x is not a model package: model.json is missing.',
    })
    expect(useAppStore().lastError).toBeNull()
  })
})
