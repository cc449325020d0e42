import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PerceptApp } from '../../main/app/compose'
import { tempApp } from '../helpers/temp-app'
import { bundledIdsOnDisk } from '../helpers/bundled-on-disk'
import { routerCalls } from '../helpers/router-calls'

// A short demo training run installs its ONNX model; the models.* methods then list, check, export,
// delete and re-import it, through the same router every door uses.
let app: PerceptApp
let cleanup: () => void
const { call, fail } = routerCalls(() => app)
let home: string

beforeAll(() => {
  ;({ app, home, close: cleanup } = tempApp())
})
afterAll(() => cleanup())

describe('models through the API', () => {
  let id: string

  it('a finished demo training installs its model package', async () => {
    const job = await call<{ id: string }>('jobs.start', { kind: 'demo.train', input: { epochs: 2, samples: 64 } })
    const settled = await app.jobs.whenSettled(job.id)
    expect(settled.state).toBe('done')
    const detail = await call<{ result: { modelId: string; finalAccuracy: number } }>('jobs.get', { id: job.id })
    id = detail.result.modelId
    expect(id).toBe(`demo-circle-${job.id}`)
    const all = await call<{ id: string; bundled: boolean; meta: { provenance: { runId: string; metrics: Record<string, number> } } }[]>('models.list', {})
    const list = all.filter((m) => !m.bundled)
    expect(list.map((m) => m.id)).toEqual([id])
    expect(list[0]!.meta.provenance.runId).toBe(job.id)
    expect(list[0]!.meta.provenance.metrics.accuracy).toBeCloseTo(detail.result.finalAccuracy, 6)
    const full = await call<{ card: string }>('models.get', { id })
    expect(full.card).toContain(id)
  }, 60_000)

  it('check runs it on a sample input', async () => {
    const report = await call<{ ok: boolean; outputs: { shape: number[]; finite: boolean; min: number; max: number }[] }>('models.check', { id })
    expect(report.ok).toBe(true)
    expect(report.outputs[0]!.shape).toEqual([1, 1])
    expect(report.outputs[0]!.finite).toBe(true)
    expect(report.outputs[0]!.min).toBeGreaterThanOrEqual(0) // a sigmoid probability
    expect(report.outputs[0]!.max).toBeLessThanOrEqual(1)
  })

  it('export writes a zip; delete removes it; import brings it back', async () => {
    const exported = await call<{ path: string }>('models.export', { id, path: home })
    expect(exported.path).toBe(join(home, `${id}.zip`))
    expect(existsSync(exported.path)).toBe(true)
    await call('models.delete', { id })
    expect((await call<{ bundled: boolean }[]>('models.list', {})).filter((m) => !m.bundled)).toEqual([])
    expect(readdirSync(join(home, 'models'))).toEqual([])
    const back = await call<{ id: string }>('models.import', { path: exported.path })
    expect(back.id).toBe(id)
    expect((await call<{ bundled: boolean }[]>('models.list', {})).filter((m) => !m.bundled).length).toBe(1)
  })

  it('export as a folder writes the package itself, and refuses a folder of other files or a system folder', async () => {
    const folder = join(home, 'exported-package')
    expect(await call('models.export', { id, path: folder, as: 'folder' })).toEqual({ path: folder })
    expect(readdirSync(folder).sort()).toEqual(['card.md', 'model.json', 'model.onnx'])
    expect(JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')).name).toBe(id)
    rmSync(folder, { recursive: true }) // the files.list test below lists the workspace folder
    const refused = await fail('models.export', { id, path: join(home, 'models'), as: 'folder' })
    expect(refused.code).toBe('VALIDATION')
    expect(refused.message).toMatch(/holds other files, not a model package/)
    expect((await fail('models.export', { id, path: '/usr/share/percept-model', as: 'folder' })).message).toMatch(/is in \/usr, a folder of the operating system/)
    expect((await fail('models.export', { id, path: join(home, 'percept.db'), as: 'folder' })).message).toBe(
      `${join(home, 'percept.db')} is the workspace's own database, which the app keeps: choose another name for model packages.`,
    )
  })

  it('lists the bundled sound model read-only: its card can be read, it cannot be deleted', async () => {
    const bundled = (await call<{ id: string; bundled: boolean }[]>('models.list', {})).filter((m) => m.bundled).map((m) => m.id)
    expect([...bundled].sort()).toEqual(bundledIdsOnDisk())
    const full = await call<{ bundled: boolean; card: string }>('models.get', { id: 'bundled/dilated-fixture' })
    expect(full.bundled).toBe(true)
    expect(full.card).toMatch(/^# dilated: environmental sound classifier/)
    expect(await fail('models.delete', { id: 'bundled/dilated-fixture' })).toEqual({
      code: 'VALIDATION',
      message: 'bundled/dilated-fixture ships with the app and cannot be deleted.',
    })
    expect((await fail('models.get', { id: 'bundled/nope' })).code).toBe('NOT_FOUND')
  })

  it('gives errors a person can act on', async () => {
    expect(await fail('models.get', { id: 'nope' })).toEqual({ code: 'NOT_FOUND', message: 'No model "nope" is installed.' })
    expect((await fail('models.delete', { id: '../../etc' })).code).toBe('VALIDATION')
    const missing = await fail('models.import', { path: join(home, 'no-such.zip') })
    expect(missing.code).toBe('NOT_FOUND')
    expect(missing.message).toContain('no-such.zip')
  })
})

describe('files.list', () => {
  it('lists folders first, filters by extension and names the parent', async () => {
    const listing = await call<{ path: string; parent: string; entries: { name: string; kind: string }[] }>('files.list', {
      path: home,
      extensions: ['zip'],
    })
    expect(listing.path).toBe(home)
    const names = listing.entries.map((e) => `${e.kind}:${e.name}`)
    expect(names.slice(0, 5)).toEqual(['folder:cache', 'folder:datasets', 'folder:faces', 'folder:models', 'folder:runs'])
    expect(names.every((n) => n.startsWith('folder:') || n.endsWith('.zip'))).toBe(true)
    expect(listing.parent).toBe(join(home, '..'))
    expect((await fail('files.list', { path: join(home, 'percept.db') })).code).toBe('VALIDATION')
    expect((await fail('files.list', { path: join(home, 'missing') })).code).toBe('NOT_FOUND')
  })
})
