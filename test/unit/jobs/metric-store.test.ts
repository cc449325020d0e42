import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { JobStore } from '../../../main/core/job-store'
import { MetricStore } from '../../../main/core/jobs/metric-store'
import { Workspace } from '../../../main/core/workspace'
import { tempHome } from '../../helpers/temp-home'

let workspace: Workspace
let cleanup: () => void
beforeEach(() => {
  let home: string
  ;({ home, cleanup } = tempHome())
  workspace = Workspace.open({ home, door: 'test' })
  new JobStore(workspace).insert({ id: 'j1', kind: 'demo.train', title: 'Demo training', input: {}, stage: 'queued', time: '2026-01-01T00:00:00.000Z' })
})
afterEach(() => {
  workspace.close()
  cleanup()
})

const points = (store: MetricStore, name: string, scope: 'step' | 'epoch') =>
  store.series('j1').find((s) => s.name === name && s.scope === scope)?.points.map((p) => [p.epoch, p.step, p.value]) ?? []

describe('metric history', () => {
  it('keeps one point per epoch and per step: a repeated report replaces the old one', () => {
    const store = new MetricStore(workspace)
    store.record('j1', { epoch: 1, step: 1, name: 'loss', value: 0.9 })
    store.record('j1', { epoch: 1, step: 2, name: 'loss', value: 0.8 })
    store.record('j1', { epoch: 1, name: 'loss', value: 0.85 })
    store.record('j1', { epoch: 1, name: 'loss', value: 0.84 })
    store.record('j1', { epoch: 2, name: 'loss', value: Number.NaN })
    expect(points(store, 'loss', 'step')).toEqual([
      [1, 1, 0.9],
      [1, 2, 0.8],
    ])
    expect(points(store, 'loss', 'epoch')).toEqual([
      [1, null, 0.84],
      [2, null, null],
    ])
    // the table itself refuses a duplicate key, whoever writes
    expect(() =>
      workspace.db
        .prepare(`INSERT INTO job_metrics (job_id, name, scope, idx, epoch, value, time) VALUES ('j1', 'loss', 'epoch', 1, 1, 0.1, 'now')`)
        .run(),
    ).toThrow(/UNIQUE constraint failed/)
  })

  it('drops what lies after a checkpoint\'s epoch, for a resumed run to write again', () => {
    const store = new MetricStore(workspace)
    for (let epoch = 1; epoch <= 4; epoch++) {
      store.record('j1', { epoch, name: 'acc', value: epoch / 10 })
      store.record('j1', { epoch, step: epoch * 2 - 1, name: 'acc', value: epoch })
      store.record('j1', { epoch, step: epoch * 2, name: 'acc', value: epoch })
    }
    expect(store.deleteAfterEpoch('j1', 2)).toBe(6)
    expect(points(store, 'acc', 'epoch').map((p) => p[0])).toEqual([1, 2])
    expect(points(store, 'acc', 'step').map((p) => p[1])).toEqual([1, 2, 3, 4])
    expect(store.deleteAfterEpoch('j1', 0)).toBe(6)
    expect(store.series('j1')).toEqual([])
  })

  it('needs an epoch or a step, as whole numbers', () => {
    const store = new MetricStore(workspace)
    expect(() => store.record('j1', { name: 'loss', value: 1 })).toThrow(/needs an epoch or a step/)
    expect(() => store.record('j1', { epoch: 1.5, name: 'loss', value: 1 })).toThrow(/whole number/)
    expect(() => store.record('j1', { step: -1, name: 'loss', value: 1 })).toThrow(/whole number/)
  })
})
