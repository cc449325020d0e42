import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PerceptApp } from '../../../main/app/compose'
import { generateUrbanSoundFixture } from '../../../main/sound/fixtures/urbansound-synth'
import type { CrossValidationReport } from '../../../main/sound/train/report'
import { tempApp } from '../../helpers/temp-app'

// The paper's protocol end to end as a job: an UrbanSound8K-shaped fixture (3 folds, 30 clips), features,
// one small model per held-out fold, clip accuracy, the report and the installed ONNX package.
let app: PerceptApp
let home: string
let cleanup: () => void
let dataset: string

beforeAll(async () => {
  ;({ app, home, close: cleanup } = tempApp())
  dataset = join(home, 'UrbanSound8K')
  await generateUrbanSoundFixture(dataset, { seed: 3, clipsPerClassPerFold: 1, folds: 3 })
}, 60_000)
afterAll(() => cleanup())

/** Runs sound.train to the end; its job id and report. */
async function crossValidate(input: Record<string, unknown>): Promise<{ job: { id: string }; report: CrossValidationReport }> {
  const start = await app.router.call('jobs.start', { kind: 'sound.train', input: { dataset, ...input } }, { door: 'test' })
  if (!start.ok) throw new Error(start.error.message)
  const job = start.value as { id: string }
  const settled = await app.jobs.whenSettled(job.id)
  expect(settled.state, JSON.stringify(settled)).toBe('done')
  const detail = await app.router.call('jobs.get', { id: job.id }, { door: 'test' })
  if (!detail.ok) throw new Error(detail.error.message)
  return { job, report: (detail.value as { result: CrossValidationReport }).result }
}

const smallRun = { folds: [1, 3], epochs: 2, filters: [4, 4, 8, 8], learningRate: 0.01, validation: true }
let first: CrossValidationReport

describe('sound.train (cross-validation)', () => {
  it('trains one model per held-out fold, never on that fold, and reports clip accuracy per fold', async () => {
    const { job, report } = await crossValidate(smallRun)
    first = report
    expect(report.classNames).toEqual(['air_conditioner', 'car_horn', 'children_playing', 'dog_bark', 'drilling', 'engine_idling', 'gun_shot', 'jackhammer', 'siren', 'street_music'])
    expect(report.folds.map((f) => f.fold)).toEqual([1, 3])
    for (const fold of report.folds) {
      // 3 folds with validation: test on one, validate on the next, train on the third only
      expect(fold.trainFolds).not.toContain(fold.fold)
      expect(fold.trainFolds).toHaveLength(1)
      expect(fold.testClips).toBe(10)
      expect(fold.validationClips).toBe(10)
      expect(fold.trainClips).toBe(10)
      expect(fold.confusion.flat().reduce((a, b) => a + b, 0)).toBe(10)
      expect(fold.accuracy).toBeGreaterThanOrEqual(0)
      expect(fold.accuracy).toBeLessThanOrEqual(1)
    }
    expect(report.summary.confusion.flat().reduce((a, b) => a + b, 0)).toBe(20)
    expect(report.config.layers.filter((l) => l.kind === 'conv').map((l) => (l as { filters: number }).filters)).toEqual([4, 4, 8, 8])
    const saved = JSON.parse(readFileSync(join(home, 'runs', job.id, 'report.json'), 'utf8')) as CrossValidationReport
    expect(saved.summary.accuracy.mean).toBeCloseTo(report.summary.accuracy.mean, 12)
    // the last fold's model is installed with a card that states what it was trained on
    expect(report.modelId).toBe(`esc-dilated-${job.id}`.toLowerCase())
    const pkg = join(home, 'models', report.modelId!)
    expect(existsSync(join(pkg, 'model.onnx'))).toBe(true)
    const meta = JSON.parse(readFileSync(join(pkg, 'model.json'), 'utf8'))
    expect(meta.task).toBe('sound-classification')
    expect(meta.labels).toHaveLength(10)
    expect(meta.inputs[0].shape.slice(1)).toEqual([64, 41, 2])
    expect(readFileSync(join(pkg, 'card.md'), 'utf8')).toMatch(/fold 3 held out/)
  }, 300_000)

  it('shows the folds done while the run goes on: a partial report after each fold, the whole one at the end', async () => {
    const start = await app.router.call('jobs.start', { kind: 'sound.train', input: { dataset, ...smallRun, epochs: 4, exportModel: false } }, { door: 'test' })
    if (!start.ok) throw new Error(start.error.message)
    const id = (start.value as { id: string }).id
    const partialFile = join(home, 'runs', id, 'report.partial.json')
    let seen: CrossValidationReport | null = null
    const messages = new Set<string>()
    while (!seen && !['done', 'failed', 'cancelled'].includes(app.jobs.get(id).state)) {
      const answer = await app.router.call('sound.trainingReport', { id }, { door: 'test' })
      if (answer.ok) seen = answer.value as CrossValidationReport
      else messages.add(answer.error.message)
      await new Promise((wait) => setTimeout(wait, 50))
    }
    expect(seen, 'the run ended before a partial report was seen').not.toBeNull()
    expect(seen!.partial).toEqual({ folds: [1, 3] })
    expect(seen!.folds.map((f) => f.fold)).toEqual([1])
    expect(seen!.summary.accuracy).toEqual({ mean: seen!.folds[0]!.accuracy, std: 0 })
    // Before fold 1's partial report, the answer says why; the fold counts as done only once its report is there.
    for (const message of messages) expect(message).toMatch(/has no report yet\. Its first part comes when the first held-out fold has been evaluated \(0 folds done so far\)\./)
    expect((await app.jobs.whenSettled(id)).state).toBe('done')
    const whole = await app.router.call('sound.trainingReport', { id }, { door: 'test' })
    if (!whole.ok) throw new Error(whole.error.message)
    const report = whole.value as CrossValidationReport
    expect(report.partial).toBeUndefined()
    expect(report.folds.map((f) => f.fold)).toEqual([1, 3])
    expect(report.folds[0]).toEqual(seen!.folds[0])
    expect(existsSync(partialFile)).toBe(false)
    expect(existsSync(join(home, 'runs', id, 'report.json'))).toBe(true)
  }, 300_000)

  it('repeats exactly when run again with the same input (seeded shuffles and dropout masks)', async () => {
    const { report } = await crossValidate({ ...smallRun, folds: [3], exportModel: false })
    const again = report.folds[0]!
    const before = first.folds.find((f) => f.fold === 3)!
    expect([again.finalLoss, again.accuracy, again.confusion]).toEqual([before.finalLoss, before.accuracy, before.confusion])
  }, 300_000)
})
