import type { JobState, JobSummary } from '../../../main/api'

/** States in which a job still holds (or waits for) a worker. */
export const activeJobStates: readonly JobState[] = ['queued', 'running']

function time(iso: string): number {
  const parsed = Date.parse(iso)
  return Number.isNaN(parsed) ? 0 : parsed
}

/** True when `candidate` is at least as recent as `current` (ties go to the candidate: it arrived later). */
function isNewer(candidate: JobSummary, current: JobSummary): boolean {
  return time(candidate.updatedAt) >= time(current.updatedAt)
}

/** Newest first, the order `jobs.list` answers in. */
export function sortJobs(jobs: JobSummary[]): JobSummary[] {
  return [...jobs].sort((a, b) => time(b.createdAt) - time(a.createdAt) || b.id.localeCompare(a.id))
}

/**
 * Applies one progress event: replaces the job with that id unless the list already holds a newer state
 * of it (events and a `jobs.list` answer can cross), or adds it.
 */
export function upsertJob(jobs: readonly JobSummary[], job: JobSummary): JobSummary[] {
  const index = jobs.findIndex((existing) => existing.id === job.id)
  if (index === -1) return sortJobs([...jobs, job])
  const existing = jobs[index]
  if (existing && !isNewer(job, existing)) return [...jobs]
  const next = [...jobs]
  next[index] = job
  return next
}

/**
 * Replaces the list with a fresh `jobs.list` answer. Where the list already holds a newer state of a job
 * (an event overtook the answer) that state stays; jobs the answer lacks are dropped unless their id is in
 * `keep`: jobs that events announced while the request was in flight, created after the server answered.
 */
export function mergeJobList(
  current: readonly JobSummary[],
  fresh: readonly JobSummary[],
  keep: ReadonlySet<string> = new Set(),
): JobSummary[] {
  const known = new Map(current.map((job) => [job.id, job]))
  const freshIds = new Set(fresh.map((job) => job.id))
  const merged = fresh.map((job) => {
    const existing = known.get(job.id)
    return existing && !isNewer(job, existing) ? existing : job
  })
  const announced = current.filter((job) => keep.has(job.id) && !freshIds.has(job.id))
  return sortJobs([...merged, ...announced])
}

export function countInState(jobs: readonly JobSummary[], state: JobState): number {
  return jobs.reduce((count, job) => (job.state === state ? count + 1 : count), 0)
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
}

/** The status bar's summary: "No jobs running", "1 job running", "2 jobs running, 1 queued". */
export function describeJobCounts(running: number, queued: number): string {
  const head = running === 0 ? 'No jobs running' : `${plural(running, 'job')} running`
  return queued > 0 ? `${head}, ${queued} queued` : head
}

/** "12 s", "3 min", "1 h 5 min" for an ETA; an em dash while unknown. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—'
  if (seconds < 60) return `${Math.round(seconds)} s`
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`
}
