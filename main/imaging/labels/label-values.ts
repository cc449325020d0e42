import { PerceptError } from '../../core/errors'
import { voxelCount, type Volume, type VoxelArray } from '../volume'

/**
 * A label map read as whole numbers. Any one-component VoxelArray may hold labels: the integer types
 * as they are, float32/float64 only when every value is a whole number (some tools save labels as
 * float). The range is what counting arrays are sized by: the type's own range for 8- and 16-bit
 * types (no scan needed), the scanned min..max for int32 and floats.
 */

export interface LabelValues {
  data: VoxelArray
  min: number
  max: number
}

function typeRange(data: VoxelArray): [number, number] | null {
  if (data instanceof Uint8Array) return [0, 255]
  if (data instanceof Int8Array) return [-128, 127]
  if (data instanceof Uint16Array) return [0, 65535]
  if (data instanceof Int16Array) return [-32768, 32767]
  return null
}

/** The label map's values and range; INVALID_FILE for RGB or non-integer data (`what` names the map). */
export function labelValues(volume: Volume, what = 'The label map'): LabelValues {
  const { data, dims } = volume
  if (volume.components !== 1) {
    throw new PerceptError('INVALID_FILE', `${what} is an RGB volume; a label map holds one whole number per voxel.`)
  }
  if (data.length !== voxelCount(dims)) {
    throw new PerceptError(
      'INVALID_FILE',
      `${what} holds ${data.length} values for a ${dims.join('×')} grid (${voxelCount(dims)} voxels); the file is damaged.`,
    )
  }
  const range = typeRange(data)
  if (range !== null) return { data, min: range[0], max: range[1] }
  let min = Infinity
  let max = -Infinity
  const checkIntegers = data instanceof Float32Array || data instanceof Float64Array
  for (let n = 0; n < data.length; n++) {
    const v = data[n]!
    if (checkIntegers && !Number.isInteger(v)) throw notInteger(what, volume, n, v)
    if (v < min) min = v
    if (v > max) max = v
  }
  return data.length === 0 ? { data, min: 0, max: 0 } : { data, min, max }
}

function notInteger(what: string, volume: Volume, n: number, value: number): PerceptError {
  const [nx, ny] = volume.dims
  const where = `${n % nx}, ${Math.floor(n / nx) % ny}, ${Math.floor(n / (nx * ny))}`
  return new PerceptError(
    'INVALID_FILE',
    `${what} holds ${value} at voxel (${where}); a label map holds whole numbers only. ` +
      'Open this volume as an image, or save the labels as integers.',
  )
}

/** Up to this many distinct values (max - min + 1), counts go in typed arrays; past it, in a Map. */
export const DENSE_LABEL_RANGE = 1 << 20

/** How many voxels hold each value: `count(label)` for any label, `labels` those present (ascending, 0 included). */
export interface LabelCounts {
  labels: number[]
  count(label: number): number
}

/** One pass over the voxels (after labelValues' scan for int32 and floats). */
export function countLabels({ data, min, max }: LabelValues): LabelCounts {
  if (max - min + 1 <= DENSE_LABEL_RANGE) {
    const counts = new Uint32Array(max - min + 1)
    for (let n = 0; n < data.length; n++) {
      const slot = data[n]! - min
      counts[slot] = counts[slot]! + 1
    }
    const labels: number[] = []
    for (let slot = 0; slot < counts.length; slot++) if (counts[slot]! > 0) labels.push(slot + min)
    return { labels, count: (label) => (label >= min && label <= max ? counts[label - min]! : 0) }
  }
  const counts = new Map<number, number>()
  for (let n = 0; n < data.length; n++) counts.set(data[n]!, (counts.get(data[n]!) ?? 0) + 1)
  return { labels: [...counts.keys()].sort((a, b) => a - b), count: (label) => counts.get(label) ?? 0 }
}

/** The non-zero labels a label map holds, ascending. */
export function labelsPresent(volume: Volume): number[] {
  return countLabels(labelValues(volume)).labels.filter((label) => label !== 0)
}
