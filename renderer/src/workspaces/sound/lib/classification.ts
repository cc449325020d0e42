import type { SoundClassificationResult } from '../../../../../main/api'
import { timeToX, type Viewport } from './viewport'

/** What the Sound workspace draws and labels from a sound.classify answer. */
type Segment = SoundClassificationResult['segments'][number]

export interface RankedClass {
  index: number
  name: string
  probability: number
}

/** "0.82": probabilities are shown with two decimals everywhere (panel, regions, lane). */
export function formatProbability(probability: number): string {
  return probability.toFixed(2)
}

/** The most probable class of a probability vector (the first on a tie); -1 for an empty one. */
export function topClass(probabilities: readonly number[]): { index: number; probability: number } {
  let index = -1
  let probability = -Infinity
  probabilities.forEach((value, i) => {
    if (value > probability) {
      index = i
      probability = value
    }
  })
  return { index, probability: index < 0 ? 0 : probability }
}

/** The classes by probability, most probable first (class order on a tie). */
export function rankClasses(classNames: readonly string[], probabilities: readonly number[]): RankedClass[] {
  return classNames
    .map((name, index) => ({ index, name, probability: probabilities[index] ?? 0 }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
}

export interface TimeSpan {
  start: number
  end: number
}

/**
 * The stretch of the sound each segment stands for. Segments overlap by half, so their own spans would
 * cover each other; each gets the time nearer its centre than its neighbours' (boundaries halfway
 * between centres), the first from its start and the last to its end, all inside 0..duration.
 */
export function segmentCells(segments: readonly Segment[], duration: number): TimeSpan[] {
  const centre = (segment: Segment) => (segment.start + segment.end) / 2
  const clamp = (time: number) => Math.min(Math.max(0, time), Math.max(0, duration))
  return segments.map((segment, i) => {
    const previous = segments[i - 1]
    const next = segments[i + 1]
    const start = previous ? (centre(previous) + centre(segment)) / 2 : segment.start
    const end = next ? (centre(segment) + centre(next)) / 2 : segment.end
    return { start: clamp(start), end: clamp(end) }
  })
}

export interface ClassRegion extends TimeSpan {
  className: string
  /** Mean of the class's probability over the merged segments. */
  probability: number
  /** "siren 0.82" */
  label: string
}

/**
 * Regions from the segment predictions: consecutive segments with the same top class merged into one,
 * labelled with the class and its mean probability; regions whose mean is under `threshold` are left out.
 */
export function classRegions(result: Pick<SoundClassificationResult, 'classNames' | 'segments'>, duration: number, threshold: number): ClassRegion[] {
  const cells = segmentCells(result.segments, duration)
  const runs: { index: number; span: TimeSpan; sum: number; count: number }[] = []
  result.segments.forEach((segment, i) => {
    const { index, probability } = topClass(segment.probabilities)
    const cell = cells[i]!
    const last = runs[runs.length - 1]
    if (last && last.index === index) {
      last.span.end = cell.end
      last.sum += probability
      last.count += 1
    } else {
      runs.push({ index, span: { ...cell }, sum: probability, count: 1 })
    }
  })
  return runs
    .map(({ index, span, sum, count }) => {
      const className = result.classNames[index] ?? `class ${index}`
      const probability = sum / count
      return { ...span, className, probability, label: `${className} ${formatProbability(probability)}` }
    })
    .filter((region) => region.probability >= threshold && region.end > region.start)
}

/** The regions of `proposed` that `existing` does not already hold (same bounds and label), so adding twice adds nothing. */
export function newRegionsOnly<T extends TimeSpan & { label: string }>(proposed: readonly T[], existing: readonly (TimeSpan & { label: string })[]): T[] {
  const key = (region: TimeSpan & { label: string }) => `${region.start.toFixed(6)}|${region.end.toFixed(6)}|${region.label}`
  const known = new Set(existing.map(key))
  return proposed.filter((region) => !known.has(key(region)))
}

/** The lane's rows: classes by mean probability, the `maxRows` most probable (all when there are few). */
export function laneRows(result: Pick<SoundClassificationResult, 'classNames' | 'probabilities'>, maxRows: number): RankedClass[] {
  return rankClasses(result.classNames, result.probabilities).slice(0, Math.max(1, maxRows))
}

export interface LaneCell {
  /** Index of the segment. */
  segment: number
  /** CSS pixels, whole: neighbouring cells share their edge, so no seam or overlap shows. */
  x0: number
  x1: number
}

/** The cells in view (x in 0..width) at the view's zoom and scroll, at least a pixel wide each. */
export function laneCells(cells: readonly TimeSpan[], view: Viewport, width: number): LaneCell[] {
  const visible: LaneCell[] = []
  cells.forEach((cell, segment) => {
    const x0 = Math.max(0, Math.round(timeToX(view, cell.start)))
    const x1 = Math.min(width, Math.round(timeToX(view, cell.end)))
    if (x1 <= 0 || x0 >= width) return
    visible.push({ segment, x0, x1: Math.max(x1, x0 + 1) })
  })
  return visible
}

/** The index of the cell holding `time` (cells in order, as segmentCells gives them), or -1 outside them all. */
export function cellAt(cells: readonly TimeSpan[], time: number): number {
  let low = 0
  let high = cells.length - 1
  while (low <= high) {
    const middle = (low + high) >> 1
    const cell = cells[middle]!
    if (time < cell.start) high = middle - 1
    else if (time >= cell.end && middle < cells.length - 1) low = middle + 1
    else return time <= cell.end ? middle : -1
  }
  return -1
}
