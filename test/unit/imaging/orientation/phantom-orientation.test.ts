import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_PHANTOM_DIMS, DEFAULT_PHANTOM_VOXEL_MM, PHANTOM_MARKER } from '../../../../main/imaging/fixtures/phantom'
import { writePhantomSet, type PhantomFile } from '../../../../main/imaging/fixtures/phantom-files'
import { readNifti } from '../../../../main/imaging/nifti'
import { orientationCode } from '../../../../main/imaging/orientation'
import { reorientToRas } from '../../../../main/imaging/reorient'
import { voxelToWorld, type Vec3, type Volume } from '../../../../main/imaging/volume'

let dir = ''
let files: PhantomFile[] = []
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'percept-phantom-orientation-'))
  files = await writePhantomSet(dir, { seed: 7 })
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** Mean voxel index of the marker: label 4, or intensity above 200 (the shells are 50, 100, 150, the marker 250). */
function markerCentroid(volume: Volume, kind: 'image' | 'labels'): Vec3 {
  const [nx, ny] = volume.dims
  const sum: Vec3 = [0, 0, 0]
  let count = 0
  for (let n = 0; n < volume.data.length / volume.components; n++) {
    const v = volume.components === 3 ? volume.data[3 * n + 1]! : volume.data[n]!
    const hit = volume.components === 3 ? v === 255 : kind === 'labels' ? v === PHANTOM_MARKER.label : v > 200
    if (!hit) continue
    sum[0] += n % nx
    sum[1] += Math.floor(n / nx) % ny
    sum[2] += Math.floor(n / (nx * ny))
    count++
  }
  expect(count).toBeGreaterThan(0)
  return sum.map((s) => s / count) as Vec3
}

/**
 * Where the marker must be on the RAS display grid of the default phantom: voxel centres sit at
 * -(n-1)/2·size + index·size mm, so the marker centre (27, 33, 25) mm is at index (33, 40, 30).
 */
const MARKER_RAS_INDEX: Vec3 = [0, 1, 2].map((a) => (PHANTOM_MARKER.centerMm[a]! + ((DEFAULT_PHANTOM_DIMS[a]! - 1) / 2) * DEFAULT_PHANTOM_VOXEL_MM[a]!) / DEFAULT_PHANTOM_VOXEL_MM[a]!) as Vec3

describe('the phantom set', () => {
  it('holds the variants it promises', () => {
    expect(MARKER_RAS_INDEX).toEqual([33, 40, 30])
    expect(new Set(files.map((f) => f.orientation))).toEqual(new Set(['RAS', 'LPS', 'LAS', 'PSR', 'AIL', 'RPI', 'SLA', 'LPI']))
    expect(new Set(files.map((f) => f.datatype))).toEqual(new Set(['uint8', 'int8', 'int16', 'uint16', 'int32', 'float32', 'float64', 'rgb24']))
    expect(new Set(files.map((f) => f.affineSource))).toEqual(new Set(['sform', 'qform', 'pixdim']))
    expect(files.some((f) => f.oblique) && files.some((f) => f.pair) && files.some((f) => f.byteOrder === 'big')).toBe(true)
    expect(files.some((f) => f.format === 'nifti2') && files.some((f) => f.frames > 1) && files.some((f) => f.sclSlope !== 1)).toBe(true)
  })

  it('reads each file with the orientation code and affine source it was written with', async () => {
    for (const f of files) {
      const { volume, header } = await readNifti(f.file)
      expect(orientationCode(volume.affine), f.file).toBe(f.orientation)
      expect(header.affineSource, f.file).toBe(f.affineSource)
      expect([header.qformCode, header.sformCode], f.file).toEqual([f.qformCode, f.sformCode])
    }
  })

  it('places the marker at the same world position in every orientation', async () => {
    for (const f of files.filter((file) => file.worldMatchesPhantom)) {
      const { volume } = await readNifti(f.file)
      const world = voxelToWorld(volume.affine, ...markerCentroid(volume, f.kind))
      // Axis-aligned grids are exact permutations of one grid; the oblique one samples the cube afresh, so
      // its centroid may move by up to half a voxel.
      const tolerance = f.oblique ? 0.5 * Math.hypot(...DEFAULT_PHANTOM_VOXEL_MM) : 1e-4
      world.forEach((v, a) => expect(Math.abs(v - PHANTOM_MARKER.centerMm[a]!), `${f.file} axis ${a}`).toBeLessThanOrEqual(tolerance))
    }
  })

  it('after reorientation to RAS, puts the marker to the right, front and top of the display grid', async () => {
    for (const f of files.filter((file) => file.worldMatchesPhantom)) {
      const { volume } = await readNifti(f.file)
      const ras = reorientToRas(volume).volume
      expect(orientationCode(ras.affine)).toBe('RAS')
      const centroid = markerCentroid(ras, f.kind)
      centroid.forEach((v, a) => expect(v, `${f.file} axis ${a}`).toBeGreaterThan((ras.dims[a]! - 1) / 2))
      if (!f.oblique) expect(centroid, f.file).toEqual(MARKER_RAS_INDEX)
    }
  })

  it('follows the header, not a guess, when neither qform nor sform is set', async () => {
    // Stored LPS, but with both codes 0 the affine is pixdim scaling (RAS): the marker then shows at the
    // left, back and top, exactly where the file's grid puts it.
    const f = files.find((file) => file.affineSource === 'pixdim')!
    const { volume } = await readNifti(f.file)
    expect(volume.affine).toEqual([2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1])
    const [x, y, z] = MARKER_RAS_INDEX
    expect(markerCentroid(reorientToRas(volume).volume, f.kind)).toEqual([DEFAULT_PHANTOM_DIMS[0] - 1 - x, DEFAULT_PHANTOM_DIMS[1] - 1 - y, z])
  })
})
