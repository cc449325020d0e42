import type { JobState, JobSummary } from '../api'
import type { Workspace } from './workspace'

interface JobRow {
  id: string
  kind: string
  state: JobState
  fraction: number
  stage: string
  eta_seconds: number | null
  created_at: string
  updated_at: string
}

function toSummary(row: JobRow): JobSummary {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    fraction: row.fraction,
    stage: row.stage,
    etaSeconds: row.eta_seconds,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/** Persisted jobs. The runner that executes them in worker threads builds on this table. */
export class JobStore {
  constructor(private readonly workspace: Workspace) {}

  list(states?: readonly JobState[]): JobSummary[] {
    const db = this.workspace.db
    const rows = (
      states && states.length
        ? db
            .prepare(`SELECT * FROM jobs WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY created_at DESC`)
            .all(...states)
        : db.prepare('SELECT * FROM jobs ORDER BY created_at DESC').all()
    ) as JobRow[]
    return rows.map(toSummary)
  }

  /** Jobs that were running when the app last stopped cannot still be running: mark them resumable. */
  markInterrupted(): number {
    return this.workspace.db
      .prepare(`UPDATE jobs SET state = 'interrupted', updated_at = ? WHERE state = 'running'`)
      .run(new Date().toISOString()).changes
  }
}
