import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readNifti } from '../../../../main/imaging/nifti'
import { orientationCode } from '../../../../main/imaging/orientation'
import { reorientToRas } from '../../../../main/imaging/reorient'
import { voxelToWorld, type Vec3, type Volume } from '../../../../main/imaging/volume'
import { percentiles, volumeStats } from '../../../../main/imaging/volume-stats'

const TEMPLATES = '/usr/share/mricron/templates'
const haveTemplates = existsSync(join(TEMPLATES, 'ch2better.nii.gz')) && existsSync(join(TEMPLATES, 'aal.nii.gz'))
if (!haveTemplates) console.warn(`skipping the mricron-data volumes: ${TEMPLATES} is absent (apt install mricron-data)`)

function labelCentroidWorld(volume: Volume, label: number): { voxels: number; world: Vec3 } {
  const [nx, ny] = volume.dims
  const sum: Vec3 = [0, 0, 0]
  let voxels = 0
  for (let n = 0; n < volume.data.length; n++) {
    if (volume.data[n] !== label) continue
    sum[0] += n % nx
    sum[1] += Math.floor(n / nx) % ny
    sum[2] += Math.floor(n / (nx * ny))
    voxels++
  }
  return { voxels, world: voxelToWorld(volume.affine, ...(sum.map((s) => s / voxels) as Vec3)) }
}

/*
 * Expected values come from an independent reading of the raw bytes, not from this reader: header fields by
 * offset (dim at 40, datatype at 70, pixdim at 76, vox_offset at 108, codes at 252/254, quatern at 256, srow
 * at 280), voxels straight from the gunzipped data, percentiles as numpy.percentile defines them, and label
 * centroids as srow times the mean voxel index.
 */
describe.skipIf(!haveTemplates)('mricron-data volumes', () => {
  it('ch2better: 301 x 370 x 316 uint8 at 0.5 mm, RAS, sform = qform (codes 1)', async () => {
    const { volume, header } = await readNifti(join(TEMPLATES, 'ch2better.nii.gz'))
    expect(volume.dims).toEqual([301, 370, 316])
    expect(volume.datatype).toBe('uint8')
    expect(volume.data).toBeInstanceOf(Uint8Array)
    expect(header).toMatchObject({ format: 'nifti1', qformCode: 1, sformCode: 1, affineSource: 'sform', pixdim: [0.5, 0.5, 0.5] })
    expect(volume.affine).toEqual([0.5, 0, 0, -75, 0, 0.5, 0, -107, 0, 0, 0.5, -69.5, 0, 0, 0, 1])
    expect(orientationCode(volume.affine)).toBe('RAS')
    const stats = volumeStats(volume)
    expect([stats.min, stats.max]).toEqual([0, 130])
    expect(stats.mean).toBeCloseTo(34.72326999294176, 10)
    expect(percentiles(volume, [1, 99], { nonZero: true })).toEqual([62, 119])
  })

  it('aal: 181 x 217 x 181 labels 0..116, MNI sform (code 4) with no qform; left is left', async () => {
    const { volume, header } = await readNifti(join(TEMPLATES, 'aal.nii.gz'))
    expect(volume.dims).toEqual([181, 217, 181])
    expect(header).toMatchObject({ qformCode: 0, sformCode: 4, affineSource: 'sform' })
    expect(volume.affine).toEqual([1, 0, 0, -90, 0, 1, 0, -125, 0, 0, 1, -71, 0, 0, 0, 1])
    expect(orientationCode(volume.affine)).toBe('RAS')
    const stats = volumeStats(volume)
    expect([stats.min, stats.max]).toEqual([0, 116])
    expect(stats.mean).toBeCloseTo(10.78281526998284, 10)
    // aal.nii.txt: 1 Precentral_L, 2 Precentral_R.
    const left = labelCentroidWorld(volume, 1)
    const right = labelCentroidWorld(volume, 2)
    expect(left.voxels).toBe(28174)
    expect(right.voxels).toBe(27058)
    const expectedLeft: Vec3 = [-39.64957053, -5.68332505, 50.94420388]
    const expectedRight: Vec3 = [40.37456575, -8.21306083, 52.09202454]
    left.world.forEach((v, a) => expect(v).toBeCloseTo(expectedLeft[a]!, 6))
    right.world.forEach((v, a) => expect(v).toBeCloseTo(expectedRight[a]!, 6))
    // Already RAS: the display grid is the file's own.
    expect(reorientToRas(volume).volume).toBe(volume)
  })

  it('Harvard-Oxford (FSL): LAS by its sform, and RAS after reorientation with every label in place', async () => {
    const { volume, header } = await readNifti(join(TEMPLATES, 'HarvardOxford-cort-maxprob-thr0-1mm.nii.gz'))
    expect(volume.dims).toEqual([182, 218, 182])
    expect(header).toMatchObject({ qformCode: 2, sformCode: 2, affineSource: 'sform' })
    expect(volume.affine).toEqual([-1, 0, 0, 90, 0, 1, 0, -126, 0, 0, 1, -72, 0, 0, 0, 1])
    expect(orientationCode(volume.affine)).toBe('LAS')
    // quatern (b, c, d) = (0, 1, 0) with qfac -1 is the same LAS matrix.
    expect(orientationCode(header.qform)).toBe('LAS')
    const ras = reorientToRas(volume)
    expect(ras).toMatchObject({ axes: [0, 1, 2], flip: [true, false, false] })
    // x of voxel 0 becomes 90 - 181 = -91.
    expect(ras.volume.affine).toEqual([1, 0, 0, -91, 0, 1, 0, -126, 0, 0, 1, -72, 0, 0, 0, 1])
    for (const label of [1, 17, 48]) {
      const before = labelCentroidWorld(volume, label)
      const after = labelCentroidWorld(ras.volume, label)
      expect(after.voxels).toBe(before.voxels)
      after.world.forEach((v, a) => expect(v).toBeCloseTo(before.world[a]!, 9))
    }
  })

  it('JHU white matter: the sform (RAS) wins over a different qform (RAI) at equal codes', async () => {
    const { volume, header } = await readNifti(join(TEMPLATES, 'JHU-WhiteMatter-labels-1mm.nii.gz'))
    expect(header).toMatchObject({ qformCode: 2, sformCode: 2, affineSource: 'sform' })
    expect(volume.affine).toEqual([1, 0, 0, -91, 0, 1, 0, -126, 0, 0, 1, -72, 0, 0, 0, 1])
    expect(orientationCode(volume.affine)).toBe('RAS')
    // Its quaternion is 0 with pixdim[0] = -1: k runs Inferior in the qform.
    expect(orientationCode(header.qform)).toBe('RAI')
  })
})
