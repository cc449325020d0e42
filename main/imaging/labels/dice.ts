import { defaultLabelName, type LabelColor } from './color-table'
import { DENSE_LABEL_RANGE, labelValues, type LabelValues } from './label-values'
import { assertSameGrid } from './same-grid'
import type { Volume } from '../volume'

export interface LabelDice {
  label: number
  name: string
  /** 2|A∩B| / (|A| + |B|) (Dice 1945, "Measures of the amount of ecologic association between species"). */
  dice: number
  voxelsA: number
  voxelsB: number
  /** |A∩B|: voxels labelled `label` in both. */
  voxelsBoth: number
}

export interface DiceResult {
  /** Every non-zero label in A or B (a label in neither is not listed), ascending. */
  labels: LabelDice[]
  /** Mean of `dice` over the listed labels; null when neither map holds a label. */
  meanDice: number | null
}

interface JointCounts {
  labels: number[]
  a(label: number): number
  b(label: number): number
  both(label: number): number
}

/** |A|, |B| and |A∩B| per label in one pass over both maps. */
function jointCounts(a: LabelValues, b: LabelValues): JointCounts {
  const min = Math.min(a.min, b.min)
  const max = Math.max(a.max, b.max)
  const da = a.data
  const db = b.data
  if (max - min + 1 <= DENSE_LABEL_RANGE) {
    const size = max - min + 1
    const inA = new Uint32Array(size)
    const inB = new Uint32Array(size)
    const inBoth = new Uint32Array(size)
    for (let n = 0; n < da.length; n++) {
      const la = da[n]! - min
      const lb = db[n]! - min
      inA[la] = inA[la]! + 1
      inB[lb] = inB[lb]! + 1
      if (la === lb) inBoth[la] = inBoth[la]! + 1
    }
    const labels: number[] = []
    for (let slot = 0; slot < size; slot++) if (inA[slot]! + inB[slot]! > 0) labels.push(slot + min)
    return { labels, a: (l) => inA[l - min]!, b: (l) => inB[l - min]!, both: (l) => inBoth[l - min]! }
  }
  const inA = new Map<number, number>()
  const inB = new Map<number, number>()
  const inBoth = new Map<number, number>()
  const bump = (map: Map<number, number>, label: number): void => void map.set(label, (map.get(label) ?? 0) + 1)
  for (let n = 0; n < da.length; n++) {
    bump(inA, da[n]!)
    bump(inB, db[n]!)
    if (da[n] === db[n]) bump(inBoth, da[n]!)
  }
  const labels = [...new Set([...inA.keys(), ...inB.keys()])].sort((x, y) => x - y)
  return { labels, a: (l) => inA.get(l) ?? 0, b: (l) => inB.get(l) ?? 0, both: (l) => inBoth.get(l) ?? 0 }
}

/**
 * Per-label Dice overlap of two label maps on the same grid (VALIDATION otherwise), say a prediction
 * (A) and a reference (B). Label 0 is background and is not scored. Names from `table`.
 */
export function diceByLabel(a: Volume, b: Volume, table?: ReadonlyMap<number, LabelColor>): DiceResult {
  assertSameGrid(a, b)
  const counts = jointCounts(labelValues(a, 'Label map A'), labelValues(b, 'Label map B'))
  const labels = counts.labels
    .filter((label) => label !== 0)
    .map((label) => {
      const voxelsA = counts.a(label)
      const voxelsB = counts.b(label)
      const voxelsBoth = counts.both(label)
      return {
        label,
        name: table?.get(label)?.name ?? defaultLabelName(label),
        dice: (2 * voxelsBoth) / (voxelsA + voxelsB),
        voxelsA,
        voxelsB,
        voxelsBoth,
      }
    })
  const meanDice = labels.length === 0 ? null : labels.reduce((sum, entry) => sum + entry.dice, 0) / labels.length
  return { labels, meanDice }
}
