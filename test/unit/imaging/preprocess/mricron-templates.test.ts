import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readNifti } from '../../../../main/imaging/nifti'
import { fitToCube, inverseFit, normalizeIntensity, resampleIsotropic } from '../../../../main/imaging/preprocess'
import { voxelToWorld } from '../../../../main/imaging/volume'
import { diceByLabel } from './phantom'

// Debian's mricron-data package (installed by apt in CI).
const TEMPLATES = '/usr/share/mricron/templates'
const present = existsSync(join(TEMPLATES, 'aal.nii.gz')) && existsSync(join(TEMPLATES, 'ch2better.nii.gz'))
if (!present) console.warn(`Skipping the template preprocessing tests: ${TEMPLATES} is absent (apt install mricron-data).`)

describe.skipIf(!present)('preprocessing the mricron-data templates', () => {
  it('resamples the AAL atlas to 2 mm keeping all 116 labels and the field-of-view centre', async () => {
    const aal = (await readNifti(join(TEMPLATES, 'aal.nii.gz'))).volume
    expect(aal.dims).toEqual([181, 217, 181])
    const labels = new Set(aal.data)
    const out = resampleIsotropic(aal, 2, { interpolation: 'nearest' })
    expect(out.dims).toEqual([91, 109, 91]) // round(181 / 2), round(217 / 2)
    expect(new Set(out.data)).toEqual(labels)
    expect(labels.size).toBe(117) // 116 regions and 0
    voxelToWorld(out.affine, 45, 54, 45).forEach((v, a) => expect(v).toBeCloseTo(voxelToWorld(aal.affine, 90, 108, 90)[a]!, 9))
  }, 60_000)

  it('fits the AAL atlas into 128^3 and back with every label present and a median Dice above 0.9', async () => {
    const aal = (await readNifti(join(TEMPLATES, 'aal.nii.gz'))).volume
    const { volume, transform } = fitToCube(aal, 128, { interpolation: 'nearest' })
    const labels = [...new Set(aal.data)].filter((l) => l !== 0)
    const inCube = new Set(volume.data)
    expect(labels.every((l) => inCube.has(l))).toBe(true)
    const back = inverseFit(volume, transform)
    expect(back.dims).toEqual(aal.dims)
    expect(back.affine).toEqual(aal.affine)
    const byLabel = diceByLabel(back, aal)
    expect(byLabel.size).toBe(116)
    const scores = [...byLabel.values()].sort((a, b) => a - b)
    // Nearest down and up again by a factor near 1.4 moves only boundary voxels.
    expect(scores[scores.length >> 1]).toBeGreaterThan(0.9)
  }, 60_000)

  it('normalises the ch2better T1 over its non-zero voxels to mean 0 and std 1', async () => {
    const ch2 = (await readNifti(join(TEMPLATES, 'ch2better.nii.gz'))).volume
    const t1 = resampleIsotropic(ch2, 1, { interpolation: 'trilinear' })
    expect(t1.dims).toEqual([151, 185, 158]) // 0.5 mm: round(301 / 2), round(370 / 2), round(316 / 2)
    const { volume, params } = normalizeIntensity(t1, { mask: 'nonzero' })
    let sum = 0, sq = 0, n = 0
    for (let i = 0; i < t1.data.length; i++) {
      if (t1.data[i] === 0) continue
      sum += volume.data[i]!
      sq += volume.data[i]! ** 2
      n++
    }
    expect(n).toBe(params.maskVoxels)
    expect(sum / n).toBeCloseTo(0, 4)
    expect(Math.sqrt(sq / n)).toBeCloseTo(1, 4)
    expect(params.low).toBeLessThan(params.high)
  }, 60_000)
})
