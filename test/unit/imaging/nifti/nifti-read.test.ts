import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PerceptError } from '../../../../main/core/errors'
import { makePhantom, PHANTOM_MARKER } from '../../../../main/imaging/fixtures/phantom'
import { writePhantomSet, type PhantomFile } from '../../../../main/imaging/fixtures/phantom-files'
import { chooseAffineSource, readNifti, VOXEL_TYPES } from '../../../../main/imaging/nifti'
import { reorient } from '../../../../main/imaging/reorient'
import type { VoxelArray, VoxelType } from '../../../../main/imaging/volume'

let dir = ''
let files: PhantomFile[] = []
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'percept-nifti-read-'))
  files = await writePhantomSet(dir, { seed: 11 })
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function file(name: string): PhantomFile {
  const found = files.find((f) => f.file.endsWith(name))
  if (!found) throw new Error(`no phantom file ${name}`)
  return found
}

/** What a reader must return for a written value: stored = clamp(round((v - inter) / slope)), read = stored·slope + inter. */
function expectedValue(v: number, type: VoxelType, slope: number, inter: number): number {
  const range = VOXEL_TYPES[type].integerRange
  if (!range) return v
  const stored = Math.min(range[1], Math.max(range[0], Math.round((v - inter) / slope)))
  return Math.fround(stored * slope + inter)
}

function mismatches(actual: VoxelArray, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length)
  let count = 0
  for (let n = 0; n < actual.length; n++) if (actual[n] !== expected[n]) count++
  return count
}

describe('readNifti: intensities', () => {
  it('applies scl_slope and scl_inter exactly (int16, slope 2, inter -100)', async () => {
    const f = file('lps-int16-scaled.nii.gz')
    const { volume, header } = await readNifti(f.file)
    expect([header.sclSlope, header.sclInter]).toEqual([2, -100])
    expect(volume.datatype).toBe('int16')
    expect(volume.data).toBeInstanceOf(Float32Array)
    const written = f.volumes[0]!.data
    const expected = Array.from(written, (v) => expectedValue(v, 'int16', 2, -100))
    expect(mismatches(volume.data, expected)).toBe(0)
    // Every value is then 2·stored - 100: even integers.
    expect(Array.from(volume.data).every((v) => Number.isInteger(v) && v % 2 === 0)).toBe(true)
    // The background, 0, is stored as 50 and read back as 0.
    expect(volume.data[0]).toBe(0)
  })

  it('scales every stored type and byte order', async () => {
    for (const f of files.filter((x) => x.kind === 'image' && x.datatype !== 'rgb24')) {
      const { volume, header } = await readNifti(f.file)
      expect(volume.datatype, f.file).toBe(f.datatype)
      expect(header.byteOrder, f.file).toBe(f.byteOrder)
      expect(header.format, f.file).toBe(f.format)
      const expected = Array.from(f.volumes[0]!.data, (v) => expectedValue(v, f.datatype, f.sclSlope, f.sclInter))
      expect(mismatches(volume.data, expected), f.file).toBe(0)
    }
  })

  it('keeps the stored typed array when there is no scaling', async () => {
    const arrays: Record<string, unknown> = {
      'ras-uint8.nii': Uint8Array,
      'rpi-uint16.nii.gz': Uint16Array,
      'sla-int32.nii': Int32Array,
      'ras-float64-nifti2.nii.gz': Float64Array,
      'las-int16-big-endian.nii': Int16Array,
      'labels-las-int8-pair.img': Int8Array,
    }
    for (const [name, type] of Object.entries(arrays)) {
      const { volume } = await readNifti(file(name).file)
      expect(volume.data.constructor, name).toBe(type)
    }
  })

  it('treats a slope of 0 or NaN as no scaling (nifti1.h)', async () => {
    const { scalingOf } = await import('../../../../main/imaging/nifti')
    expect(scalingOf({ sclSlope: 0, sclInter: 5, datatype: 'int16' })).toBeUndefined()
    expect(scalingOf({ sclSlope: NaN, sclInter: 5, datatype: 'int16' })).toBeUndefined()
    expect(scalingOf({ sclSlope: 1, sclInter: 0, datatype: 'int16' })).toBeUndefined()
    expect(scalingOf({ sclSlope: 2, sclInter: NaN, datatype: 'int16' })).toEqual({ slope: 2, inter: 0 })
    expect(scalingOf({ sclSlope: 2, sclInter: 1, datatype: 'rgb24' })).toBeUndefined()
  })

  it('reads RGB24 as three bytes per voxel', async () => {
    const { volume } = await readNifti(file('ras-rgb24.nii').file)
    expect(volume.components).toBe(3)
    expect(volume.data.length).toBe(3 * volume.dims[0] * volume.dims[1] * volume.dims[2])
    // The marker voxel at display index (33, 40, 30) of the RAS grid: label 4 coloured (240, 255, 15).
    const n = 33 + 40 * (40 + 48 * 30)
    expect(Array.from(volume.data.subarray(3 * n, 3 * n + 3))).toEqual([4 * 60, 255, 255 - 4 * 60])
  })
})

describe('readNifti: files', () => {
  it('opens a .hdr/.img pair from either file, gzipped or not', async () => {
    const fromHeader = await readNifti(file('lps-uint16-pair.hdr').file)
    const fromImage = await readNifti(file('lps-uint16-pair.hdr').file.replace(/\.hdr$/, '.img'))
    expect(fromHeader.header.pair).toBe(true)
    expect(fromImage.volume.affine).toEqual(fromHeader.volume.affine)
    expect(mismatches(fromImage.volume.data, fromHeader.volume.data)).toBe(0)
    const gz = await readNifti(file('psr-float32-pair.hdr.gz').file.replace(/\.hdr\.gz$/, '.img.gz'))
    expect(mismatches(gz.volume.data, file('psr-float32-pair.hdr.gz').volumes[0]!.data)).toBe(0)
  })

  it('reads the chosen frame of a 4-D file and only that one', async () => {
    const f = file('lps-4d-float32.nii.gz')
    for (const frame of [0, 1, 2]) {
      const { volume, header } = await readNifti(f.file, { frame })
      expect([header.frames, header.frame]).toEqual([3, frame])
      // Frame f is the phantom with seed 11 + f, reoriented to LPS: an independent rebuild.
      const expected = reorient(makePhantom({ seed: 11 + frame }), 'LPS').volume.data
      expect(mismatches(volume.data, expected), `frame ${frame}`).toBe(0)
    }
    await expect(readNifti(f.file, { frame: 3 })).rejects.toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/3 frames.*0 to 2/) })
    await expect(readNifti(f.file, { frame: -1 })).rejects.toBeInstanceOf(PerceptError)
  })

  it('decodes the header fields', async () => {
    const { header } = await readNifti(file('las-float32.nii.gz').file)
    expect(header).toMatchObject({
      format: 'nifti1',
      dims: [40, 48, 36],
      frames: 1,
      frame: 0,
      pixdim: [2, 2, 2],
      qformCode: 2,
      sformCode: 2,
      description: 'Percept phantom las-float32.nii.gz',
      xyztUnits: { spatial: 'mm', temporal: 'unknown' },
      pair: false,
      voxOffset: 352,
    })
    // LAS is left-handed: the qform stores it with qfac -1 and must give back the same matrix as the sform.
    header.qform.forEach((v, n) => expect(Math.abs(v - header.sform[n]!)).toBeLessThan(1e-5))
  })
})

describe('affine precedence (NiiVue: sform unless the qform code is higher; then qform; then pixdim)', () => {
  it('picks by the codes', () => {
    expect(chooseAffineSource(2, 1)).toBe('qform') // sform 1 + qform 2
    expect(chooseAffineSource(1, 2)).toBe('sform') // sform 2 + qform 1
    expect(chooseAffineSource(1, 0)).toBe('qform') // sform 0, qform 1
    expect(chooseAffineSource(0, 0)).toBe('pixdim')
    expect(chooseAffineSource(0, 4)).toBe('sform')
    expect(chooseAffineSource(2, 2)).toBe('sform') // equal codes: the sform
  })

  it('places the phantom with the picked affine when qform and sform disagree', async () => {
    for (const name of ['lps-qform2-sform1.nii', 'lps-qform1-sform2.nii', 'las-qform-only.nii', 'psr-sform-only.nii.gz']) {
      const f = file(name)
      const { volume, header } = await readNifti(f.file)
      expect(header.affineSource, name).toBe(f.affineSource)
      // The written volume's affine is the true placement; the other field holds a decoy.
      volume.affine.forEach((v, n) => expect(Math.abs(v - f.volumes[0]!.affine[n]!), name).toBeLessThan(1e-4))
      const other = f.affineSource === 'qform' ? header.sform : header.qform
      expect(Math.abs(other[3]! - volume.affine[3]!), name).toBeGreaterThan(50)
    }
  })

  it('keeps the marker value at its voxel under the picked affine', async () => {
    const { volume } = await readNifti(file('lps-qform2-sform1.nii').file)
    // LPS grid of the default phantom: the marker (33, 40, 30) in RAS is (39 - 33, 47 - 40, 30).
    expect(volume.data[6 + 40 * (7 + 48 * 30)]).toBeGreaterThan(PHANTOM_MARKER.intensity - 30)
  })
})

describe('readNifti: copies and names', () => {
  it('reads a copy under another name by its magic, not its extension', async () => {
    const copy = join(dir, 'copy-without-extension')
    await copyFile(file('ras-uint8.nii').file, copy)
    const { volume } = await readNifti(copy)
    expect(volume.dims).toEqual([40, 48, 36])
  })
})
