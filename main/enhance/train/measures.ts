/*
 * The paper's measures (Tables I and II).
 *  - Masks: a predicted unit is 1 where the model's output is >= 0.5; F1 and accuracy are counted over
 *    every unit (frame x bin) of a split part together (micro-averaged), F1 = 2 TP / (2 TP + FP + FN),
 *    accuracy = (TP + TN) / units. F1 is 0 when neither mask holds a one (scikit-learn's zero_division=0).
 *  - Firing rates. A sigmoid unit's output e in [0, 1] is its event rate as a fraction of its highest
 *    rate (Payeur et al.: the rate of events, each a single spike or a burst); the paper measures energy
 *    by how often neurons fire, so a layer's firing rate for an epoch is the mean of e over its units and
 *    over the part's examples: the same measure for the three models. For MBURST we also give the burst
 *    probability p and the burst rate b = p e (with teaching, while training): bursts are the extra spikes.
 *    The network's rate is the mean of its layers' rates (each layer counts once, whatever its size).
 *  - Table II: the area under a rate's curve over the epochs, by the trapezoid rule with one epoch
 *    between points (a constant rate r over E epochs gives r (E - 1)).
 */

export const MASK_THRESHOLD = 0.5

export interface MaskCounts {
  tp: number
  fp: number
  fn: number
  tn: number
}

export const emptyCounts = (): MaskCounts => ({ tp: 0, fp: 0, fn: 0, tn: 0 })

/** Adds the units of a predicted mask (thresholded at 0.5) against a 0/1 target to `into`. */
export function countMask(predicted: ArrayLike<number>, target: ArrayLike<number>, into: MaskCounts = emptyCounts()): MaskCounts {
  if (predicted.length !== target.length) throw new Error(`A mask of ${predicted.length} units cannot be compared with a target of ${target.length}.`)
  for (let i = 0; i < predicted.length; i++) {
    const p = predicted[i]! >= MASK_THRESHOLD
    const t = target[i]! >= MASK_THRESHOLD
    if (p && t) into.tp++
    else if (p) into.fp++
    else if (t) into.fn++
    else into.tn++
  }
  return into
}

export function addCounts(into: MaskCounts, more: MaskCounts): MaskCounts {
  into.tp += more.tp
  into.fp += more.fp
  into.fn += more.fn
  into.tn += more.tn
  return into
}

export function f1Score(c: MaskCounts): number {
  const denominator = 2 * c.tp + c.fp + c.fn
  return denominator === 0 ? 0 : (2 * c.tp) / denominator
}

export function maskAccuracy(c: MaskCounts): number {
  const units = c.tp + c.fp + c.fn + c.tn
  return units === 0 ? 0 : (c.tp + c.tn) / units
}

/** Trapezoid area under values at epochs 1, 2, ... (0 for fewer than two points). */
export function areaUnderCurve(values: readonly number[]): number {
  let area = 0
  for (let i = 1; i < values.length; i++) area += (values[i - 1]! + values[i]!) / 2
  return area
}

export const meanOf = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length)
