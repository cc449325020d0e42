import { cpuUsage } from 'node:process'

/*
 * Where synthesis spends its time: per stage, wall-clock and CPU milliseconds (this process, every thread),
 * summed over the sentences of a text, filled in when the caller passes a record (`percept bench tts`).
 * Both, because on a shared machine the wall clock measures the neighbours too: CPU time says what the
 * stage costs, wall time what a listener waits.
 */

export const synthesisStages = ['frontEnd', 'durations', 'acoustic', 'generation', 'spectral', 'postFilter', 'vocoder'] as const
export type SynthesisStage = (typeof synthesisStages)[number]
export type StageTimes = Partial<Record<SynthesisStage, { wallMs: number; cpuMs: number }>>

/** A moment: wall-clock and CPU milliseconds. */
export interface Mark {
  wall: number
  cpu: number
}

export function mark(): Mark {
  const { user, system } = cpuUsage()
  return { wall: performance.now(), cpu: (user + system) / 1000 }
}

/** Adds the time since `since` to `stage` and returns now; without a record, only reads the clock. */
export function lap(times: StageTimes | undefined, stage: SynthesisStage, since: Mark): Mark {
  if (!times) return since
  const now = mark()
  const entry = (times[stage] ??= { wallMs: 0, cpuMs: 0 })
  entry.wallMs += now.wall - since.wall
  entry.cpuMs += now.cpu - since.cpu
  return now
}
