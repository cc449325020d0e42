import type { MetricSeries } from '../../api/jobs'
import { PerceptError } from '../errors'
import type { Workspace } from '../workspace'
import type { MetricInput } from './kind'

interface MetricRow {
  name: string
  scope: 'step' | 'epoch'
  epoch: number | null
  step: number | null
  value: number | null
  time: string
}

function checkIndex(label: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw new PerceptError('VALIDATION', `A metric's ${label} must be a whole number >= 0 (got ${value}).`)
  }
}

/**
 * Per-step and per-epoch metric history of jobs. A point is keyed by (job, name, scope, step or epoch),
 * so reporting one twice replaces it; a resume first drops what lies after its checkpoint.
 */
export class MetricStore {
  constructor(private readonly workspace: Workspace) {}

  record(jobId: string, point: MetricInput, time = new Date().toISOString()): void {
    checkIndex('epoch', point.epoch)
    checkIndex('step', point.step)
    const scope = point.step !== undefined ? 'step' : 'epoch'
    const idx = point.step ?? point.epoch
    if (idx === undefined) {
      throw new PerceptError('VALIDATION', `The metric "${point.name}" needs an epoch or a step.`)
    }
    const value = Number.isFinite(point.value) ? point.value : null
    this.workspace.db
      .prepare(
        `INSERT INTO job_metrics (job_id, name, scope, idx, epoch, step, value, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (job_id, name, scope, idx) DO UPDATE SET epoch = excluded.epoch, value = excluded.value, time = excluded.time`,
      )
      .run(jobId, point.name, scope, idx, point.epoch ?? null, point.step ?? null, value, time)
  }

  /**
   * Forgets every point after the given epoch (all points when epoch is 0): a resumed run repeats that
   * work, and the history must show each epoch once. Step points reported without an epoch cannot be
   * placed and stay; a repeated step replaces its old point anyway.
   */
  deleteAfterEpoch(jobId: string, epoch: number): number {
    const db = this.workspace.db
    if (epoch <= 0) return db.prepare('DELETE FROM job_metrics WHERE job_id = ?').run(jobId).changes
    return db.prepare('DELETE FROM job_metrics WHERE job_id = ? AND epoch > ?').run(jobId, epoch).changes
  }

  series(jobId: string): MetricSeries[] {
    const rows = this.workspace.db
      .prepare(
        'SELECT name, scope, epoch, step, value, time FROM job_metrics WHERE job_id = ? ORDER BY name, scope, idx',
      )
      .all(jobId) as MetricRow[]
    const result: MetricSeries[] = []
    for (const row of rows) {
      let series = result[result.length - 1]
      if (!series || series.name !== row.name || series.scope !== row.scope) {
        series = { name: row.name, scope: row.scope, points: [] }
        result.push(series)
      }
      series.points.push({ epoch: row.epoch, step: row.step, value: row.value, time: row.time })
    }
    return result
  }
}
