import { describe, expect, it } from 'vitest'
import type { JobSummary, SoundDatasetInfo } from '../../../../main/api'
import { experimentFacts, experimentTitle, formatMeanStd, rowsOfExperiment, rowsOfRuns } from '../../../../renderer/src/workspaces/sound/lib/training/comparison'
import { cellLabel, confusionGrid, heatBackground } from '../../../../renderer/src/workspaces/sound/lib/training/confusion'
import { defaultForm, experimentInput, formProblems, modelCount, parseFilters, toggleFold } from '../../../../renderer/src/workspaces/sound/lib/training/form'
import { applyRunProgress, classAccuracies, confusionOf, foldRows, foldsText, mergeRuns } from '../../../../renderer/src/workspaces/sound/lib/training/runs'
import { experiment, presets, report, run } from './fixtures'

const threeFolds: SoundDatasetInfo = {
  root: '/data/UrbanSound8K',
  name: 'UrbanSound8K',
  layout: 'urbansound8k',
  clips: 30,
  classes: [{ id: 0, name: 'dog_bark', clips: 30 }],
  folds: [{ fold: 1, clips: 10 }, { fold: 2, clips: 10 }, { fold: 3, clips: 10 }],
  problems: { count: 0, first: [] },
}

describe('the new cross-validation form', () => {
  it("starts with the paper's pair ticked and the paper's learning rate", () => {
    expect(defaultForm()).toMatchObject({ presets: ['dilated', 'pooling'], learningRate: 0.001, folds: null, aggregation: 'mean', validation: false, standardize: true })
  })

  it('reads filters as a list of whole numbers, empty for the presets\' own', () => {
    expect(parseFilters(' 2, 2,4 ,4 ')).toEqual({ filters: [2, 2, 4, 4], problem: null })
    expect(parseFilters('32 64')).toEqual({ filters: [32, 64], problem: null })
    expect(parseFilters('')).toEqual({ filters: null, problem: null })
    for (const bad of ['2,x', '0,4', '2.5', '4096']) expect(parseFilters(bad).problem).toMatch(/^Filters: write whole numbers from 1 to 2048/)
  })

  it('says what is wrong, one sentence per field', () => {
    const form = { ...defaultForm(), presets: [], epochs: '' as const, learningRate: 2, filters: '3,a' }
    expect(formProblems(form, null)).toEqual([
      'Choose a data set folder (UrbanSound8K, ESC-50 or one folder per class).',
      'Tick at least one preset to train.',
      'Epochs: a whole number from 1 to 10000 (the paper trains 500).',
      'Learning rate: a number above 0 and at most 1 (the paper: 0.001).',
      "Filters: write whole numbers from 1 to 2048 separated by commas, e.g. 32,32,64,64 (or leave it empty for the presets' own).",
    ])
    const twoFolds = { ...threeFolds, folds: threeFolds.folds.slice(0, 2) }
    const valid = { ...defaultForm(), dataset: '/data/UrbanSound8K' }
    expect(formProblems(valid, twoFolds)).toEqual([])
    expect(formProblems({ ...valid, validation: true }, twoFolds)).toEqual(['A validation fold needs at least 3 folds; UrbanSound8K has 2. Turn validation off.'])
    expect(formProblems({ ...valid, folds: [] }, threeFolds)).toEqual(['Tick at least one held-out fold.'])
    expect(formProblems(valid, { ...threeFolds, folds: [{ fold: 1, clips: 10 }] })).toEqual(['UrbanSound8K has 1 fold with clips; cross-validation needs at least 2.'])
  })

  it('counts the models and builds the experiment input', () => {
    const form = { ...defaultForm(), dataset: ' /data/UrbanSound8K ', epochs: 1 as const, filters: '2,2,4,4', folds: [2, 1] }
    expect(modelCount(form, threeFolds)).toBe(4)
    expect(modelCount({ ...form, folds: null }, threeFolds)).toBe(6)
    expect(experimentInput(form)).toEqual({
      dataset: '/data/UrbanSound8K',
      presets: ['dilated', 'pooling'],
      epochs: 1,
      learningRate: 0.001,
      validation: false,
      aggregation: 'mean',
      standardize: true,
      exportModel: false,
      filters: [2, 2, 4, 4],
      folds: [1, 2],
    })
    expect(experimentInput({ ...form, filters: '', folds: null })).not.toHaveProperty('folds')
  })

  it('ticks folds, back to "all" once every fold is ticked', () => {
    expect(toggleFold(null, 2, [1, 2, 3])).toEqual([1, 3])
    expect(toggleFold([1, 3], 2, [1, 2, 3])).toBeNull()
    expect(toggleFold([3], 1, [1, 2, 3])).toEqual([1, 3])
  })
})

describe('the confusion matrix', () => {
  it('keeps the counts and colours each cell by its share of the true class', () => {
    const r = report()
    const grid = confusionGrid(r.summary.confusion, r.classNames)
    expect(grid.total).toBe(20)
    expect(grid.correct).toBe(12)
    expect(grid.rows.map((row) => row.clips)).toEqual([8, 10, 2])
    expect(grid.rows[0]!.cells.map((c) => c.share)).toEqual([5 / 8, 3 / 8, 0])
    expect(grid.rows[2]!.cells.map((c) => c.correct)).toEqual([false, false, true])
    const empty = confusionGrid(r.folds[1]!.confusion, r.classNames)
    expect(empty.rows[2]!.cells.map((c) => c.share)).toEqual([null, null, null])
    expect(cellLabel(grid, grid.rows[0]!, grid.rows[0]!.cells[1]!)).toBe('dog_bark predicted as siren: 3 clips (38% of 8)')
  })

  it('mixes the accent into the surface from 8% up to 60% (readable text in both themes)', () => {
    expect(heatBackground(null)).toBe('transparent')
    expect(heatBackground(0)).toBe('transparent')
    expect(heatBackground(0.5)).toBe('color-mix(in srgb, var(--accent) 34%, var(--surface))')
    expect(heatBackground(1)).toBe('color-mix(in srgb, var(--accent) 60%, var(--surface))')
  })
})

describe('runs and reports', () => {
  const summary = (id: string, state: JobSummary['state'], updatedAt: string, extra: Partial<JobSummary> = {}): JobSummary => ({
    id,
    kind: 'sound.train',
    title: 'dilated cross-validation',
    state,
    fraction: 0.5,
    stage: 'fold 1: epoch 1/2',
    etaSeconds: 12,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt,
    startedAt: '2026-01-01T00:00:01.000Z',
    finishedAt: null,
    ...extra,
  })

  it('applies progress events unless the list already holds a newer state', () => {
    const runs = [run('job-a'), run('job-b')]
    const moved = applyRunProgress(runs, summary('job-b', 'running', '2026-01-01T00:00:05.000Z'))
    expect(moved[1]).toMatchObject({ state: 'running', fraction: 0.5, stage: 'fold 1: epoch 1/2', preset: 'dilated', folds: { total: 2 } })
    expect(moved[0]).toBe(runs[0])
    expect(applyRunProgress(moved, summary('job-b', 'queued', '2026-01-01T00:00:02.000Z'))).toBe(moved)
    expect(applyRunProgress(runs, summary('job-new', 'queued', '2026-01-01T00:00:02.000Z'))).toBe(runs)
    // A list answer older than the event keeps the event's progress, and takes the rest.
    const merged = mergeRuns(moved, [run('job-a'), run('job-b', { folds: { done: 1, total: 2, list: [1, 2] } })])
    expect(merged[1]).toMatchObject({ state: 'running', fraction: 0.5, folds: { done: 1 } })
  })

  it('words the folds done', () => {
    expect(foldsText(run('a', { state: 'running', folds: { done: 1, total: 2, list: null } }))).toBe('1 of 2 folds')
    expect(foldsText(run('a', { state: 'running', folds: { done: 0, total: null, list: null } }))).toBe('0 of all folds')
    expect(foldsText(run('a', { state: 'done', folds: { done: 10, total: 10, list: null } }))).toBe('10 folds')
  })

  it('reads per-fold rows, per-class accuracy and the confusion of one fold or all', () => {
    const r = report()
    expect(foldRows(r).map((f) => [f.fold, f.trainClips, f.testClips, f.correct, f.accuracy])).toEqual([
      [1, 20, 10, 7, 0.7],
      [2, 20, 10, 5, 0.5],
    ])
    expect(classAccuracies(r)).toEqual([
      { name: 'dog_bark', accuracy: 0.625, clips: 8 },
      { name: 'siren', accuracy: 0.5, clips: 10 },
      { name: 'drilling', accuracy: 1, clips: 2 },
    ])
    expect(confusionOf(r, null)).toBe(r.summary.confusion)
    expect(confusionOf(r, 2)).toBe(r.folds[1]!.confusion)
  })
})

describe('the comparison table', () => {
  it("writes accuracy as experimentMarkdown does, with ±", () => {
    expect(formatMeanStd(0.6, Math.SQRT2 / 10)).toBe('60.0% ± 14.1%')
  })

  it('orders ticked runs as the paper does and marks the best', () => {
    const runs = [
      run('job-3', { preset: 't2-g1-rate2', state: 'done', accuracy: { mean: 0.4, std: 0 }, folds: { done: 2, total: 2, list: null } }),
      run('job-2', { preset: 'pooling', state: 'done', accuracy: { mean: 0.55, std: 0.05 }, folds: { done: 2, total: 2, list: null } }),
      run('job-1', { preset: 'dilated', state: 'done', accuracy: { mean: 0.6, std: 0.1 }, folds: { done: 2, total: 2, list: null } }),
      run('job-0', { preset: 'dilated', state: 'running' }),
    ]
    const rows = rowsOfRuns(runs, ['job-3', 'job-2', 'job-1', 'job-0'], presets)
    expect(rows.map((r) => [r.preset.name, r.preset.group, r.preset.test, r.mean, r.best])).toEqual([
      ['dilated', 3, 5, 0.6, true],
      ['pooling', 3, 6, 0.55, false],
      ['t2-g1-rate2', 1, 1, 0.4, false],
    ])
    expect(rowsOfRuns(runs, ['job-1'], presets)[0]!.best).toBe(false) // one row has nothing to beat
    const tie = [runs[1]!, { ...runs[2]!, accuracy: { mean: 0.55, std: 0 } }]
    expect(rowsOfRuns(tie, ['job-1', 'job-2'], presets).map((r) => r.best)).toEqual([false, false]) // nor does a tie
  })

  it("titles an experiment as the paper's table, or by what it compared", () => {
    const e = experiment()
    expect(experimentTitle(e)).toBe('Table 1: Different convolution network structure comparison')
    expect(experimentTitle({ ...e, table: null })).toBe('Presets compared: dilated, pooling')
    expect(experimentFacts(e)).toBe('UrbanSound8K · held-out folds 1, 2 · 2 epochs')
    expect(rowsOfExperiment(e)).toEqual([{ ...e.rows[0]!, best: false }])
  })
})
