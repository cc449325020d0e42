/**
 * From segment probabilities to clip predictions and the paper's figures: a clip's class is the
 * arg-max of its segments' mean probability (the paper's protocol), or their majority vote (ties to
 * the higher mean probability); accuracy, per-class accuracy, confusion matrix, mean +- std.
 */

export type Aggregation = 'mean' | 'vote'

export interface ClipSpan {
  classId: number
  /** First segment and count in the probability matrix's rows. */
  first: number
  count: number
}

export interface ClipPrediction {
  predicted: number
  /** Mean probability per class over the clip's segments. */
  probabilities: number[]
}

/** probabilities: rows of `classes` values, one per segment. */
export function predictClips(probabilities: Float32Array, classes: number, clips: readonly ClipSpan[], aggregation: Aggregation = 'mean'): ClipPrediction[] {
  return clips.map((clip) => {
    const mean = new Array<number>(classes).fill(0)
    const votes = new Array<number>(classes).fill(0)
    for (let s = clip.first; s < clip.first + clip.count; s++) {
      let best = 0
      for (let k = 0; k < classes; k++) {
        const p = probabilities[s * classes + k]!
        mean[k]! += p / clip.count
        if (p > probabilities[s * classes + best]!) best = k
      }
      votes[best]!++
    }
    const score = aggregation === 'mean' ? mean : votes.map((v, k) => v + mean[k]! * 1e-6)
    return { predicted: argMax(score), probabilities: mean }
  })
}

export function argMax(values: ArrayLike<number>): number {
  let best = 0
  for (let k = 1; k < values.length; k++) if (values[k]! > values[best]!) best = k
  return best
}

/** matrix[truth][predicted] counts. */
export function confusionMatrix(truth: readonly number[], predicted: readonly number[], classes: number): number[][] {
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0))
  truth.forEach((t, i) => matrix[t]![predicted[i]!]!++)
  return matrix
}

export function accuracy(truth: readonly number[], predicted: readonly number[]): number {
  if (truth.length === 0) return 0
  return truth.filter((t, i) => t === predicted[i]).length / truth.length
}

/** Per class: correct / clips of that class, null for a class without clips. */
export function perClassAccuracy(matrix: number[][]): (number | null)[] {
  return matrix.map((row, k) => {
    const total = row.reduce((a, b) => a + b, 0)
    return total === 0 ? null : row[k]! / total
  })
}

/** Mean and sample standard deviation (n - 1), as papers report over folds; std 0 for one value. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  if (values.length === 0) return { mean: 0, std: 0 }
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  if (values.length === 1) return { mean, std: 0 }
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)
  return { mean, std: Math.sqrt(variance) }
}
