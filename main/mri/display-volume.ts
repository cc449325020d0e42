import type { LabelEntry, VolumeInfo } from '../api'
import { PerceptError } from '../core/errors'
import { completeTable, findColorTableFor, labelStats, readColorTable, type ColorTableWarning } from '../imaging/labels'
import { resampleToGrid } from '../imaging/preprocess'
import { reorientToRas, type AxisMapping } from '../imaging/reorient'
import { percentiles } from '../imaging/volume-stats'
import { voxelCount, type Mat4, type Vec3, type Volume } from '../imaging/volume'
import { loadVolume, type VolumeSourceOptions } from './volume-source'

export type VolumeKind = 'image' | 'labels'

/** A volume ready for the viewer: reoriented to RAS+ exactly, values as float32 (images) or int32 (labels). */
export interface DisplayVolume {
  kind: VolumeKind
  info: VolumeInfo
  dims: Vec3
  affine: Mat4
  toNative: AxisMapping
  voxels: Float32Array | Int32Array
  window: { low: number; high: number }
  labels?: LabelEntry[]
  /** Label maps: the volume as stored (its own grid), for Dice and export. */
  native?: Volume
  /** What reading the colour table found (bad lines, black entries replaced). */
  tableWarnings?: ColorTableWarning[]
}

export interface DisplayOptions extends VolumeSourceOptions {
  kind: VolumeKind
  /** Label maps: a colour table file; default a companion found next to the volume. */
  lut?: string
  /** Label maps: show on this display grid (an open image's), resampled by nearest neighbour. */
  grid?: { dims: Vec3; affine: Mat4; toNative: AxisMapping }
}

/** Reads a volume and prepares it for display (run in a worker thread: seconds for 256^3). */
export async function loadDisplayVolume(path: string, options: DisplayOptions): Promise<DisplayVolume> {
  const { volume, info } = await loadVolume(path, options)
  const display = reorientToRas(volume)
  const base = { kind: options.kind, info, dims: display.volume.dims, affine: display.volume.affine, toNative: { axes: display.axes, flip: display.flip } }
  if (options.kind === 'image') {
    const voxels = imageValues(display.volume)
    const [low, high] = percentiles({ ...display.volume, data: voxels, components: 1, datatype: 'float32' }, [1, 99], { nonZero: true })
    const window = Number.isFinite(low) && Number.isFinite(high) && high! > low! ? { low: low!, high: high! } : { low: info.min, high: info.max > info.min ? info.max : info.min + 1 }
    return { ...base, voxels, window }
  }
  if (volume.components !== 1) throw new PerceptError('INVALID_FILE', `${path} holds RGB colours, not labels: open it as an image.`)
  const table = options.lut ? await readColorTable(options.lut) : await findColorTableFor(path)
  const stats = labelStats(volume, table ?? undefined)
  const complete = completeTable(table ?? undefined, stats.map((s) => s.label))
  const labels: LabelEntry[] = stats.map((s) => ({ ...s, color: complete.get(s.label)?.color ?? s.color }))
  const shown = options.grid ? resampleToGrid(display.volume, options.grid.dims, options.grid.affine, 'nearest') : display.volume
  const voxels = Int32Array.from(shown.data as ArrayLike<number>)
  const maxLabel = labels.reduce((m, l) => Math.max(m, l.label), 0)
  const grid = options.grid ? { dims: options.grid.dims, affine: options.grid.affine, toNative: options.grid.toNative } : {}
  return { ...base, ...grid, voxels, window: { low: 0, high: Math.max(1, maxLabel) }, labels, native: volume, tableWarnings: table?.warnings ?? [] }
}

/** Scaled intensities as float32; RGB is shown as its luminance (Rec. 709 weights). */
function imageValues(volume: Volume): Float32Array {
  if (volume.components === 3) {
    const n = voxelCount(volume.dims)
    const out = new Float32Array(n)
    const rgb = volume.data
    for (let i = 0; i < n; i++) out[i] = 0.2126 * rgb[3 * i]! + 0.7152 * rgb[3 * i + 1]! + 0.0722 * rgb[3 * i + 2]!
    return out
  }
  return volume.data instanceof Float32Array ? volume.data : Float32Array.from(volume.data)
}
