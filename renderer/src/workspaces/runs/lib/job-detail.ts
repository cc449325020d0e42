import type { JobDetail, JobSummary } from '../../../../../main/api'

function time(iso: string): number {
  const parsed = Date.parse(iso)
  return Number.isNaN(parsed) ? 0 : parsed
}

/** The summary fields a `job.progress` event carries. */
const summaryKeys = ['state', 'fraction', 'stage', 'etaSeconds', 'updatedAt'] as const

/**
 * Applies a progress event to the detail shown: the event's state, progress and stage replace the
 * detail's unless the detail is already newer (a `jobs.get` answer and an event can cross).
 */
export function applySummary(detail: JobDetail, summary: JobSummary): JobDetail {
  if (summary.id !== detail.id || time(summary.updatedAt) < time(detail.updatedAt)) return detail
  const next = { ...detail }
  for (const key of summaryKeys) Object.assign(next, { [key]: summary[key] })
  return next
}

/**
 * Takes a fresh `jobs.get` answer, keeping the state and progress of `current` when an event made them
 * newer than the answer.
 */
export function mergeDetail(current: JobDetail | null, fresh: JobDetail): JobDetail {
  if (!current || current.id !== fresh.id || time(fresh.updatedAt) >= time(current.updatedAt)) return fresh
  const next = { ...fresh }
  for (const key of summaryKeys) Object.assign(next, { [key]: current[key] })
  return next
}
