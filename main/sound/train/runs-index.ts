import { readFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import {
  crossValidationReportSchema,
  type CrossValidationReportData,
  type JobDetail,
  type JobSummary,
  type MetricSeries,
  type SoundTrainingRun,
} from '../../api'
import { PerceptError } from '../../core/errors'
import { partialReportFileName, reportFileName, type CrossValidationReport } from './report'

/** What the training index needs of the job runner (main/core/jobs/job-runner.ts JobRunner has it all). */
export interface TrainingJobs {
  list(): JobSummary[]
  get(id: string): JobDetail
  start(kind: string, input: unknown): JobSummary
  cancel(id: string): Promise<JobSummary>
  metrics(id: string): MetricSeries[]
}

/** Where the training index looks: the job runner, and the workspace's runs/ folder (runs/<job>/report.json). */
export interface TrainingContext {
  jobs: TrainingJobs
  runsDir: string
}

export const soundTrainKind = 'sound.train'

// The report the job writes and the API's schema of it must stay the same shape, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const reportShapesAgree: Same<Omit<CrossValidationReport, 'config'>, Omit<CrossValidationReportData, 'config'>> = true
const configFits: CrossValidationReport['config'] extends CrossValidationReportData['config'] ? true : false = true
void reportShapesAgree
void configFits

/** The fields of a sound.train input the index reads (the job runner stored it parsed, defaults filled). */
interface TrainInputView {
  dataset: string
  preset: string
  folds: number[] | null
  epochs: number
}

function inputView(input: unknown): TrainInputView {
  const value = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>
  const folds = Array.isArray(value.folds) && value.folds.every((f) => Number.isInteger(f)) ? (value.folds as number[]) : null
  return {
    dataset: typeof value.dataset === 'string' ? value.dataset : '',
    preset: typeof value.preset === 'string' ? value.preset : 'dilated',
    folds,
    epochs: typeof value.epochs === 'number' ? value.epochs : 0,
  }
}

/** A data set's name from its path, before its report names it: the folder, or the CSV's data set folder. */
export function datasetNameOf(path: string): string {
  if (!/\.csv$/i.test(path)) return basename(path) || path
  const folder = dirname(path)
  return ['metadata', 'meta'].includes(basename(folder).toLowerCase()) ? basename(dirname(folder)) : basename(folder)
}

export function reportPath(runsDir: string, id: string, file = reportFileName): string {
  return join(runsDir, id, file)
}

/** runs/<id>/report.json (or another report file there) checked against the API's schema; null when there is none. */
export async function readReportFile(runsDir: string, id: string, file = reportFileName): Promise<CrossValidationReportData | null> {
  const path = reportPath(runsDir, id, file)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new PerceptError('INVALID_FILE', `Cannot read ${path}: ${(error as Error).message}.`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new PerceptError('INVALID_FILE', `${path} is not JSON (${(error as Error).message}). Resume or restart the run to write it again.`)
  }
  const parsed = crossValidationReportSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new PerceptError('INVALID_FILE', `${path} is not a cross-validation report (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown shape'}).`)
  }
  return parsed.data
}

/** The job's result when it is a report (done runs carry it, model id included). */
function resultReport(detail: JobDetail): CrossValidationReportData | null {
  const parsed = crossValidationReportSchema.safeParse(detail.result)
  return parsed.success ? parsed.data : null
}

/**
 * A sound.train job's report: its result once done, else runs/<id>/report.json, else the partial report of the
 * folds done so far (with `partial`); NOT_FOUND until a first fold is done.
 */
export async function trainingReport(context: TrainingContext, id: string): Promise<CrossValidationReportData> {
  const detail = requireTrainingJob(context.jobs, id)
  const fromResult = resultReport(detail)
  if (fromResult) return fromResult
  const fromFile = await readReportFile(context.runsDir, id)
  if (fromFile) return { ...fromFile, modelId: fromFile.modelId ?? null }
  const partial = await readReportFile(context.runsDir, id, partialReportFileName)
  if (partial?.partial) return { ...partial, modelId: null }
  const done = foldsDone(context.jobs, detail, null)
  const when =
    detail.state === 'queued' || detail.state === 'running'
      ? `Its first part comes when the first held-out fold has been evaluated (${done} fold${done === 1 ? '' : 's'} done so far).`
      : `The run ended ${detail.state} before it wrote one; resume it to finish the folds.`
  throw new PerceptError('NOT_FOUND', `Run ${id} has no report yet. ${when}`)
}

/** The job, which must be a sound.train job; NOT_FOUND otherwise. */
export function requireTrainingJob(jobs: TrainingJobs, id: string): JobDetail {
  const detail = jobs.get(id)
  if (detail.kind !== soundTrainKind) {
    throw new PerceptError('NOT_FOUND', `Job ${id} is a ${detail.kind} job, not a sound cross-validation run (${soundTrainKind}).`)
  }
  return detail
}

/** Held-out folds finished: the report's, else the test_accuracy points the job records as each fold ends. */
function foldsDone(jobs: TrainingJobs, detail: JobDetail, report: CrossValidationReportData | null): number {
  if (report) return report.folds.length
  if (detail.state === 'queued' && detail.attempts === 0) return 0
  try {
    const series = jobs.metrics(detail.id).find((s) => s.name === 'test_accuracy' && s.scope === 'epoch')
    return series?.points.length ?? 0
  } catch {
    return 0
  }
}

/**
 * Every sound.train job, newest first: preset, data set, folds done of how many, and once done the mean
 * and std of its folds' clip accuracy. `experimentOf` maps a job id to the experiment it belongs to.
 */
export async function listTrainingRuns(context: TrainingContext, experimentOf: ReadonlyMap<string, string> = new Map()): Promise<SoundTrainingRun[]> {
  const summaries = context.jobs.list().filter((job) => job.kind === soundTrainKind)
  const runs: SoundTrainingRun[] = []
  for (const summary of summaries) {
    let detail: JobDetail
    try {
      detail = context.jobs.get(summary.id)
    } catch {
      continue // deleted between the list and now
    }
    const input = inputView(detail.input)
    let report = resultReport(detail)
    if (!report && detail.state !== 'queued') report = await readReportFile(context.runsDir, detail.id).catch(() => null)
    const total = input.folds?.length ?? (report && detail.state === 'done' ? report.folds.length : null)
    runs.push({
      id: detail.id,
      kind: detail.kind,
      title: detail.title,
      state: detail.state,
      fraction: detail.fraction,
      stage: detail.stage,
      etaSeconds: detail.etaSeconds,
      createdAt: detail.createdAt,
      updatedAt: detail.updatedAt,
      startedAt: detail.startedAt,
      finishedAt: detail.finishedAt,
      preset: report?.preset ?? input.preset,
      dataset: { path: input.dataset, name: report?.dataset.name ?? datasetNameOf(input.dataset) },
      folds: { done: foldsDone(context.jobs, detail, report), total, list: input.folds },
      epochs: report?.epochs ?? input.epochs,
      accuracy: detail.state === 'done' && report ? report.summary.accuracy : null,
      modelId: report?.modelId ?? null,
      error: detail.error,
      experimentId: experimentOf.get(detail.id) ?? null,
    })
  }
  return runs
}
