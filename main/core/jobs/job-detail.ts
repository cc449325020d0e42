import type { JobDetail } from '../../api/jobs'
import type { JobRecord } from '../job-store'
import { peekCheckpoint } from './checkpoint'
import type { JobKindSpec } from './kind'

/**
 * A job as the API shows it in full: its stored record, whether its kind can resume it, and (for a
 * resumable kind) what the last checkpoint in its run folder holds, in the kind's words.
 */
export function jobDetail(record: JobRecord, spec: JobKindSpec | undefined, runDir: string): JobDetail {
  const checkpoint = spec?.resumable ? peekCheckpoint(runDir) : null
  return {
    id: record.id,
    kind: record.kind,
    title: record.title,
    state: record.state,
    fraction: record.fraction,
    stage: record.stage,
    etaSeconds: record.etaSeconds,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    input: record.input,
    result: record.result,
    error: record.error,
    resumable: spec?.resumable ?? false,
    attempts: record.attempts,
    checkpointEpoch: checkpoint?.epoch ?? null,
    checkpoint: checkpoint ? (spec?.describeCheckpoint?.(checkpoint, record.input) ?? `epoch ${checkpoint.epoch}`) : null,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
  }
}
