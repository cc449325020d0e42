/**
 * The sweep: its plan (the paper's 3 x 3 x 5 per split), and Fig. 3 / Table 1 computed from made-up run reports
 * whose means, spreads and best learning rates are worked out by hand.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { experimentMarkdown, experimentPlan, experimentReport, lrText, PAPER_LEARNING_RATES, writeExperimentReport } from '../../../../../main/mri/segmentation/train/experiment'
import type { TrainingReport } from '../../../../../main/mri/segmentation/train/training-report'
import { tempHome } from '../../../../helpers/temp-home'

const { home, cleanup } = tempHome('percept-mri-exp-')
afterAll(() => cleanup())

function run(job: string, mode: TrainingReport['mode'], loss: TrainingReport['loss'], lr: number, split: number, validation: number, test: [number | null, number | null]): TrainingReport {
  const testValues = test.filter((v): v is number => v !== null)
  return {
    job, mode, loss, learningRate: lr, size: 16, spacingMm: [12, 12, 12], baseFilters: 4, blocks: [1, 2], parameters: mode === 'conventional' ? 5000 : 2000,
    batchSize: 1, epochs: 2, seed: 1, split: { index: split, train: [], validation: [], test: ['a'] },
    dataset: { root: '/data/cohort/train', layout: 'pairs', subjects: 10, leftOut: 0, synthetic: true },
    labels: ['Background', 'Left', 'Right'], history: [], bestEpoch: 2, validationMeanDice: validation,
    test: { dice: test, meanDice: testValues.reduce((a, b) => a + b, 0) / testValues.length, subjects: 1 },
    secondsPerStep: 1, backend: 'cpu', modelId: null,
  }
}

describe('the sweep', () => {
  it("plans the paper's 45 runs per split, modes outermost", () => {
    expect(PAPER_LEARNING_RATES).toEqual([1e-4, 0.000316228, 1e-3, 0.00316228, 1e-2])
    const plan = experimentPlan({ modes: ['conventional', 'gabor', 'mixed'], losses: ['pcc', 'dice', 'ce'], lrs: [...PAPER_LEARNING_RATES], splits: [0, 1] })
    expect(plan).toHaveLength(90)
    expect(plan[0]).toEqual({ mode: 'conventional', loss: 'pcc', lr: 1e-4, split: 0 })
    expect(plan[1]).toEqual({ mode: 'conventional', loss: 'pcc', lr: 1e-4, split: 1 })
    expect(plan[89]).toEqual({ mode: 'mixed', loss: 'ce', lr: 1e-2, split: 1 })
    expect(() => experimentPlan({ modes: [], losses: ['pcc'], lrs: [1e-3], splits: [0] })).toThrow(/at least one kernel mode/)
    expect(() => experimentPlan({ modes: ['gabor'], losses: ['pcc'], lrs: [2], splits: [0] })).toThrow(/\(0, 1\]/)
  })

  it('gives Fig. 3 as mean and std over splits, and Table 1 at the best learning rate by validation', async () => {
    const reports = [
      // mixed / pcc at 1e-3: validation 0.8 and 0.6 (mean 0.7, std 0.1); at 1e-2: 0.5 and 0.5.
      run('j1', 'mixed', 'pcc', 1e-3, 0, 0.8, [0.9, 0.7]),
      run('j2', 'mixed', 'pcc', 1e-3, 1, 0.6, [0.5, 0.3]),
      run('j3', 'mixed', 'pcc', 1e-2, 0, 0.5, [0.99, 0.99]),
      run('j4', 'mixed', 'pcc', 1e-2, 1, 0.5, [0.99, null]),
      // gabor / dice: one split, best at 1e-2.
      run('j5', 'gabor', 'dice', 1e-3, 0, 0.2, [0.1, 0.1]),
      run('j6', 'gabor', 'dice', 1e-2, 0, 0.4, [0.4, null]),
    ]
    const report = experimentReport('exp1', reports)
    const point = report.fig3.find((p) => p.mode === 'mixed' && p.loss === 'pcc' && p.lr === 1e-3)!
    expect(point.validationDice.mean).toBeCloseTo(0.7, 12)
    expect(point.validationDice.std).toBeCloseTo(0.1, 12)
    expect(point.validationDice.n).toBe(2)
    expect(point.jobs).toEqual(['j1', 'j2'])
    // Test means per run: 0.8 and 0.4 -> 0.6 +- 0.2.
    expect(point.testDice.mean).toBeCloseTo(0.6, 12)
    expect(point.testDice.std).toBeCloseTo(0.2, 12)

    // Table 1: mixed/pcc chose 1e-3 (validation 0.7 > 0.5) although 1e-2 tests better; gabor/dice chose 1e-2.
    expect(report.table1.map((r) => [r.mode, r.loss, r.lr])).toEqual([['gabor', 'dice', 1e-2], ['mixed', 'pcc', 1e-3]])
    const mixed = report.table1[1]!
    expect(mixed.structures[0]!.mean).toBeCloseTo(0.7, 12) // (0.9 + 0.5) / 2
    expect(mixed.structures[0]!.std).toBeCloseTo(0.2, 12)
    expect(mixed.structures[1]!.mean).toBeCloseTo(0.5, 12) // (0.7 + 0.3) / 2
    const gabor = report.table1[0]!
    expect(gabor.structures[1]).toEqual({ mean: null, std: null, n: 0 })
    expect(report.parameters).toEqual({ mixed: 2000, gabor: 2000 })

    const markdown = experimentMarkdown(report)
    expect(markdown).toContain('| mode | loss | 1e-3 | 1e-2 |')
    expect(markdown).toContain('| mixed | pcc | 70±10 | 50±0 |')
    expect(markdown).toContain('| gabor | dice | 20 | 40 |')
    expect(markdown).toContain('| mode | loss | lr | Left | Right | mean |')
    expect(markdown).toContain('| mixed | pcc | 1e-3 | 70±20 | 50±20 | 60±20 |')
    expect(markdown).toContain('| gabor | dice | 1e-2 | 40 | - | 40 |')

    const files = await writeExperimentReport(join(home, 'exp1'), report)
    expect(JSON.parse(readFileSync(files.json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)))
    expect(readFileSync(files.markdown, 'utf8')).toBe(markdown)
  })

  it('names the learning rates in half decades as the paper does', () => {
    expect(PAPER_LEARNING_RATES.map(lrText)).toEqual(['1e-4', '1e-3.5', '1e-3', '1e-2.5', '1e-2'])
    expect(lrText(0.002)).toBe('0.002')
  })

  it('refuses runs trained on different labels', () => {
    const other = { ...run('k2', 'mixed', 'pcc', 1e-3, 0, 0.5, [0.5, 0.5]), labels: ['Background', 'Other'] }
    expect(() => experimentReport('x', [run('k1', 'mixed', 'pcc', 1e-3, 0, 0.5, [0.5, 0.5]), other])).toThrow(/other labels/)
  })
})
