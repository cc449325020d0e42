import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { centredAffine, makePhantom } from '../../../../main/imaging/fixtures/phantom'
import { affineToQuatern, quaternToAffine, readNifti, writeNifti } from '../../../../main/imaging/nifti'
import { orientationCode } from '../../../../main/imaging/orientation'
import { reorient } from '../../../../main/imaging/reorient'
import type { Mat4, Volume, VoxelArray } from '../../../../main/imaging/volume'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'percept-nifti-write-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function expectAffineClose(actual: readonly number[], expected: readonly number[], tolerance = 1e-5): void {
  actual.forEach((v, n) => expect(Math.abs(v - expected[n]!), `element ${n}: ${v} vs ${expected[n]}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected[n]!))))
}

function sameValues(a: VoxelArray, b: VoxelArray): boolean {
  if (a.length !== b.length) return false
  for (let n = 0; n < a.length; n++) if (a[n] !== b[n]) return false
  return true
}

/** Volumes with awkward geometry: every handedness, an oblique grid, anisotropic voxels, non-integer offsets. */
function geometries(): { name: string; volume: Volume }[] {
  const labels = makePhantom({ kind: 'labels' })
  const image = makePhantom({ seed: 5 })
  const anisotropic = makePhantom({ voxelMm: [0.9, 1.1, 3.3], dims: [60, 64, 22], seed: 2 })
  const oblique = makePhantom({ affine: centredAffine([40, 48, 36], [1.7, 2.1, 2.5], { zDeg: -33, xDeg: 21 }), seed: 3 })
  const shifted = { ...image, affine: [...image.affine] as Mat4 }
  shifted.affine[3] = -75.123
  shifted.affine[7] = 107.77
  shifted.affine[11] = -0.001
  return [
    { name: 'ras-float32', volume: image },
    { name: 'shifted', volume: shifted },
    { name: 'las-labels-uint8', volume: reorient(labels, 'LAS').volume },
    { name: 'psr-labels-int16', volume: { ...reorient(labels, 'PSR').volume, datatype: 'int16', data: Int16Array.from(reorient(labels, 'PSR').volume.data) } },
    { name: 'ilp-anisotropic', volume: reorient(anisotropic, 'ILP').volume },
    { name: 'oblique', volume: oblique },
    { name: 'oblique-left-handed', volume: reorient(oblique, 'LAS').volume },
  ]
}

describe('writeNifti then readNifti', () => {
  it('reproduces dims, affine (1e-5), datatype and values, in .nii and .nii.gz', async () => {
    for (const { name, volume } of geometries()) {
      for (const ext of ['.nii', '.nii.gz']) {
        const path = join(dir, name + ext)
        await writeNifti(path, volume)
        const back = await readNifti(path)
        expect(back.volume.dims, name).toEqual(volume.dims)
        expect(back.volume.datatype, name).toBe(volume.datatype)
        expect(back.volume.data.constructor, name).toBe(volume.data.constructor)
        expect(sameValues(back.volume.data, volume.data), name).toBe(true)
        expectAffineClose(back.volume.affine, volume.affine)
        expect(orientationCode(back.volume.affine)).toBe(orientationCode(volume.affine))
        // Both fields carry the geometry: the qform too, with qfac for left-handed grids.
        expectAffineClose(back.header.qform, volume.affine)
        expect([back.header.qformCode, back.header.sformCode]).toEqual([1, 1])
      }
    }
  })

  it('gzips .nii.gz and leaves no temporary file behind', async () => {
    const sub = await mkdtemp(join(dir, 'atomic-'))
    await writeNifti(join(sub, 'a.nii.gz'), makePhantom({ kind: 'labels' }))
    expect(await readdir(sub)).toEqual(['a.nii.gz'])
    const bytes = await readFile(join(sub, 'a.nii.gz'))
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b])
    const raw = gunzipSync(bytes)
    expect(raw.readInt32LE(0)).toBe(348)
    expect(raw.subarray(344, 348).toString('latin1')).toBe('n+1\0')
    expect(raw.readFloatLE(108)).toBe(352)
  })

  it('writes a .hdr/.img pair', async () => {
    const volume = reorient(makePhantom({ kind: 'labels' }), 'LPS').volume
    await writeNifti(join(dir, 'pair.img'), volume, { description: 'a pair' })
    expect((await readFile(join(dir, 'pair.hdr'))).length).toBe(348)
    expect((await readFile(join(dir, 'pair.img'))).length).toBe(40 * 48 * 36)
    const back = await readNifti(join(dir, 'pair.hdr'))
    expect(back.header).toMatchObject({ pair: true, voxOffset: 0, description: 'a pair' })
    expect(sameValues(back.volume.data, volume.data)).toBe(true)
  })

  it('keeps the codes, scaling and description of a source header', async () => {
    const path = join(dir, 'source.nii')
    await writeNifti(path, makePhantom({ seed: 9 }), { datatype: 'int16', sclSlope: 0.5, sclInter: 3, qform: { code: 2 }, sform: { code: 4 }, description: 'source' })
    const first = await readNifti(path)
    const copy = join(dir, 'copy.nii.gz')
    await writeNifti(copy, first.volume, { source: first.header })
    const second = await readNifti(copy)
    expect(second.header).toMatchObject({ datatype: 'int16', sclSlope: 0.5, sclInter: 3, qformCode: 2, sformCode: 4, description: 'source' })
    expect(sameValues(second.volume.data, first.volume.data)).toBe(true)
  })

  it('takes the other code when the source left one at 0, and 1 when there is no source', async () => {
    const path = join(dir, 'codes.nii')
    const volume = makePhantom({ kind: 'labels' })
    await writeNifti(path, volume, { source: { qformCode: 0, sformCode: 4, sclSlope: 1, sclInter: 0, datatype: 'uint8', description: '' } })
    expect((await readNifti(path)).header).toMatchObject({ qformCode: 4, sformCode: 4 })
  })

  it('stores values an integer type cannot hold as float32, unless the type was asked for', async () => {
    const volume: Volume = { ...makePhantom({ kind: 'labels' }), datatype: 'int16', data: new Float32Array(40 * 48 * 36).fill(1.25) }
    await writeNifti(join(dir, 'implicit.nii'), volume)
    const implicit = await readNifti(join(dir, 'implicit.nii'))
    expect(implicit.volume.datatype).toBe('float32')
    expect(implicit.volume.data[0]).toBe(1.25)
    await writeNifti(join(dir, 'explicit.nii'), { ...volume, data: new Float32Array(volume.data.length).fill(70000) }, { datatype: 'int16' })
    const explicit = await readNifti(join(dir, 'explicit.nii'))
    expect(explicit.volume.datatype).toBe('int16')
    expect(explicit.volume.data[0]).toBe(32767)
  })

  it('writes several volumes as the frames of a 4-D file', async () => {
    const frames = [1, 2].map((seed) => makePhantom({ seed }))
    await writeNifti(join(dir, 'four-d.nii.gz'), frames)
    const second = await readNifti(join(dir, 'four-d.nii.gz'), { frame: 1 })
    expect(second.header.frames).toBe(2)
    expect(second.header.xyztUnits).toEqual({ spatial: 'mm', temporal: 's' })
    expect(sameValues(second.volume.data, frames[1]!.data)).toBe(true)
  })

  it('switches to NIfTI-2 when an axis is longer than NIfTI-1 allows', async () => {
    const long: Volume = { dims: [40000, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], data: new Uint8Array(40000).map((_, n) => n % 256), components: 1, datatype: 'uint8' }
    await writeNifti(join(dir, 'long.nii'), long)
    const back = await readNifti(join(dir, 'long.nii'))
    expect(back.header.format).toBe('nifti2')
    expect(back.volume.dims).toEqual([40000, 1, 1])
    expect(sameValues(back.volume.data, long.data)).toBe(true)
    await expect(writeNifti(join(dir, 'long1.nii'), long, { format: 'nifti1' })).rejects.toMatchObject({ code: 'VALIDATION' })
  })

  it('refuses a name that is not NIfTI', async () => {
    await expect(writeNifti(join(dir, 'volume.mgz'), makePhantom())).rejects.toMatchObject({ code: 'VALIDATION' })
  })
})

describe('qform quaternion (nifti1.h METHOD 2)', () => {
  it('turns the quaternion of a 180° rotation about x into diag(1, -1, -1)', () => {
    const a = quaternToAffine({ b: 1, c: 0, d: 0, offset: [1, 2, 3], pixdim: [2, 3, 4], qfac: 1 })
    expectAffineClose(a, [2, 0, 0, 1, 0, -3, 0, 2, 0, 0, -4, 3, 0, 0, 0, 1], 1e-12)
  })

  it('applies qfac to the k axis (left-handed grids)', () => {
    const a = quaternToAffine({ b: 0, c: 0, d: 0, offset: [0, 0, 0], pixdim: [1, 1, 1], qfac: -1 })
    expectAffineClose(a, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1], 1e-12)
  })

  function roundTripError(zDeg: number, xDeg: number, code: string): number {
    const affine = centredAffine([10, 12, 14], [0.7, 1.3, 2.9], { zDeg, xDeg })
    const volume: Volume = { dims: [10, 12, 14], affine, data: new Uint8Array(1680), components: 1, datatype: 'uint8' }
    const reoriented = reorient(volume, code).volume.affine
    const back = quaternToAffine(affineToQuatern(reoriented))
    return Math.max(...back.map((v, n) => Math.abs(v - reoriented[n]!)))
  }

  it('recovers any rotation, reflection and scale from its affine', () => {
    for (const [zDeg, xDeg] of [[0, 0], [90, 0], [180, 0], [0, 180], [180, 180], [-33, 21], [123, -77], [170, 5]]) {
      // Far below the 1e-5 that float32 storage allows.
      for (const code of ['RAS', 'LPS', 'PSR', 'LAI']) expect(roundTripError(zDeg!, xDeg!, code), `${zDeg} ${xDeg} ${code}`).toBeLessThan(1e-9)
    }
  })

  it('loses at most what nifti1.h concedes within a hair of 180°', () => {
    // a = sqrt(1 - b² - c² - d²) is taken as 0 once a² < 1e-7, so a matrix entry may move by up to
    // 2·sqrt(1e-7) per mm of voxel (2.9 mm here): the reason the sform, exact, is written too.
    for (const code of ['RAS', 'LAI']) expect(roundTripError(179.9, 0.1, code)).toBeLessThan(2 * Math.sqrt(1e-7) * 2.9)
  })
})
