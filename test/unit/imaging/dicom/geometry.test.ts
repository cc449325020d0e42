import { afterAll, describe, expect, it } from 'vitest'
import { readDicomSeries } from '../../../../main/imaging/dicom'
import { makeDicomPhantom, writeDicomSeries } from '../../../../main/imaging/fixtures/dicom-series'
import { type Volume, voxelIndex, voxelToWorld } from '../../../../main/imaging/volume'
import { expectCloseVec, lpsToRas, readTags, removeTempFolders, tempFolder, type Vec } from './dicom-test-files'

afterAll(removeTempFolders)

/** Mean world position (RAS mm) of the voxels holding `value`. */
function centroidOf(volume: Volume, value: number): Vec {
  const [nx, ny, nz] = volume.dims
  const sum = [0, 0, 0]
  let count = 0
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (volume.data[voxelIndex(volume.dims, i, j, k)] !== value) continue
        voxelToWorld(volume.affine, i, j, k).forEach((v, a) => (sum[a] = sum[a]! + v))
        count++
      }
  return sum.map((v) => v / count) as Vec
}

/** PS3.3 C.7.6.2.1.1: P = IPP + i * columnSpacing * r + j * rowSpacing * c, from a file's own tags (LPS). */
function dicomVoxelPosition(tags: Record<string, unknown>, i: number, j: number): Vec {
  const [x, y, z] = tags.ImagePositionPatient as number[]
  const [rx, ry, rz, cx, cy, cz] = tags.ImageOrientationPatient as number[]
  const [rowSpacing, columnSpacing] = tags.PixelSpacing as number[]
  return [
    x! + i * columnSpacing! * rx! + j * rowSpacing! * cx!,
    y! + i * columnSpacing! * ry! + j * rowSpacing! * cy!,
    z! + i * columnSpacing! * rz! + j * rowSpacing! * cz!,
  ]
}

describe('DICOM geometry', () => {
  it('takes PixelSpacing as [between rows, between columns] and the slice gap from the positions', async () => {
    const dir = await tempFolder()
    const phantom = makeDicomPhantom({ pixelSpacing: [0.8, 0.6], sliceGap: 2.5, firstPosition: [-10, 20, 30] })
    const written = await writeDicomSeries(dir, phantom.volume)
    // The files say what we mean: rows 0.8 mm apart, columns 0.6 mm apart, slices 2.5 mm apart along +z.
    const tags = readTags(written.files[3]!)
    expect(tags.PixelSpacing).toEqual([0.8, 0.6])
    expect(tags.Rows).toBe(20)
    expect(tags.Columns).toBe(24)
    expectCloseVec(tags.ImagePositionPatient as number[], [-10, 20, 30 + 3 * 2.5])

    const { volume, info } = await readDicomSeries(dir)
    expect(volume.dims).toEqual([24, 20, 12])
    expectCloseVec(info.voxelSize, [0.6, 0.8, 2.5])
    expect(info.sliceSpacing).toBeCloseTo(2.5, 6)
    expect(info.orientation).toBe('LPS')
    // Axial, r = +x (L), c = +y (P): voxel (i, j, k) is LPS (-10 + 0.6 i, 20 + 0.8 j, 30 + 2.5 k).
    expectCloseVec(voxelToWorld(volume.affine, 0, 0, 0), [10, -20, 30])
    expectCloseVec(voxelToWorld(volume.affine, 5, 7, 3), [10 - 3, -20 - 5.6, 37.5])
    expectCloseVec(voxelToWorld(volume.affine, 23, 19, 11), [10 - 13.8, -20 - 15.2, 57.5])
  })

  it('puts the marker where the DICOM geometry says: right, anterior, superior of the centre', async () => {
    const dir = await tempFolder()
    const phantom = makeDicomPhantom({ pixelSpacing: [0.8, 0.6], sliceGap: 2.5, firstPosition: [-10, 20, 30] })
    await writeDicomSeries(dir, phantom.volume)
    const { volume } = await readDicomSeries(dir)
    // Marker voxels i 2..5, j 3..6, k 8..10: centre (3.5, 4.5, 9) -> LPS (-7.9, 23.6, 52.5) -> RAS (7.9, -23.6, 52.5).
    const marker = centroidOf(volume, 1000)
    expectCloseVec(marker, [7.9, -23.6, 52.5])
    const centre = voxelToWorld(volume.affine, 11.5, 9.5, 5.5)
    expect(marker[0]).toBeGreaterThan(centre[0]) // towards the subject's right (+x in RAS)
    expect(marker[1]).toBeGreaterThan(centre[1]) // anterior
    expect(marker[2]).toBeGreaterThan(centre[2]) // superior
  })

  it('reads a sagittal stack as PIR with the marker at its known place', async () => {
    const dir = await tempFolder()
    // r = +y (towards P), c = -z (towards I), n = r x c = -x (towards R).
    const phantom = makeDicomPhantom({
      rowCosines: [0, 1, 0],
      columnCosines: [0, 0, -1],
      pixelSpacing: [1.2, 1],
      sliceGap: 3,
      firstPosition: [50, -100, 80],
    })
    await writeDicomSeries(dir, phantom.volume)
    const { volume, info } = await readDicomSeries(dir)
    expect(info.orientation).toBe('PIR')
    expectCloseVec(info.voxelSize, [1, 1.2, 3])
    // Voxel (i, j, k) is LPS (50 - 3k, -100 + i, 80 - 1.2 j), RAS (-50 + 3k, 100 - i, 80 - 1.2 j).
    expectCloseVec(voxelToWorld(volume.affine, 4, 5, 6), [-32, 96, 74])
    expectCloseVec(centroidOf(volume, 1000), [-50 + 27, 100 - 3.5, 80 - 5.4])
  })

  it('maps every voxel of an oblique stack to the position its file gives it', async () => {
    const dir = await tempFolder()
    const [a, b] = [(20 * Math.PI) / 180, (15 * Math.PI) / 180]
    // Axial rotated 20 degrees about z and tilted 15 degrees: still orthonormal cosines.
    const row: Vec = [Math.cos(a), Math.sin(a), 0]
    const column: Vec = [-Math.sin(a) * Math.cos(b), Math.cos(a) * Math.cos(b), Math.sin(b)]
    const phantom = makeDicomPhantom({
      rowCosines: row,
      columnCosines: column,
      pixelSpacing: [0.9, 0.7],
      sliceGap: 2,
      firstPosition: [12.5, -40, 7],
    })
    const written = await writeDicomSeries(dir, phantom.volume)
    const { volume, info } = await readDicomSeries(dir)
    // RAS directions: i (-cos a, -sin a, 0) mostly L; j mostly -y (P); the normal mostly +z (S).
    expect(info.orientation).toBe('LPS')
    expectCloseVec(info.voxelSize, [0.7, 0.9, 2])
    for (let k = 0; k < 12; k++) {
      const tags = readTags(written.files[k]!)
      for (const [i, j] of [[0, 0], [23, 0], [0, 19], [7, 11]] as const) {
        expectCloseVec(voxelToWorld(volume.affine, i, j, k), lpsToRas(dicomVoxelPosition(tags, i, j)))
      }
      // The slice's pixels are the file's pixels: the file at this position is slice k.
      expect(volume.data[voxelIndex(volume.dims, 2, 3, k)]).toBe(phantom.volume.data[voxelIndex(volume.dims, 2, 3, k)])
    }
    expect(Array.from(volume.data)).toEqual(Array.from(phantom.volume.data))
  })

  it('orders slices along +n even when the stack was written running the other way', async () => {
    const dir = await tempFolder()
    // k of the written volume runs along -n: the reader must reverse it and keep every voxel's world position.
    const phantom = makeDicomPhantom({ sliceGap: -2, firstPosition: [0, 0, 40] })
    await writeDicomSeries(dir, phantom.volume)
    const { volume, info } = await readDicomSeries(dir)
    expect(info.orientation).toBe('LPS')
    const [nx, ny, nz] = volume.dims
    for (const [i, j, k] of [[0, 0, 0], [3, 4, 2], [23, 19, 11], [10, 10, 9]] as const) {
      const mirrored = nz - 1 - k
      expect(volume.data[voxelIndex([nx, ny, nz], i, j, k)]).toBe(phantom.volume.data[voxelIndex([nx, ny, nz], i, j, mirrored)])
      expectCloseVec(voxelToWorld(volume.affine, i, j, k), voxelToWorld(phantom.volume.affine, i, j, mirrored))
    }
    // Slice 0 is now the lowest: z = 40 - 2 * 11 = 18.
    expect(voxelToWorld(volume.affine, 0, 0, 0)[2]).toBeCloseTo(18, 6)
  })
})
