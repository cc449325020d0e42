import type { JobState } from '../../../main/api'

/** States after which a job does nothing more unless it is resumed. */
export const endedJobStates: readonly JobState[] = ['done', 'failed', 'cancelled', 'interrupted']

/** States a resumable job can be continued from (its last checkpoint). */
export const resumableJobStates: readonly JobState[] = ['interrupted', 'failed', 'cancelled']

export function isJobActive(state: JobState): boolean {
  return state === 'queued' || state === 'running'
}

export function isJobEnded(state: JobState): boolean {
  return endedJobStates.includes(state)
}

export interface RunActions {
  /** A queued or running job can be stopped (after the user confirms). */
  cancel: boolean
  /** An interrupted, failed or cancelled job of a resumable kind can continue. */
  resume: boolean
}

/** Which actions a run offers in its state; `resumable` is the kind's (from jobs.get), false until known. */
export function runActions(state: JobState, resumable: boolean): RunActions {
  return { cancel: isJobActive(state), resume: resumable && resumableJobStates.includes(state) }
}

/** Human labels for the state badges. */
export const jobStateLabels: Record<JobState, string> = {
  queued: 'Queued',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
}
