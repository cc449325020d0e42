/**
 * The sweep of paper 003 (section 3.1): three kernel modes x three losses x five learning rates (1e-4 .. 1e-2 in
 * half decades) on the five splits, 225 mri.train runs at the paper's scale; here any subset of each, and the
 * report in the paper's shape:
 *
 *   Fig. 3   validation mean Dice against the learning rate, one curve per mode and loss, each point the mean
 *            (and std) over the splits run: as data and as a Markdown table (a plot can be drawn from the JSON);
 *   Table 1  test Dice per structure (mean +- std % over the splits) for each mode and loss at its best learning
 *            rate, chosen by validation mean Dice (the paper shows 1e-3, where every loss did well; choosing by
 *            the test part would leak it into the choice).
 *
 * The runs themselves are jobs (train-job.ts); this file plans them and reads their reports.
 */
import { join } from 'node:path'
import { writeFileAtomic, writeJsonAtomic } from '../../../core/atomic-file'
import { PerceptError } from '../../../core/errors'
import { LOSS_KINDS, type LossKind } from '../losses'
import { KERNEL_MODES, type KernelMode } from '../network'
import { meanOf } from './evaluate'
import type { TrainingReport } from './training-report'

/** 10^-4, 10^-3.5, 10^-3, 10^-2.5, 10^-2. */
export const PAPER_LEARNING_RATES: readonly number[] = [-4, -3.5, -3, -2.5, -2].map((e) => Number((10 ** e).toPrecision(6)))

export interface ExperimentRun {
  mode: KernelMode
  loss: LossKind
  lr: number
  split: number
}

export interface ExperimentChoice {
  modes: KernelMode[]
  losses: LossKind[]
  lrs: number[]
  splits: number[]
}

/** Every combination, modes outermost (the order of the paper's Fig. 3 panels), splits innermost. */
export function experimentPlan(choice: ExperimentChoice): ExperimentRun[] {
  const unique = <T>(values: T[], what: string): T[] => {
    if (values.length === 0) throw new PerceptError('VALIDATION', `Give at least one ${what}.`)
    return [...new Set(values)]
  }
  const modes = unique(choice.modes, 'kernel mode')
  const losses = unique(choice.losses, 'loss')
  const lrs = unique(choice.lrs, 'learning rate')
  const splits = unique(choice.splits, 'split')
  for (const m of modes) if (!KERNEL_MODES.includes(m)) throw new PerceptError('VALIDATION', `Kernel modes are ${KERNEL_MODES.join(', ')}; got ${String(m)}.`)
  for (const l of losses) if (!LOSS_KINDS.includes(l)) throw new PerceptError('VALIDATION', `Losses are ${LOSS_KINDS.join(', ')}; got ${String(l)}.`)
  for (const lr of lrs) if (!(lr > 0 && lr <= 1)) throw new PerceptError('VALIDATION', `A learning rate is a number in (0, 1]; got ${lr}.`)
  for (const s of splits) if (!Number.isInteger(s) || s < 0 || s > 4) throw new PerceptError('VALIDATION', `Splits are 0 to 4; got ${s}.`)
  return modes.flatMap((mode) => losses.flatMap((loss) => lrs.flatMap((lr) => splits.map((split) => ({ mode, loss, lr, split })))))
}

export interface Spread {
  mean: number | null
  std: number | null
  n: number
}

export interface Fig3Point {
  mode: KernelMode
  loss: LossKind
  lr: number
  validationDice: Spread
  testDice: Spread
  jobs: string[]
}

export interface Table1Row {
  mode: KernelMode
  loss: LossKind
  lr: number
  /** Test Dice of each structure (label 1 ...) over the splits. */
  structures: Spread[]
  mean: Spread
}

export interface ExperimentReport {
  format: 'percept-mri-experiment'
  version: 1
  id: string
  dataset: string
  size: number
  epochs: number
  parameters: Partial<Record<KernelMode, number>>
  labels: string[]
  fig3: Fig3Point[]
  table1: Table1Row[]
  runs: { job: string; mode: KernelMode; loss: LossKind; lr: number; split: number; bestEpoch: number; validationDice: number | null; testDice: number | null; modelId: string | null }[]
}

function spread(values: readonly (number | null)[]): Spread {
  const present = values.filter((v): v is number => v !== null)
  const mean = meanOf(present)
  if (mean === null) return { mean: null, std: null, n: 0 }
  const std = Math.sqrt(present.reduce((s, v) => s + (v - mean) ** 2, 0) / present.length)
  return { mean, std, n: present.length }
}

/** Fig. 3 and Table 1 from the runs' reports (all on one dataset, size and label set). */
export function experimentReport(id: string, reports: readonly TrainingReport[]): ExperimentReport {
  if (reports.length === 0) throw new PerceptError('VALIDATION', 'An experiment report needs at least one finished run.')
  const first = reports[0]!
  const labels = first.labels
  for (const r of reports) {
    if (r.labels.join('\n') !== labels.join('\n')) throw new PerceptError('VALIDATION', `Run ${r.job} was trained on other labels than run ${first.job}; an experiment compares runs on one dataset.`)
  }
  const key = (r: { mode: string; loss: string; lr: number }): string => `${r.mode}|${r.loss}|${r.lr}`
  const groups = new Map<string, TrainingReport[]>()
  for (const r of reports) groups.set(key({ mode: r.mode, loss: r.loss, lr: r.learningRate }), [...(groups.get(key({ mode: r.mode, loss: r.loss, lr: r.learningRate })) ?? []), r])
  const fig3: Fig3Point[] = [...groups.values()].map((runs) => ({
    mode: runs[0]!.mode,
    loss: runs[0]!.loss,
    lr: runs[0]!.learningRate,
    validationDice: spread(runs.map((r) => r.validationMeanDice)),
    testDice: spread(runs.map((r) => r.test.meanDice)),
    jobs: runs.map((r) => r.job),
  }))
  const table1: Table1Row[] = []
  for (const mode of KERNEL_MODES) {
    for (const loss of LOSS_KINDS) {
      const points = fig3.filter((p) => p.mode === mode && p.loss === loss)
      if (points.length === 0) continue
      const best = points.reduce((a, b) => ((b.validationDice.mean ?? -1) > (a.validationDice.mean ?? -1) ? b : a))
      const runs = groups.get(key(best))!
      table1.push({
        mode,
        loss,
        lr: best.lr,
        structures: labels.slice(1).map((_, i) => spread(runs.map((r) => r.test.dice[i] ?? null))),
        mean: spread(runs.map((r) => r.test.meanDice)),
      })
    }
  }
  const parameters: Partial<Record<KernelMode, number>> = {}
  for (const r of reports) parameters[r.mode] = r.parameters
  return {
    format: 'percept-mri-experiment',
    version: 1,
    id,
    dataset: first.dataset.root,
    size: first.size,
    epochs: first.epochs,
    parameters,
    labels,
    fig3,
    table1,
    runs: reports.map((r) => ({ job: r.job, mode: r.mode, loss: r.loss, lr: r.learningRate, split: r.split.index, bestEpoch: r.bestEpoch, validationDice: r.validationMeanDice, testDice: r.test.meanDice, modelId: r.modelId })),
  }
}

const pct = (s: Spread): string => (s.mean === null ? '-' : s.n > 1 ? `${Math.round(100 * s.mean)}±${Math.round(100 * s.std!)}` : `${Math.round(100 * s.mean)}`)
/** 1e-3, 1e-3.5 for the paper's half decades (stored rounded to 6 digits), else the number. */
export const lrText = (lr: number): string => {
  const halves = 2 * Math.log10(lr)
  return Math.abs(halves - Math.round(halves)) < 1e-5 ? `1e${Math.round(halves) / 2}` : String(lr)
}

/** The report as Markdown: Fig. 3's data as a table (modes x losses by learning rate), then Table 1. */
export function experimentMarkdown(report: ExperimentReport): string {
  const lrs = [...new Set(report.fig3.map((p) => p.lr))].sort((a, b) => a - b)
  const fig3Rows = KERNEL_MODES.flatMap((mode) =>
    LOSS_KINDS.flatMap((loss) => {
      const points = report.fig3.filter((p) => p.mode === mode && p.loss === loss)
      if (points.length === 0) return []
      return [`| ${mode} | ${loss} | ${lrs.map((lr) => pct(points.find((p) => p.lr === lr)?.validationDice ?? { mean: null, std: null, n: 0 })).join(' | ')} |`]
    }),
  )
  const names = report.labels.slice(1)
  const table1Rows = report.table1.map((row) => `| ${row.mode} | ${row.loss} | ${lrText(row.lr)} | ${row.structures.map(pct).join(' | ')} | ${pct(row.mean)} |`)
  const params = Object.entries(report.parameters).map(([mode, n]) => `${mode} ${n.toLocaleString('en-US')}`).join(', ')
  return `# Segmentation sweep ${report.id} (paper 003's Fig. 3 and Table 1, our numbers)

Dataset ${report.dataset}; ${report.size}^3 model grid, ${report.epochs} epochs per run; ${report.runs.length} run(s). Parameters: ${params}.
Dice in %, mean±std over the splits run (a single split shows no std).

## Fig. 3: validation mean Dice against the learning rate

| mode | loss | ${lrs.map(lrText).join(' | ')} |
|---|---|${lrs.map(() => '---|').join('')}
${fig3Rows.join('\n')}

## Table 1: test Dice per structure at each mode and loss's best learning rate (by validation)

| mode | loss | lr | ${names.join(' | ')} | mean |
|---|---|---|${names.map(() => '---|').join('')}---|
${table1Rows.join('\n')}
`
}

/** Writes report.json and report.md into `dir` (each atomically); returns their paths. */
export async function writeExperimentReport(dir: string, report: ExperimentReport): Promise<{ json: string; markdown: string }> {
  const json = join(dir, 'report.json')
  const markdown = join(dir, 'report.md')
  await writeJsonAtomic(json, report)
  await writeFileAtomic(markdown, experimentMarkdown(report))
  return { json, markdown }
}
