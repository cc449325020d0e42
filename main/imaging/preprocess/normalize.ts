import { PerceptError } from '../../core/errors'
import { voxelCount, type Volume } from '../volume'
import { percentiles } from '../volume-stats'

/**
 * Intensity normalisation for models: clip at two percentiles, then z-score over a mask
 * (nnU-Net's scheme for MRI, Isensee et al., Nature Methods 2021: z-score over the non-zero
 * foreground; the percentile clip is its CT step, which removes the bright outliers MRI has too).
 */

export interface NormalizeOptions {
  /** Lower clip, in percent of the mask's voxels; default 0.5. */
  lowPercentile?: number
  /** Upper clip, in percent; default 99.5. */
  highPercentile?: number
  /**
   * Which voxels the percentiles and the statistics cover: 'all' (the default) or 'nonzero' (voxels
   * not 0 in the input, e.g. a skull-stripped brain). Voxels outside the mask, and NaN or infinite
   * ones, come out as 0.
   */
  mask?: 'all' | 'nonzero'
}

/** What was done, to record beside a model or apply again. */
export interface NormalizeParams {
  lowPercentile: number
  highPercentile: number
  mask: 'all' | 'nonzero'
  /** The clip bounds: the intensities at the two percentiles over the mask (numpy.percentile, linear). */
  low: number
  high: number
  /** Mean and standard deviation (population, ddof 0) of the clipped intensities over the mask. */
  mean: number
  std: number
  maskVoxels: number
}

// nnU-Net divides by max(std, 1e-8), so a constant image gives zeros, not NaN.
const MIN_STD = 1e-8

/** Percentile clip then z-score; returns Float32 intensities (0 outside the mask) and the parameters. */
export function normalizeIntensity(
  volume: Volume,
  options: NormalizeOptions = {},
): { volume: Volume; params: NormalizeParams } {
  const lowPercentile = options.lowPercentile ?? 0.5
  const highPercentile = options.highPercentile ?? 99.5
  const mask = options.mask ?? 'all'
  if (!(lowPercentile >= 0 && lowPercentile <= highPercentile && highPercentile <= 100)) {
    throw new PerceptError(
      'VALIDATION',
      `The percentiles must satisfy 0 <= low <= high <= 100; got ${lowPercentile} and ${highPercentile}.`,
    )
  }
  if (volume.components !== 1) {
    throw new PerceptError('VALIDATION', 'Intensity normalisation takes single-component volumes; convert the RGB volume to grey first.')
  }
  const data = volume.data
  const count = voxelCount(volume.dims)
  const inMask = (v: number): boolean => Number.isFinite(v) && (mask === 'all' || v !== 0)

  let maskVoxels = 0
  for (let i = 0; i < count; i++) if (inMask(data[i]!)) maskVoxels++
  if (maskVoxels === 0) {
    throw new PerceptError(
      'VALIDATION',
      mask === 'nonzero' ? 'The volume has no non-zero voxels to normalise over; use mask "all".' : 'The volume has no finite voxels to normalise.',
    )
  }
  const [low, high] = percentiles(volume, [lowPercentile, highPercentile], { nonZero: mask === 'nonzero' }) as [number, number]

  // Two passes over the clipped values (mean, then squared deviations) for accuracy.
  let sum = 0
  for (let i = 0; i < count; i++) {
    const v = data[i]!
    if (inMask(v)) sum += v < low ? low : v > high ? high : v
  }
  const mean = sum / maskVoxels
  let squares = 0
  for (let i = 0; i < count; i++) {
    const v = data[i]!
    if (!inMask(v)) continue
    const d = (v < low ? low : v > high ? high : v) - mean
    squares += d * d
  }
  const std = Math.sqrt(squares / maskVoxels)
  const divisor = Math.max(std, MIN_STD)

  const out = new Float32Array(count)
  for (let i = 0; i < count; i++) {
    const v = data[i]!
    if (inMask(v)) out[i] = ((v < low ? low : v > high ? high : v) - mean) / divisor
  }
  return {
    volume: { dims: [...volume.dims], affine: [...volume.affine], data: out, components: 1, datatype: 'float32' },
    params: { lowPercentile, highPercentile, mask, low, high, mean, std, maskVoxels },
  }
}
