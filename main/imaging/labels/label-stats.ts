import { defaultLabelName, type LabelColor, type Rgb } from './color-table'
import { distinctColor } from './distinct-color'
import { countLabels, labelValues } from './label-values'
import { voxelVolumeMm3, type Volume } from '../volume'

export interface LabelStat {
  label: number
  name: string
  color: Rgb
  voxels: number
  /** voxels × voxel volume (|det| of the affine's 3x3, mm^3) / 1000. */
  volumeMl: number
}

/**
 * Voxel count and volume of every label present, ascending by label; 0 (background) is left out.
 * Names and colours from `table`, else "Label n" in its distinct colour.
 */
export function labelStats(volume: Volume, table?: ReadonlyMap<number, LabelColor>): LabelStat[] {
  const counts = countLabels(labelValues(volume))
  const voxelMm3 = voxelVolumeMm3(volume.affine)
  return counts.labels
    .filter((label) => label !== 0)
    .map((label) => {
      const entry = table?.get(label)
      const voxels = counts.count(label)
      return {
        label,
        name: entry?.name ?? defaultLabelName(label),
        color: entry === undefined ? distinctColor(label) : [...entry.color],
        voxels,
        // Multiply first: voxels × mm^3 is exact for the usual voxel sizes, so one rounding at the end.
        volumeMl: (voxels * voxelMm3) / 1000,
      }
    })
}
