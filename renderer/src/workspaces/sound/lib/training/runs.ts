import type { CrossValidationReportData, JobSummary, SoundTrainingRun } from '../../../../../../main/api'

export const soundTrainKind = 'sound.train'

function time(iso: string): number {
  const parsed = Date.parse(iso)
  return Number.isNaN(parsed) ? 0 : parsed
}

/** The fields a job.progress event carries that a listed run shows. */
const summaryKeys = ['state', 'fraction', 'stage', 'etaSeconds', 'updatedAt', 'startedAt', 'finishedAt'] as const

/**
 * Applies a job.progress event to the listed runs: the run's state and progress change unless the list
 * already holds a newer state of it. Answers the same array when nothing changed (an unknown run: the
 * caller fetches the list again).
 */
export function applyRunProgress(runs: readonly SoundTrainingRun[], summary: JobSummary): readonly SoundTrainingRun[] {
  const index = runs.findIndex((run) => run.id === summary.id)
  const run = runs[index]
  if (!run || time(summary.updatedAt) < time(run.updatedAt)) return runs
  const next = [...runs]
  const changed = { ...run }
  for (const key of summaryKeys) Object.assign(changed, { [key]: summary[key] })
  next[index] = changed
  return next
}

/** A fresh list keeps the progress of runs whose events overtook the answer. */
export function mergeRuns(current: readonly SoundTrainingRun[], fresh: readonly SoundTrainingRun[]): SoundTrainingRun[] {
  const known = new Map(current.map((run) => [run.id, run]))
  return fresh.map((run) => {
    const mine = known.get(run.id)
    if (!mine || time(run.updatedAt) >= time(mine.updatedAt)) return run
    const next = { ...run }
    for (const key of summaryKeys) Object.assign(next, { [key]: mine[key] })
    return next
  })
}

/** "1 of 2 folds", "2 of all folds", "10 folds". */
export function foldsText(run: Pick<SoundTrainingRun, 'state' | 'folds'>): string {
  const { done, total } = run.folds
  if (run.state === 'done') return `${done} fold${done === 1 ? '' : 's'}`
  return `${done} of ${total === null ? 'all' : total} fold${total === 1 ? '' : 's'}`
}

export interface FoldRow {
  fold: number
  trainFolds: number[]
  trainClips: number
  validationClips: number
  testClips: number
  accuracy: number
  /** Clips of the held-out fold predicted right (the confusion matrix's diagonal). */
  correct: number
  validationAccuracy: number | null
}

export function foldRows(report: CrossValidationReportData): FoldRow[] {
  return report.folds.map((f) => ({
    fold: f.fold,
    trainFolds: f.trainFolds,
    trainClips: f.trainClips,
    validationClips: f.validationClips,
    testClips: f.testClips,
    accuracy: f.accuracy,
    correct: f.confusion.reduce((sum, row, k) => sum + (row[k] ?? 0), 0),
    validationAccuracy: f.validationAccuracy,
  }))
}

export interface ClassAccuracy {
  name: string
  /** Mean over the folds that had clips of the class; null when none had. */
  accuracy: number | null
  /** Clips of the class over the held-out folds. */
  clips: number
}

export function classAccuracies(report: CrossValidationReportData): ClassAccuracy[] {
  return report.classNames.map((name, k) => ({
    name,
    accuracy: report.summary.perClass[k] ?? null,
    clips: (report.summary.confusion[k] ?? []).reduce((a, b) => a + b, 0),
  }))
}

/** The confusion matrix of one held-out fold, or summed over the folds (fold null). */
export function confusionOf(report: CrossValidationReportData, fold: number | null): number[][] {
  if (fold === null) return report.summary.confusion
  return report.folds.find((f) => f.fold === fold)?.confusion ?? report.summary.confusion
}
