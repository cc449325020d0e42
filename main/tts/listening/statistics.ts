import { studentTQuantile } from './student-t'

/*
 * What a MUSHRA test reports per condition (ITU-R BS.1534-3, Sec. 9): the mean of every rating it got
 * (all listeners, all trials) with the 95% confidence interval mean ± t(0.975, n-1) · s / sqrt(n), s the
 * sample standard deviation (n - 1 in the denominator); and the post-screening of Sec. 4.1.2: a listener
 * who rates the hidden reference below 90 in more than 15% of the trials is left out of the summary.
 */

export interface ConditionStatistics {
  n: number
  mean: number
  /** Sample standard deviation; 0 for a single rating. */
  sd: number
  /** Half the width of the 95% interval; null with fewer than two ratings (no interval exists). */
  halfWidth: number | null
  low: number | null
  high: number | null
}

/** Mean, sample standard deviation and the two-sided `confidence` interval of the mean (t distribution). */
export function meanInterval(values: readonly number[], confidence = 0.95): ConditionStatistics {
  const n = values.length
  if (n === 0) return { n: 0, mean: Number.NaN, sd: Number.NaN, halfWidth: null, low: null, high: null }
  const mean = values.reduce((s, v) => s + v, 0) / n
  if (n === 1) return { n, mean, sd: 0, halfWidth: null, low: null, high: null }
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1))
  const halfWidth = (studentTQuantile(1 - (1 - confidence) / 2, n - 1) * sd) / Math.sqrt(n)
  return { n, mean, sd, halfWidth, low: mean - halfWidth, high: mean + halfWidth }
}

/** BS.1534-3 Sec. 4.1.2: the reference rated below `threshold` in more than `share` of a listener's trials. */
export function failsPostScreening(referenceRatings: readonly number[], threshold = 90, share = 0.15): boolean {
  if (referenceRatings.length === 0) return false
  return referenceRatings.filter((r) => r < threshold).length / referenceRatings.length > share
}
