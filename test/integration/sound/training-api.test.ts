import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CrossValidationReportData, JobSummary, SoundDatasetInfo, SoundExperiment, SoundPreset, SoundTrainingRun } from '../../../main/api'
import type { PerceptApp } from '../../../main/app/compose'
import { generateUrbanSoundFixture } from '../../../main/sound/fixtures/urbansound-synth'
import { routerCalls } from '../../helpers/router-calls'
import { tempApp } from '../../helpers/temp-app'

// Training from the UI's side of the API with the real job runner: presets, a data set read, an
// experiment of 'dilated' against 'pooling' (two held-out folds of a 3-fold, 30-clip fixture, one
// epoch, filters 2,2,4,4), its runs listed while they run and after, their reports, and the
// comparison table computed from them and kept beside the manifest.
let app: PerceptApp
let home: string
let cleanup: () => void
let dataset: string
const { call, fail } = routerCalls(() => app)
const classNames = ['air_conditioner', 'car_horn', 'children_playing', 'dog_bark', 'drilling', 'engine_idling', 'gun_shot', 'jackhammer', 'siren', 'street_music']

beforeAll(async () => {
  ;({ app, home, close: cleanup } = tempApp())
  dataset = join(home, 'UrbanSound8K')
  await generateUrbanSoundFixture(dataset, { seed: 5, clipsPerClassPerFold: 1, folds: 3 })
}, 60_000)
afterAll(() => cleanup())

const tiny = { epochs: 1, folds: [1, 2], filters: [2, 2, 4, 4], learningRate: 0.01 }

describe('presets and data sets', () => {
  it("lists the presets: 'dilated' and 'pooling' first (Table 1, group 3), then the tables in the paper's order", async () => {
    const presets = await call<SoundPreset[]>('sound.presets', {})
    expect(presets).toHaveLength(20)
    expect(presets.slice(0, 2).map((p) => [p.name, p.aliasOf, p.table, p.group, p.test])).toEqual([
      ['dilated', 't1-g3-dilated', 1, 3, 5],
      ['pooling', 't1-g3-pooling', 1, 3, 6],
    ])
    const dilated = presets[0]!
    expect(dilated.notation).toBe('Cov1 + DilaCov1 + DilaCov2 + DilaCov3')
    expect(dilated.filters).toEqual([32, 32, 64, 64])
    // (3*3*2+1)*32 + (3*3*32+1)*32 + (3*3*32+1)*64 + (3*3*64+1)*64 + (64+1)*10
    expect(dilated.params).toBe(608 + 9248 + 18496 + 36928 + 650)
    expect(presets[1]!.params).toBe(dilated.params)
    expect(presets.filter((p) => p.table === 2).map((p) => p.name)).toEqual(['t2-g1-rate2', 't2-g1-rate3', 't2-g2-rate2', 't2-g2-rate3', 't2-g3-rate2', 't2-g3-rate3'])
    expect(presets.find((p) => p.name === 't2-g2-rate3')!.notation).toBe('Cov1 + Cov2 + DilaCov1(3) + DilaCov2(3)')
  })

  it('reads a data set folder: layout, classes, folds', async () => {
    const info = await call<SoundDatasetInfo>('sound.dataset', { path: dataset })
    expect(info).toMatchObject({ root: dataset, name: 'Synthetic fixture in UrbanSound8K layout', layout: 'urbansound8k', clips: 30, problems: { count: 0, first: [] } })
    expect(info.classes.map((c) => c.name)).toEqual(classNames)
    expect(info.classes.every((c) => c.clips === 3)).toBe(true)
    expect(info.folds).toEqual([{ fold: 1, clips: 10 }, { fold: 2, clips: 10 }, { fold: 3, clips: 10 }])
    const missing = await fail('sound.dataset', { path: join(home, 'nope') })
    expect(missing.code).toBe('NOT_FOUND')
    expect(missing.message).toContain(join(home, 'nope'))
  })
})

describe('an experiment of dilated against pooling', () => {
  let experimentId = ''
  let jobIds: string[] = []

  it('refuses what cannot run before queuing anything', async () => {
    const before = (await call<JobSummary[]>('jobs.list', {})).length
    const unknown = await fail('sound.startExperiment', { dataset, presets: ['dilated', 'wide'], ...tiny })
    expect(unknown.code).toBe('VALIDATION')
    expect(unknown.message).toMatch(/Unknown preset wide\. Presets: dilated, pooling, t1-g1-dilated/)
    const fold = await fail('sound.startExperiment', { dataset, presets: ['dilated'], ...tiny, folds: [2, 7] })
    expect(fold.code).toBe('VALIDATION')
    expect(fold.message).toBe('Fold 7 of Synthetic fixture in UrbanSound8K layout holds no clips; its folds are 1, 2, 3.')
    const both = await fail('sound.startExperiment', { dataset, presets: ['dilated'], table: 1, ...tiny })
    expect(both.code).toBe('VALIDATION')
    expect(both.message).toContain('either presets')
    const nowhere = await fail('sound.startExperiment', { dataset: join(home, 'missing'), presets: ['dilated'], ...tiny })
    expect(nowhere.code).toBe('NOT_FOUND')
    expect((await call<JobSummary[]>('jobs.list', {})).length).toBe(before)
    expect(await call<SoundExperiment[]>('sound.experiments', {})).toEqual([])
  })

  it('queues one sound.train job per preset with the same settings and keeps a manifest', async () => {
    const started = await call<{ id: string; jobIds: string[]; jobs: JobSummary[] }>('sound.startExperiment', { dataset, presets: ['pooling', 'dilated'], ...tiny })
    experimentId = started.id
    jobIds = started.jobIds
    expect(jobIds).toHaveLength(2)
    expect(started.jobs.map((j) => [j.id, j.kind])).toEqual(jobIds.map((id) => [id, 'sound.train']))
    const manifest = JSON.parse(readFileSync(join(home, 'runs', 'experiments', `${experimentId}.json`), 'utf8'))
    expect(manifest.table).toBe(1)
    // in the presets' order, whatever order they were asked in
    expect(manifest.jobs.map((j: { preset: { name: string } }) => j.preset.name)).toEqual(['dilated', 'pooling'])
    const inputs = await Promise.all(jobIds.map((id) => call<{ input: Record<string, unknown> }>('jobs.get', { id })))
    expect(inputs.map((d) => d.input.preset)).toEqual(['dilated', 'pooling'])
    for (const { input } of inputs) expect(input).toMatchObject({ dataset, folds: [1, 2], epochs: 1, filters: [2, 2, 4, 4], learningRate: 0.01, standardize: true, validation: false, aggregation: 'mean', exportModel: false })

    const runs = await call<SoundTrainingRun[]>('sound.trainingRuns', {})
    expect(runs.map((r) => r.id)).toEqual([...jobIds].reverse()) // newest first
    for (const run of runs) {
      expect(run.experimentId).toBe(experimentId)
      expect(run.dataset).toEqual({ path: dataset, name: 'UrbanSound8K' }) // the folder's name until a report names the data set
      expect(run.folds).toMatchObject({ total: 2, list: [1, 2] })
      expect(run.accuracy).toBeNull()
    }
    const early = await fail('sound.trainingReport', { id: jobIds[1]! })
    expect(early.code).toBe('NOT_FOUND')
    expect(early.message).toMatch(/has no report yet/)
    const [listed] = await call<SoundExperiment[]>('sound.experiments', {})
    expect(listed).toMatchObject({ id: experimentId, source: 'app', table: 1, state: 'running', rows: [], markdown: null, folds: [1, 2], epochs: 1 })
  })

  it('runs them one at a time to the end; each report has both folds and the list its accuracy', async () => {
    const settled = await Promise.all(jobIds.map((id) => app.jobs.whenSettled(id)))
    expect(settled.map((s) => s.state)).toEqual(['done', 'done'])
    const runs = await call<SoundTrainingRun[]>('sound.trainingRuns', {})
    for (const id of jobIds) {
      const report = await call<CrossValidationReportData>('sound.trainingReport', { id })
      const saved = JSON.parse(readFileSync(join(home, 'runs', id, 'report.json'), 'utf8')) as CrossValidationReportData
      expect(report.summary).toEqual(saved.summary)
      expect(report.folds).toEqual(saved.folds)
      expect(report.classNames).toEqual(classNames)
      expect(report.folds.map((f) => [f.fold, f.testClips, f.trainClips])).toEqual([[1, 10, 20], [2, 10, 20]])
      for (const fold of report.folds) {
        expect(fold.confusion.flat().reduce((a, b) => a + b, 0)).toBe(10)
        expect(fold.accuracy).toBeCloseTo(fold.confusion.reduce((s, row, k) => s + row[k]!, 0) / 10, 12)
      }
      expect(report.config.layers.flatMap((l) => (l.kind === 'conv' ? [l.filters] : []))).toEqual([2, 2, 4, 4])
      const mean = (report.folds[0]!.accuracy + report.folds[1]!.accuracy) / 2
      expect(report.summary.accuracy.mean).toBeCloseTo(mean, 12)
      const run = runs.find((r) => r.id === id)!
      expect(run).toMatchObject({ state: 'done', folds: { done: 2, total: 2 }, accuracy: report.summary.accuracy, epochs: 1 })
      // One name everywhere, and the checkpoint in the run's own terms: its last fold's only epoch.
      expect(app.jobs.get(id)).toMatchObject({ title: `${report.preset} cross-validation`, checkpointEpoch: 2, checkpoint: 'held-out fold 2, epoch 1 of 1' })
      expect(run.title).toBe(`${report.preset} cross-validation`)
    }
  }, 300_000)

  it('lists the experiment as done with rows in the paper table shape, and keeps its table as Markdown', async () => {
    const [experiment] = await call<SoundExperiment[]>('sound.experiments', {})
    expect(experiment!.state).toBe('done')
    const reports = await Promise.all(jobIds.map((id) => call<CrossValidationReportData>('sound.trainingReport', { id })))
    expect(experiment!.rows).toEqual([
      { preset: { name: 'dilated', table: 1, group: 3, test: 5, notation: 'Cov1 + DilaCov1 + DilaCov2 + DilaCov3' }, jobId: jobIds[0], ...reports[0]!.summary.accuracy, folds: 2 },
      { preset: { name: 'pooling', table: 1, group: 3, test: 6, notation: 'Cov1 + Max-pooling + Cov2 + Cov3 + Cov4' }, jobId: jobIds[1], ...reports[1]!.summary.accuracy, folds: 2 },
    ])
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`
    const markdown = experiment!.markdown!
    expect(markdown.split('\n')[0]).toBe('Table 1: Different convolution network structure comparison. (our numbers: Synthetic fixture in UrbanSound8K layout, held-out folds 1, 2, 1 epoch)')
    expect(markdown).toContain(`| Group3 | Test5 | Cov1 + DilaCov1 + DilaCov2 + DilaCov3 | ${pct(reports[0]!.summary.accuracy.mean)} +- ${pct(reports[0]!.summary.accuracy.std)} | dilated | ${jobIds[0]} |`)
    expect(readFileSync(join(home, 'runs', 'experiments', `${experimentId}.md`), 'utf8')).toBe(markdown)
  })

  it("also lists the tables `percept esc experiment` kept, computing nothing", async () => {
    const reports = await Promise.all(jobIds.map((id) => call<CrossValidationReportData>('sound.trainingReport', { id })))
    const presets = await call<SoundPreset[]>('sound.presets', {})
    const ref = (name: string) => {
      const p = presets.find((q) => q.name === name)!
      return { name: p.name, table: p.table, group: p.group, test: p.test, notation: p.notation }
    }
    const table = { table: 1, dataset: 'UrbanSound8K', folds: [1, 2], epochs: 1, createdAt: '2020-01-01T00:00:00.000Z', rows: [{ preset: ref('t1-g3-dilated'), jobId: jobIds[0], report: reports[0] }] }
    writeFileSync(join(home, 'runs', 'experiments', 'table1-2020-01-01T00-00-00-000Z.json'), JSON.stringify(table))
    writeFileSync(join(home, 'runs', 'experiments', 'notes.json'), '{"not": "an experiment"}')
    const list = await call<SoundExperiment[]>('sound.experiments', {})
    expect(list.map((e) => [e.id, e.source, e.state])).toEqual([
      [experimentId, 'app', 'done'],
      ['table1-2020-01-01T00-00-00-000Z', 'cli', 'done'],
    ])
    expect(list[1]!.rows).toEqual([{ preset: ref('t1-g3-dilated'), jobId: jobIds[0], ...reports[0]!.summary.accuracy, folds: 2 }])
    expect(list[1]!.jobs).toEqual([{ preset: ref('t1-g3-dilated'), jobId: jobIds[0], state: 'done' }])
  })

  it("queues a whole table in the paper's order; cancelled, the experiment is stopped with no rows", async () => {
    const started = await call<{ id: string; jobIds: string[] }>('sound.startExperiment', { dataset, table: 2, ...tiny })
    expect(started.jobIds).toHaveLength(6)
    await Promise.all(started.jobIds.map((id) => call('jobs.cancel', { id })))
    const experiment = (await call<SoundExperiment[]>('sound.experiments', {})).find((e) => e.id === started.id)!
    expect(experiment.jobs.map((j) => [j.preset.name, j.preset.group, j.preset.test, j.state])).toEqual([
      ['t2-g1-rate2', 1, 1, 'cancelled'],
      ['t2-g1-rate3', 1, 2, 'cancelled'],
      ['t2-g2-rate2', 2, 3, 'cancelled'],
      ['t2-g2-rate3', 2, 4, 'cancelled'],
      ['t2-g3-rate2', 3, 5, 'cancelled'],
      ['t2-g3-rate3', 3, 6, 'cancelled'],
    ])
    expect(experiment).toMatchObject({ table: 2, state: 'stopped', rows: [], markdown: null })
    const report = await fail('sound.trainingReport', { id: started.jobIds[0]! })
    expect(report).toMatchObject({ code: 'NOT_FOUND' })
    expect(report.message).toMatch(/ended cancelled before it wrote one; resume it/)
    expect(existsSync(join(home, 'runs', 'experiments', `${started.id}.md`))).toBe(false)
  })

  it('answers NOT_FOUND for a job that is not a sound training run', async () => {
    expect((await fail('sound.trainingReport', { id: 'job-none' })).code).toBe('NOT_FOUND')
    const demo = await call<JobSummary>('jobs.start', { kind: 'demo.count', input: {} })
    const wrongKind = await fail('sound.trainingReport', { id: demo.id })
    expect(wrongKind.code).toBe('NOT_FOUND')
    expect(wrongKind.message).toBe(`Job ${demo.id} is a demo.count job, not a sound cross-validation run (sound.train).`)
    expect((await call<SoundTrainingRun[]>('sound.trainingRuns', {})).some((r) => r.id === demo.id)).toBe(false)
    await app.jobs.whenSettled(demo.id)
  })
})
