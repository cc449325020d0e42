import type { SoundExperiment, SoundPreset, SoundPresetRef, SoundTrainingRun } from '../../../../../../main/api'

/**
 * The comparison table in the paper's shape (Group, Test, Model structure, clip accuracy mean ± std),
 * the same content `percept esc experiment` prints (main/sound/train/experiment.ts experimentMarkdown),
 * for an experiment or for runs picked by hand.
 */
export interface ComparisonRow {
  preset: SoundPresetRef
  jobId: string
  mean: number
  std: number
  folds: number
  /** The highest mean of the table, when one row alone has it. */
  best: boolean
}

/** "77.0%", as experimentMarkdown writes a share. */
export function formatShare(value: number): string {
  return `${(100 * value).toFixed(1)}%`
}

/** "77.0% ± 1.2%". */
export function formatMeanStd(mean: number, std: number): string {
  return `${formatShare(mean)} ± ${formatShare(std)}`
}

function markBest(rows: Omit<ComparisonRow, 'best'>[]): ComparisonRow[] {
  const top = Math.max(...rows.map((r) => r.mean))
  const alone = rows.filter((r) => r.mean === top).length === 1
  return rows.map((r) => ({ ...r, best: rows.length > 1 && alone && r.mean === top }))
}

export function rowsOfExperiment(experiment: SoundExperiment): ComparisonRow[] {
  return markBest(experiment.rows.map((r) => ({ preset: r.preset, jobId: r.jobId, mean: r.mean, std: r.std, folds: r.folds })))
}

/** Finished runs among `ids` as rows, in the presets' order (the paper's: table, group, test). */
export function rowsOfRuns(runs: readonly SoundTrainingRun[], ids: readonly string[], presets: readonly SoundPreset[]): ComparisonRow[] {
  const order = new Map(presets.map((p, i) => [p.name, i]))
  const rows = runs
    .filter((run) => ids.includes(run.id) && run.accuracy !== null)
    .flatMap((run) => {
      const preset = presets.find((p) => p.name === run.preset)
      if (!preset || !run.accuracy) return []
      const ref: SoundPresetRef = { name: preset.name, table: preset.table, group: preset.group, test: preset.test, notation: preset.notation }
      return [{ preset: ref, jobId: run.id, mean: run.accuracy.mean, std: run.accuracy.std, folds: run.folds.done }]
    })
    .sort((a, b) => (order.get(a.preset.name) ?? 0) - (order.get(b.preset.name) ?? 0) || a.jobId.localeCompare(b.jobId))
  return markBest(rows)
}

const tableTitles = {
  1: 'Different convolution network structure comparison',
  2: 'Dilated convolution with different dilation rate',
  3: 'Dilated convolution with different number of layers',
} as const

/** "Table 1: Different convolution network structure comparison", or what was compared for a mixed selection. */
export function experimentTitle(experiment: Pick<SoundExperiment, 'table' | 'jobs'>): string {
  if (experiment.table !== null) return `Table ${experiment.table}: ${tableTitles[experiment.table]}`
  return `Presets compared: ${experiment.jobs.map((j) => j.preset.name).join(', ')}`
}

/** "UrbanSound8K · folds 1, 2 · 50 epochs". */
export function experimentFacts(experiment: Pick<SoundExperiment, 'dataset' | 'folds' | 'epochs'>): string {
  return `${experiment.dataset} · held-out fold${experiment.folds.length === 1 ? '' : 's'} ${experiment.folds.join(', ')} · ${experiment.epochs} epoch${experiment.epochs === 1 ? '' : 's'}`
}
