import type { Mat4, Vec3 } from './affine'
import { displayToNative, displayToWorld, voxelOffset, type Dims, type ToNative } from './grid'
import type { LabelPalette } from './label-palette'
import type { LabelSampler } from './label-sampler'

/** What the status strip shows for the voxel under the pointer (or at the crosshair). */
export interface Readout {
  /** Display (RAS+) index of the reference grid. */
  display: Vec3
  /** The file's own voxel index (i, j, k), as other tools show it. */
  native: Vec3
  /** World mm (RAS+) of the voxel's centre. */
  world: Vec3
  /** The image's (scaled) intensity; null without an image. */
  intensity: number | null
  /** The label there (0 for the background); null without a label map. */
  label: number | null
  labelName: string | null
}

export interface ReadoutSources {
  grid: { dims: Dims; affine: Mat4; toNative: ToNative }
  image: Float32Array | null
  labels: { sampler: LabelSampler; palette: LabelPalette } | null
}

/** The readout at an integer display index of the reference grid. */
export function readoutAt(index: readonly number[], sources: ReadoutSources): Readout {
  const { grid, image, labels } = sources
  const display: Vec3 = [index[0]!, index[1]!, index[2]!]
  const label = labels ? labels.sampler.labelAt(display) : null
  return {
    display,
    native: displayToNative(grid.toNative, grid.dims, display),
    world: displayToWorld(grid, display),
    intensity: image ? (image[voxelOffset(grid.dims, display[0], display[1], display[2])] ?? null) : null,
    label,
    labelName: labels && label !== null ? labels.palette.nameOf(label) : null,
  }
}

export function formatIndex(index: readonly number[]): string {
  return index.map((value) => String(Math.round(value))).join(', ')
}

/** World mm to one decimal, with a true minus sign. */
export function formatMm(mm: readonly number[]): string {
  return mm.map((value) => formatSigned(Math.abs(value) < 0.05 ? 0 : value, 1)).join(', ')
}

function formatSigned(value: number, decimals: number): string {
  const text = Math.abs(value).toFixed(decimals)
  return value < 0 ? `−${text}` : text
}

/** Intensities as stored (integers stay integers), else up to four significant digits. */
export function formatIntensity(value: number | null): string {
  if (value === null || Number.isNaN(value)) return '—'
  if (Number.isInteger(value)) return formatSigned(value, 0)
  const magnitude = Math.abs(value)
  if (magnitude !== 0 && (magnitude >= 1e5 || magnitude < 1e-3)) return value.toExponential(3).replace('-', '−')
  const text = formatSigned(value, Math.max(0, 3 - Math.floor(Math.log10(magnitude || 1))))
  // 90.50 reads as 90.5: the digits kept are significant ones, not a fixed precision.
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text
}
