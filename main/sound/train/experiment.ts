import { listPresets, type EscPreset } from '../model'
import type { CrossValidationReport } from './report'
import { counted, listed } from '../../core/counted'

/** One row of an experiment: a preset of the paper's table and its cross-validation report. */
export interface ExperimentRow {
  preset: Pick<EscPreset, 'name' | 'table' | 'group' | 'test' | 'notation'>
  jobId: string
  report: CrossValidationReport
}

export interface Experiment {
  table: 1 | 2 | 3
  dataset: string
  folds: number[]
  epochs: number
  createdAt: string
  rows: ExperimentRow[]
}

/** The presets of one of the paper's Tables 1-3, in its order (group, then test). */
export function tablePresets(table: 1 | 2 | 3): EscPreset[] {
  return listPresets()
    .filter((p) => p.table === table && p.name.startsWith(`t${table}-`))
    .sort((a, b) => a.group - b.group || a.test - b.test)
}

const titles = {
  1: 'Different convolution network structure comparison.',
  2: 'Dilated convolution with different dilation rate.',
  3: 'Dilated convolution with different number of layers.',
} as const

/** The experiment as the paper's table (Group, Test, Model structure), our clip accuracies beside it. */
export function experimentMarkdown(experiment: Experiment): string {
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`
  const rows = experiment.rows.map(
    (r) => `| Group${r.preset.group} | Test${r.preset.test} | ${r.preset.notation} | ${pct(r.report.summary.accuracy.mean)} +- ${pct(r.report.summary.accuracy.std)} | ${r.preset.name} | ${r.jobId} |`,
  )
  return [
    `Table ${experiment.table}: ${titles[experiment.table]} (our numbers: ${experiment.dataset}, ${listed(experiment.folds, 'held-out fold')}, ${counted(experiment.epochs, 'epoch')})`,
    '',
    '| Group | Test | Model structure | Clip accuracy (mean +- std over folds) | Preset | Run |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n')
}
