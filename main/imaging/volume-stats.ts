import type { Volume, VoxelArray } from './volume'

/**
 * Summary statistics of a volume's values (after scl_slope / scl_inter, which `Volume.data` already holds).
 * NaN and infinite voxels are left out; RGB24 volumes are summarised over all channel values.
 */

export interface VolumeStats {
  min: number
  max: number
  mean: number
  /** Voxels counted (finite values). */
  count: number
}

/** min, max and mean of the finite values; NaN for all three when there are none. */
export function volumeStats(volume: Volume): VolumeStats {
  const data = volume.data
  let min = Infinity
  let max = -Infinity
  let sum = 0
  let count = 0
  for (let n = 0; n < data.length; n++) {
    const v = data[n]!
    if (v - v !== 0) continue // NaN or ±Infinity
    if (v < min) min = v
    if (v > max) max = v
    sum += v
    count++
  }
  return count === 0 ? { min: NaN, max: NaN, mean: NaN, count } : { min, max, mean: sum / count, count }
}

const BINS = 65536
/** A bin holding at most this many values is sorted instead of binned again. */
const GATHER_LIMIT = 65536

interface Selection {
  data: VoxelArray
  nonZero: boolean
}

/** Histogram of the kept values in [low, high], with each bin's exact minimum and maximum. */
function histogram(s: Selection, low: number, high: number): { count: Float64Array; min: Float64Array; max: Float64Array } {
  const count = new Float64Array(BINS)
  const min = new Float64Array(BINS).fill(Infinity)
  const max = new Float64Array(BINS).fill(-Infinity)
  const scale = BINS / (high - low)
  const { data, nonZero } = s
  for (let n = 0; n < data.length; n++) {
    const v = data[n]!
    if (!(v >= low && v <= high) || (nonZero && v === 0)) continue
    let b = Math.floor((v - low) * scale)
    if (b >= BINS) b = BINS - 1
    count[b]!++
    if (v < min[b]!) min[b] = v
    if (v > max[b]!) max[b] = v
  }
  return { count, min, max }
}

/** The kept values in [low, high], sorted. */
function gather(s: Selection, low: number, high: number, size: number): Float64Array {
  const values = new Float64Array(size)
  let at = 0
  const { data, nonZero } = s
  for (let n = 0; n < data.length && at < size; n++) {
    const v = data[n]!
    if (v >= low && v <= high && !(nonZero && v === 0)) values[at++] = v
  }
  return values.sort()
}

/**
 * Order statistics (0-based ranks, ascending) among the `size` kept values lying in [low, high], `below` of
 * the kept values being smaller than low. Each level bins the range into 65536 bins and follows the bin that
 * holds a rank; a bin's own min and max bound the next level, so values are never approximated.
 */
function selectRanks(s: Selection, ranks: number[], low: number, high: number, size: number, below: number, out: Map<number, number>): void {
  if (low === high) {
    for (const r of ranks) out.set(r, low)
    return
  }
  if (size <= GATHER_LIMIT || !Number.isFinite(BINS / (high - low))) {
    const sorted = gather(s, low, high, size)
    for (const r of ranks) out.set(r, sorted[r - below]!)
    return
  }
  const h = histogram(s, low, high)
  let bin = 0
  let cumulative = below
  let index = 0
  while (index < ranks.length) {
    while (cumulative + h.count[bin]! <= ranks[index]!) cumulative += h.count[bin++]!
    const group: number[] = []
    while (index < ranks.length && ranks[index]! < cumulative + h.count[bin]!) group.push(ranks[index++]!)
    selectRanks(s, group, h.min[bin]!, h.max[bin]!, h.count[bin]!, cumulative, out)
  }
}

/**
 * Percentiles of the volume's finite values (of the non-zero ones with `nonZero`), by numpy's default
 * definition (linear interpolation between order statistics, Hyndman & Fan 1996 type 7): rank p/100·(N-1).
 * Exact, not binned: the order statistics are found by successive 65536-bin histograms (each a pass over
 * the data, usually three or four in all), so the result carries only float64 rounding. NaN for each p when
 * no value is kept.
 */
export function percentiles(volume: Volume, ps: readonly number[], options: { nonZero?: boolean } = {}): number[] {
  const s: Selection = { data: volume.data, nonZero: options.nonZero ?? false }
  let low = Infinity
  let high = -Infinity
  let n = 0
  for (let i = 0; i < s.data.length; i++) {
    const v = s.data[i]!
    if (v - v !== 0 || (s.nonZero && v === 0)) continue
    if (v < low) low = v
    if (v > high) high = v
    n++
  }
  if (n === 0) return ps.map(() => NaN)
  const positions = ps.map((p) => (Math.min(Math.max(p, 0), 100) / 100) * (n - 1))
  const ranks = [...new Set(positions.flatMap((r) => [Math.floor(r), Math.ceil(r)]))].sort((a, b) => a - b)
  const values = new Map<number, number>()
  selectRanks(s, ranks, low, high, n, 0, values)
  return positions.map((r) => {
    const lower = values.get(Math.floor(r))!
    const upper = values.get(Math.ceil(r))!
    return lower + (upper - lower) * (r - Math.floor(r))
  })
}
