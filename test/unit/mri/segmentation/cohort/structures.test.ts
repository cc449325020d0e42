import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { findColorTableFor, readColorTable, writeColorTable } from '../../../../../main/imaging/labels'
import { applyGrouping, groupAalLabels, STRUCTURES, structureColorTable, structureOfAalName } from '../../../../../main/mri/segmentation/cohort/structures'
import { tempHome } from '../../../../helpers/temp-home'

const templates = '/usr/share/mricron/templates'
const haveAal = existsSync(join(templates, 'aal.nii.txt'))

// The 19 structures of issue 13, in the order.
const EXPECTED_NAMES = [
  'Frontal_L', 'Frontal_R', 'Parietal_L', 'Parietal_R', 'Temporal_L', 'Temporal_R', 'Occipital_L', 'Occipital_R',
  'Caudate_L', 'Caudate_R', 'Lentiform_L', 'Lentiform_R', 'Thalamus_L', 'Thalamus_R', 'Hippocampus_L', 'Hippocampus_R',
  'Cerebellum_L', 'Cerebellum_R', 'Vermis',
]

let cleanup: (() => void) | undefined
afterEach(() => cleanup?.())

describe('the 19 structures', () => {
  it('are numbered 1..19 in the issue order', () => {
    expect(STRUCTURES.map((s) => s.id)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1))
    expect(STRUCTURES.map((s) => s.name)).toEqual(EXPECTED_NAMES)
  })

  it('group a hand-written list of AAL names as the issue says', () => {
    const cases: [string, string][] = [
      ['Precentral_L', 'Frontal_L'], ['Frontal_Sup_Orb_R', 'Frontal_R'], ['Frontal_Med_Orb_L', 'Frontal_L'],
      ['Rolandic_Oper_R', 'Frontal_R'], ['Supp_Motor_Area_L', 'Frontal_L'], ['Olfactory_R', 'Frontal_R'],
      ['Rectus_L', 'Frontal_L'], ['Paracentral_Lobule_R', 'Frontal_R'], ['Cingulum_Ant_L', 'Frontal_L'],
      ['Cingulum_Mid_R', 'Frontal_R'], ['Insula_L', 'Frontal_L'],
      ['Postcentral_R', 'Parietal_R'], ['Parietal_Inf_L', 'Parietal_L'], ['SupraMarginal_R', 'Parietal_R'],
      ['Angular_L', 'Parietal_L'], ['Precuneus_R', 'Parietal_R'], ['Cingulum_Post_L', 'Parietal_L'],
      ['Temporal_Pole_Mid_L', 'Temporal_L'], ['Heschl_R', 'Temporal_R'], ['Fusiform_L', 'Temporal_L'],
      ['ParaHippocampal_R', 'Temporal_R'], ['Amygdala_L', 'Temporal_L'],
      ['Calcarine_R', 'Occipital_R'], ['Cuneus_L', 'Occipital_L'], ['Lingual_R', 'Occipital_R'], ['Occipital_Inf_L', 'Occipital_L'],
      ['Caudate_R', 'Caudate_R'], ['Putamen_L', 'Lentiform_L'], ['Pallidum_R', 'Lentiform_R'], ['Thalamus_L', 'Thalamus_L'],
      ['Hippocampus_R', 'Hippocampus_R'], ['Cerebelum_Crus1_L', 'Cerebellum_L'], ['Cerebelum_10_R', 'Cerebellum_R'],
      ['Vermis_1_2', 'Vermis'], ['Vermis_10', 'Vermis'],
    ]
    for (const [aal, structure] of cases) {
      const found = structureOfAalName(aal)
      expect(found, aal).toEqual({ id: EXPECTED_NAMES.indexOf(structure) + 1 })
    }
  })

  it('report names that fit no structure, and sided regions without a side', () => {
    // AAL3 names outside the 19, a side-less frontal name, and a near miss of the cerebellum's AAL spelling.
    for (const name of ['Red_N_L', 'Thal_AV_R', 'Cerebellum_6_L', 'Hippocampus']) {
      expect(structureOfAalName(name), name).toHaveProperty('reason')
    }
    expect(structureOfAalName('Frontal_Sup')).toEqual({ reason: 'Frontal region without an _L or _R suffix' })
    const grouping = groupAalLabels(new Map([[0, { name: 'Background' }], [1, { name: 'Precentral_L' }], [2, { name: 'Red_N_L' }], [5, { name: 'Vermis_3' }]]))
    expect([...grouping.lookup]).toEqual([0, 1, 0, 0, 0, 19])
    expect(grouping.unassigned).toEqual([{ label: 2, name: 'Red_N_L', reason: 'not one of the 19 structures' }])
    expect([...applyGrouping([0, 1, 2, 5, 9], grouping.lookup)]).toEqual([0, 1, 0, 19, 0])
  })

  it.skipIf(!haveAal)("assign every label of mricron-data's aal.nii.txt, sides by AAL's odd (left) / even (right) numbering", async () => {
    const names = await readColorTable(join(templates, 'aal.nii.txt'))
    expect(names.size).toBe(116)
    const { lookup, unassigned } = groupAalLabels(names)
    expect(unassigned).toEqual([])
    const perStructure = new Map<number, number>()
    for (let label = 1; label <= 116; label++) {
      const id = lookup[label]!
      expect(id, names.get(label)!.name).toBeGreaterThan(0)
      perStructure.set(id, (perStructure.get(id) ?? 0) + 1)
      // AAL numbers left regions odd and right even up to 108; our left ids are odd too. The vermis (109..116) is 19.
      if (label <= 108) expect(id % 2, names.get(label)!.name).toBe(label % 2)
      else expect(id).toBe(19)
    }
    // Counted from the AAL list by hand: frontal 18 regions a side, parietal 7, temporal 9, occipital 6, caudate 1,
    // lentiform 2, thalamus 1, hippocampus 1, cerebellum 9; vermis 8.
    const perSide = [18, 7, 9, 6, 1, 2, 1, 1, 9]
    expect([...perStructure].sort(([a], [b]) => a - b).map(([, n]) => n)).toEqual([...perSide.flatMap((n) => [n, n]), 8])
  })

  it('write a colour table that reads back with the names and is found beside a label map', async () => {
    const table = structureColorTable()
    expect(table.size).toBe(20)
    expect(table.get(0)!.name).toBe('Background')
    // Each side of a pair in its own colour.
    for (let id = 1; id < 19; id += 2) expect(table.get(id)!.color).not.toEqual(table.get(id + 1)!.color)
    const temp = tempHome('percept-structures-')
    cleanup = temp.cleanup
    await writeColorTable(join(temp.home, 'sub_labels.label'), table)
    const found = await findColorTableFor(join(temp.home, 'sub_labels.nii.gz'))
    expect(found).not.toBeNull()
    expect([...found!].filter(([label]) => label > 0).map(([label, entry]) => [label, entry.name])).toEqual(EXPECTED_NAMES.map((name, i) => [i + 1, name]))
    expect(found!.get(11)!.color).toEqual([236, 13, 176])
  })
})
