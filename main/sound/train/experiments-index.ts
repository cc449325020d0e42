import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { crossValidationReportSchema, type CrossValidationReportData, type JobDetail, type JobState, type SoundExperiment, type SoundExperimentRow, type SoundPresetRef } from '../../api'
import { writeFileAtomic } from '../../core/atomic-file'
import { experimentsDir, readExperimentFiles, type ExperimentFile } from './experiment-manifest'
import type { Experiment } from './experiment'
import type { CrossValidationReport } from './report'
import { readReportFile, type TrainingContext } from './runs-index'
import { counted, listed } from '../../core/counted'

/** A row as the comparison table shows it, from a run's report. */
function rowOf(preset: SoundPresetRef, jobId: string, report: CrossValidationReportData): SoundExperimentRow {
  return { preset, jobId, mean: report.summary.accuracy.mean, std: report.summary.accuracy.std, folds: report.folds.length }
}

/**
 * The experiment in the paper's table shape, as experiment.ts prints it. A selection of presets from
 * several tables has no title of its own in the paper: its first line says what was compared instead.
 */
export async function comparisonMarkdown(table: 1 | 2 | 3 | null, experiment: Omit<Experiment, 'table'>): Promise<string> {
  // experiment.ts reaches the model builder (TF.js layers): loaded when a table is first printed.
  const { experimentMarkdown } = await import('./experiment')
  const text = experimentMarkdown({ ...experiment, table: table ?? 1 })
  if (table !== null) return text
  const names = experiment.rows.map((r) => r.preset.name).join(', ')
  const [, ...rest] = text.split('\n')
  return [`Presets compared: ${names} (our numbers: ${experiment.dataset}, ${listed(experiment.folds, 'held-out fold')}, ${counted(experiment.epochs, 'epoch')})`, ...rest].join('\n')
}

function stateOf(states: readonly (JobState | null)[]): SoundExperiment['state'] {
  if (states.every((s) => s === 'done')) return 'done'
  if (states.some((s) => s === 'queued' || s === 'running')) return 'running'
  return 'stopped'
}

function jobDetail(context: TrainingContext, id: string): JobDetail | null {
  try {
    return context.jobs.get(id)
  } catch {
    return null // the job is gone from the workspace
  }
}

async function reportOf(context: TrainingContext, detail: JobDetail): Promise<CrossValidationReportData | null> {
  const result = crossValidationReportSchema.safeParse(detail.result)
  if (result.success) return result.data
  return readReportFile(context.runsDir, detail.id).catch(() => null)
}

async function fromCliTable(context: TrainingContext, file: Extract<ExperimentFile, { source: 'cli' }>): Promise<SoundExperiment> {
  const { table } = file
  const experiment = { ...table, rows: table.rows.map((r) => ({ ...r, report: r.report as unknown as CrossValidationReport })) }
  return {
    id: file.id,
    source: 'cli',
    table: table.table,
    dataset: table.dataset,
    folds: table.folds,
    epochs: table.epochs,
    createdAt: table.createdAt,
    state: 'done',
    jobs: table.rows.map((r) => ({ preset: r.preset, jobId: r.jobId, state: jobDetail(context, r.jobId)?.state ?? null })),
    rows: table.rows.map((r) => rowOf(r.preset, r.jobId, r.report)),
    markdown: await comparisonMarkdown(table.table, experiment),
  }
}

async function fromManifest(context: TrainingContext, file: Extract<ExperimentFile, { source: 'app' }>): Promise<SoundExperiment> {
  const { manifest } = file
  const jobs: SoundExperiment['jobs'] = []
  const rows: SoundExperimentRow[] = []
  const reports: Experiment['rows'] = []
  let datasetName = manifest.dataset.name
  for (const { preset, jobId } of manifest.jobs) {
    const detail = jobDetail(context, jobId)
    jobs.push({ preset, jobId, state: detail?.state ?? null })
    if (detail?.state !== 'done') continue
    const report = await reportOf(context, detail)
    if (!report) continue
    datasetName = report.dataset.name
    rows.push(rowOf(preset, jobId, report))
    reports.push({ preset, jobId, report: report as unknown as CrossValidationReport })
  }
  const state = stateOf(jobs.map((j) => j.state))
  let markdown: string | null = null
  if (state === 'done' && rows.length === jobs.length) {
    markdown = await comparisonMarkdown(manifest.table, { dataset: datasetName, folds: manifest.folds, epochs: manifest.epochs, createdAt: manifest.createdAt, rows: reports })
    // Kept with the runs, as `percept esc experiment` keeps its tables: written once, on the first read after the last run.
    const path = join(experimentsDir(context.runsDir), `${file.id}.md`)
    if (!existsSync(path)) await writeFileAtomic(path, markdown)
  }
  return {
    id: file.id,
    source: 'app',
    table: manifest.table,
    dataset: datasetName,
    folds: manifest.folds,
    epochs: manifest.epochs,
    createdAt: manifest.createdAt,
    state,
    jobs,
    rows,
    markdown,
  }
}

/** Every experiment under runs/experiments/, newest first; the tables of app experiments are computed from their runs now. */
export async function listExperiments(context: TrainingContext, files?: readonly ExperimentFile[]): Promise<SoundExperiment[]> {
  const list: SoundExperiment[] = []
  for (const file of files ?? (await readExperimentFiles(context.runsDir))) {
    list.push(file.source === 'cli' ? await fromCliTable(context, file) : await fromManifest(context, file))
  }
  return list.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
}
