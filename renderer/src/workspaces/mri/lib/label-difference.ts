import type { LabelEntry } from '../../../../../main/api'

/** Codes of the difference map: what a voxel of map A and the same voxel of map B disagree on. */
export const differenceCodes = { onlyA: 1, onlyB: 2, mismatch: 3 } as const
export type DifferenceCode = (typeof differenceCodes)[keyof typeof differenceCodes]

export interface DifferenceCounts {
  onlyA: number
  onlyB: number
  mismatch: number
}

/**
 * The legend of the difference overlay, in the shape of a label table so the slice views colour it like
 * any label map. The colours are apart in hue and in lightness (orange, blue, magenta), so they stay
 * distinct for the common colour-vision deficiencies and against the label colours they replace.
 */
export function differenceLegend(nameA: string, nameB: string): Pick<LabelEntry, 'label' | 'name' | 'color'>[] {
  return [
    { label: differenceCodes.onlyA, name: `Only in ${nameA}`, color: [255, 140, 0] },
    { label: differenceCodes.onlyB, name: `Only in ${nameB}`, color: [30, 144, 255] },
    { label: differenceCodes.mismatch, name: 'In both, different labels', color: [230, 40, 200] },
  ]
}

/**
 * Per voxel of two label maps on the same grid (same display order): 1 where only A has a label, 2
 * where only B has one, 3 where both have one but not the same, 0 where they agree (both background,
 * or the same label). Throws when the grids differ in size; the caller checks they are the same grid.
 */
export function labelDifference(a: Int32Array, b: Int32Array): { voxels: Int32Array; counts: DifferenceCounts } {
  if (a.length !== b.length) throw new Error(`The label maps hold ${a.length} and ${b.length} voxels: they must be on the same grid to be compared.`)
  const voxels = new Int32Array(a.length)
  const counts: DifferenceCounts = { onlyA: 0, onlyB: 0, mismatch: 0 }
  for (let i = 0; i < a.length; i++) {
    const la = a[i]!
    const lb = b[i]!
    if (la === lb) continue
    if (lb === 0) {
      voxels[i] = differenceCodes.onlyA
      counts.onlyA++
    } else if (la === 0) {
      voxels[i] = differenceCodes.onlyB
      counts.onlyB++
    } else {
      voxels[i] = differenceCodes.mismatch
      counts.mismatch++
    }
  }
  return { voxels, counts }
}
