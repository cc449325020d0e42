import type { Logger } from '../logger'
import type { ConcurrencyGroup } from './kind'

function positiveInt(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null
  const value = Number(text)
  return Number.isInteger(value) && value >= 1 ? value : null
}

/**
 * How many jobs of each group may run at once: the limits given, else for training
 * PERCEPT_MAX_TRAINING_JOBS (a whole number >= 1; anything else is warned of and ignored) or 1,
 * and 2 for the default group.
 */
export function concurrencyLimits(
  limits: Partial<Record<ConcurrencyGroup, number>> | undefined,
  env: NodeJS.ProcessEnv,
  log: Logger,
): Record<ConcurrencyGroup, number> {
  const fromEnv = positiveInt(env.PERCEPT_MAX_TRAINING_JOBS)
  if (env.PERCEPT_MAX_TRAINING_JOBS !== undefined && fromEnv === null) {
    log.warn(`PERCEPT_MAX_TRAINING_JOBS=${env.PERCEPT_MAX_TRAINING_JOBS} is not a whole number >= 1; using 1.`)
  }
  return {
    training: limits?.training ?? fromEnv ?? 1,
    default: limits?.default ?? 2,
  }
}
