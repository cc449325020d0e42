import type { JobState, JobSummary } from '../api'
import type { JobError, JobLogLine } from '../api/jobs'
import type { LogLevel } from './logger'
import type { Workspace } from './workspace'

interface JobRow {
  id: string
  kind: string
  title: string | null
  state: JobState
  input: string
  fraction: number
  stage: string
  eta_seconds: number | null
  error: string | null
  result: string | null
  attempts: number
  queued_at: string | null
  started_at: string | null
  finished_at: string | null
  created_at: string
  updated_at: string
}

/** A job as stored, with its JSON columns parsed. */
export interface JobRecord extends JobSummary {
  input: unknown
  result: unknown
  error: JobError | null
  attempts: number
  queuedAt: string | null
}

/** Columns a state or progress change may set; updated_at is always set. */
export interface JobUpdate {
  state?: JobState
  fraction?: number
  stage?: string
  etaSeconds?: number | null
  error?: JobError | null
  result?: unknown
  attempts?: number
  queuedAt?: string | null
  startedAt?: string | null
  finishedAt?: string | null
}

const columns: Record<keyof JobUpdate, string> = {
  state: 'state',
  fraction: 'fraction',
  stage: 'stage',
  etaSeconds: 'eta_seconds',
  error: 'error',
  result: 'result',
  attempts: 'attempts',
  queuedAt: 'queued_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
}

function toSummary(row: JobRow): JobSummary {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title ?? row.kind,
    state: row.state,
    fraction: row.fraction,
    stage: row.stage,
    etaSeconds: row.eta_seconds,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
  }
}

function parse(text: string | null): unknown {
  return text === null ? null : (JSON.parse(text) as unknown)
}

function toRecord(row: JobRow): JobRecord {
  return {
    ...toSummary(row),
    input: parse(row.input),
    result: parse(row.result),
    error: parse(row.error) as JobError | null,
    attempts: row.attempts,
    queuedAt: row.queued_at,
  }
}

/** The longest log line kept; a kind that logs a whole tensor gets it cut here. */
const maxLogChars = 8000

/** Persisted jobs and their log lines. The JobRunner owns every change of state; this class only stores. */
export class JobStore {
  constructor(private readonly workspace: Workspace) {}

  list(states?: readonly JobState[]): JobSummary[] {
    const db = this.workspace.db
    const rows = (
      states && states.length
        ? db
            .prepare(
              `SELECT * FROM jobs WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY created_at DESC, rowid DESC`,
            )
            .all(...states)
        : db.prepare('SELECT * FROM jobs ORDER BY created_at DESC, rowid DESC').all()
    ) as JobRow[]
    return rows.map(toSummary)
  }

  get(id: string): JobRecord | null {
    const row = this.workspace.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined
    return row ? toRecord(row) : null
  }

  summary(id: string): JobSummary | null {
    const row = this.workspace.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined
    return row ? toSummary(row) : null
  }

  insert(job: { id: string; kind: string; title: string; input: unknown; stage: string; time: string }): JobSummary {
    this.workspace.db
      .prepare(
        `INSERT INTO jobs (id, kind, title, state, input, fraction, stage, created_at, updated_at, queued_at)
         VALUES (?, ?, ?, 'queued', ?, 0, ?, ?, ?, ?)`,
      )
      .run(job.id, job.kind, job.title, JSON.stringify(job.input ?? null), job.stage, job.time, job.time, job.time)
    return this.summary(job.id)!
  }

  update(id: string, change: JobUpdate, time = new Date().toISOString()): JobSummary {
    const sets: string[] = ['updated_at = ?']
    const values: unknown[] = [time]
    for (const [key, value] of Object.entries(change) as [keyof JobUpdate, unknown][]) {
      if (value === undefined) continue
      sets.push(`${columns[key]} = ?`)
      values.push(key === 'error' || key === 'result' ? (value === null ? null : JSON.stringify(value)) : value)
    }
    this.workspace.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ?`).run(...values, id)
    return this.summary(id)!
  }

  /** Jobs waiting for a worker, in the order they were queued. */
  queuedIds(): string[] {
    return (
      this.workspace.db.prepare(`SELECT id FROM jobs WHERE state = 'queued' ORDER BY queued_at, rowid`).all() as {
        id: string
      }[]
    ).map((row) => row.id)
  }

  /** Jobs that were running when the app last stopped cannot still be running: mark them resumable. */
  markInterrupted(): number {
    return this.workspace.db
      .prepare(`UPDATE jobs SET state = 'interrupted', eta_seconds = NULL, updated_at = ? WHERE state = 'running'`)
      .run(new Date().toISOString()).changes
  }

  appendLog(id: string, level: LogLevel, message: string, time = new Date().toISOString()): JobLogLine {
    const text = message.length > maxLogChars ? `${message.slice(0, maxLogChars)}… (${message.length} characters)` : message
    const row = this.workspace.db
      .prepare(
        `INSERT INTO job_logs (job_id, seq, time, level, message)
         VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM job_logs WHERE job_id = ?), ?, ?, ?)
         RETURNING seq`,
      )
      .get(id, id, time, level, text) as { seq: number }
    return { seq: row.seq, time, level, message: text }
  }

  logs(id: string, after = 0, limit = 1000): JobLogLine[] {
    return this.workspace.db
      .prepare('SELECT seq, time, level, message FROM job_logs WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?')
      .all(id, after, limit) as JobLogLine[]
  }
}
