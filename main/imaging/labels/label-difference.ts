import { labelValues } from './label-values'
import { assertSameGrid } from './same-grid'
import type { Volume } from '../volume'

/**
 * Codes of the difference map, one byte per voxel (same voxel order as the volumes):
 * SAME both background or the same label; ONLY_A labelled in A, background in B (e.g. a false
 * positive when A is the prediction); ONLY_B labelled in B, background in A (a false negative);
 * CONFLICT labelled in both with different labels.
 */
export const DIFFERENCE = { SAME: 0, ONLY_A: 1, ONLY_B: 2, CONFLICT: 3 } as const

/** The difference map of two label maps on the same grid (VALIDATION otherwise); codes in DIFFERENCE. */
export function labelDifference(a: Volume, b: Volume): Uint8Array {
  assertSameGrid(a, b)
  const da = labelValues(a, 'Label map A').data
  const db = labelValues(b, 'Label map B').data
  const out = new Uint8Array(da.length)
  for (let n = 0; n < da.length; n++) {
    const la = da[n]!
    const lb = db[n]!
    if (la === lb) continue
    out[n] = lb === 0 ? DIFFERENCE.ONLY_A : la === 0 ? DIFFERENCE.ONLY_B : DIFFERENCE.CONFLICT
  }
  return out
}
