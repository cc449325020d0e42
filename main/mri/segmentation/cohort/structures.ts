import { ColorTable, type Rgb } from '../../../imaging/labels'

/**
 * The 19 brain structures of paper 003 (Wong & Moradi 2022), as issue 13 groups the AAL atlas
 * (Tzourio-Mazoyer et al. 2002) drawn on the ch2 subject into them. Ids 1..19 in this order; 0 is
 * background. An AAL name is its region then a side suffix (_L / _R), except the vermis, which has none.
 *
 *   Frontal      Precentral, Frontal_*, Rolandic_Oper, Supp_Motor_Area, Olfactory, Rectus,
 *                Paracentral_Lobule, Cingulum_Ant, Cingulum_Mid, Insula
 *   Parietal     Postcentral, Parietal_*, SupraMarginal, Angular, Precuneus, Cingulum_Post
 *   Temporal     Temporal_*, Heschl, Fusiform, ParaHippocampal, Amygdala
 *   Occipital    Calcarine, Cuneus, Lingual, Occipital_*
 *   Caudate, Lentiform (Putamen + Pallidum), Thalamus, Hippocampus, Cerebellum (Cerebelum_*, AAL's spelling)
 *   Vermis       Vermis_* (both sides in one structure)
 */

interface StructureGroup {
  name: string
  /** Matches the AAL region name without its side suffix. */
  regions: RegExp
  sided: boolean
  /** Colour of the left structure; the right one is drawn darker, so the sides tell apart in the viewer. */
  color: Rgb
}

// Colours from FreeSurfer's LUT where it has the structure (caudate, putamen, thalamus, hippocampus,
// cerebellar cortex and vermis), else its colour of a typical cortical parcel of the lobe.
const GROUPS: readonly StructureGroup[] = [
  { name: 'Frontal', sided: true, color: [20, 220, 160], regions: /^(Precentral|Frontal_.+|Rolandic_Oper|Supp_Motor_Area|Olfactory|Rectus|Paracentral_Lobule|Cingulum_Ant|Cingulum_Mid|Insula)$/ },
  { name: 'Parietal', sided: true, color: [220, 180, 140], regions: /^(Postcentral|Parietal_.+|SupraMarginal|Angular|Precuneus|Cingulum_Post)$/ },
  { name: 'Temporal', sided: true, color: [140, 220, 220], regions: /^(Temporal_.+|Heschl|Fusiform|ParaHippocampal|Amygdala)$/ },
  { name: 'Occipital', sided: true, color: [20, 30, 140], regions: /^(Calcarine|Cuneus|Lingual|Occipital_.+)$/ },
  { name: 'Caudate', sided: true, color: [122, 186, 220], regions: /^Caudate$/ },
  { name: 'Lentiform', sided: true, color: [236, 13, 176], regions: /^(Putamen|Pallidum)$/ },
  { name: 'Thalamus', sided: true, color: [0, 118, 14], regions: /^Thalamus$/ },
  { name: 'Hippocampus', sided: true, color: [220, 216, 20], regions: /^Hippocampus$/ },
  { name: 'Cerebellum', sided: true, color: [230, 148, 34], regions: /^Cerebelum_.+$/ },
  { name: 'Vermis', sided: false, color: [196, 58, 250], regions: /^Vermis_.+$/ },
]

export interface Structure {
  id: number
  name: string
  color: Rgb
}

const darker = (color: Rgb): Rgb => color.map((c) => Math.round(c * 0.7)) as Rgb

/** The 19 structures, ids 1..19: Frontal_L, Frontal_R, Parietal_L, ..., Cerebellum_R, Vermis. */
export const STRUCTURES: readonly Structure[] = GROUPS.flatMap((group) =>
  group.sided
    ? [
        { name: `${group.name}_L`, color: group.color },
        { name: `${group.name}_R`, color: darker(group.color) },
      ]
    : [{ name: group.name, color: group.color }],
).map((s, index) => ({ id: index + 1, ...s }))

export const STRUCTURE_COUNT = STRUCTURES.length

/** Colour table of the 19 structures (and background), written beside every label map of the cohort. */
export function structureColorTable(): ColorTable {
  const table = new ColorTable()
  table.set(0, { name: 'Background', color: [0, 0, 0], alpha: 0, visible: false })
  for (const s of STRUCTURES) table.set(s.id, { name: s.name, color: [...s.color] })
  return table
}

/** Why an AAL name found no structure, or found more than one. */
export interface UnassignedLabel {
  label: number
  name: string
  reason: string
}

/**
 * The structure id (1..19) of an AAL label name, or a reason it has none: a name no group claims, a
 * sided region without _L/_R, or (a fault in the rules above) one claimed by two groups.
 */
export function structureOfAalName(name: string): { id: number } | { reason: string } {
  const side = /_(L|R)$/.exec(name)?.[1] as 'L' | 'R' | undefined
  const region = side ? name.slice(0, -2) : name
  const ids: number[] = []
  for (const group of GROUPS) {
    if (group.sided) {
      if (side && group.regions.test(region)) ids.push(STRUCTURES.find((s) => s.name === `${group.name}_${side}`)!.id)
    } else if (group.regions.test(name)) {
      ids.push(STRUCTURES.find((s) => s.name === group.name)!.id)
    }
  }
  if (ids.length === 1) return { id: ids[0]! }
  if (ids.length > 1) return { reason: `matches ${ids.map((id) => STRUCTURES[id - 1]!.name).join(' and ')}` }
  const sidedGroup = GROUPS.find((g) => g.sided && g.regions.test(region))
  if (!side && sidedGroup) return { reason: `${sidedGroup.name} region without an _L or _R suffix` }
  return { reason: 'not one of the 19 structures' }
}

export interface AalGrouping {
  /** lookup[aalLabel] = structure id (0 for background and unassigned labels). */
  lookup: Uint8Array
  unassigned: UnassignedLabel[]
}

/** Groups the labels of an AAL names table (label -> name) into the 19 structures. Label 0 stays background. */
export function groupAalLabels(names: ReadonlyMap<number, { name: string }>): AalGrouping {
  const largest = Math.max(0, ...names.keys())
  const lookup = new Uint8Array(largest + 1)
  const unassigned: UnassignedLabel[] = []
  for (const [label, { name }] of names) {
    if (label <= 0) continue
    const found = structureOfAalName(name)
    if ('id' in found) lookup[label] = found.id
    else unassigned.push({ label, name, reason: found.reason })
  }
  unassigned.sort((a, b) => a.label - b.label)
  return { lookup, unassigned }
}

/**
 * An AAL label volume as structure ids (uint8), through `lookup`; labels past its end (none in a
 * matching atlas) become background.
 */
export function applyGrouping(labels: ArrayLike<number>, lookup: Uint8Array): Uint8Array {
  const out = new Uint8Array(labels.length)
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!
    out[i] = label >= 0 && label < lookup.length ? lookup[label]! : 0
  }
  return out
}
