import type { DiceResult, LabelEntry } from '../../../../main/api'

/** Structures on a 1 mm grid (1000 voxels = 1 mL), with hues known by construction. */
export const structures: LabelEntry[] = [
  { label: 1, name: 'Precentral_L', color: [230, 25, 75], voxels: 1000, volumeMl: 1 }, // red, hue 345.4°
  { label: 2, name: 'Precentral_R', color: [60, 180, 75], voxels: 2500, volumeMl: 2.5 }, // green, 127.5°
  { label: 10, name: 'Frontal_Sup_L', color: [0, 130, 200], voxels: 300, volumeMl: 0.3 }, // blue, 201°
  { label: 9, name: 'Amygdala_R', color: [128, 128, 128], voxels: 500, volumeMl: 0.5 }, // grey: no hue
  { label: 11, name: 'Área 2', color: [255, 225, 25], voxels: 12346, volumeMl: 12.346 }, // yellow, 52.2°
]

export const dice: DiceResult = {
  labels: [
    { label: 1, name: 'Precentral_L', dice: 0.9, voxelsA: 1000, voxelsB: 1100 },
    { label: 2, name: 'Precentral_R', dice: 0.42, voxelsA: 2500, voxelsB: 1200 },
    { label: 3, name: 'Rolandic_Oper_L', dice: null, voxelsA: 0, voxelsB: 0 },
    { label: 9, name: 'Amygdala_R', dice: 0.6, voxelsA: 500, voxelsB: 700 },
    { label: 10, name: 'Frontal_Sup_L', dice: 0, voxelsA: 300, voxelsB: 0 },
  ],
  meanDice: (0.9 + 0.42 + 0.6 + 0) / 4,
}
