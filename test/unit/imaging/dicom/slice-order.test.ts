import { basename } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readDicomSeries } from '../../../../main/imaging/dicom'
import { makeDicomPhantom, writeDicomSeries } from '../../../../main/imaging/fixtures/dicom-series'
import { voxelToWorld } from '../../../../main/imaging/volume'
import { expectCloseVec, lpsToRas, readTags, removeTempFolders, tempFolder } from './dicom-test-files'

afterAll(removeTempFolders)

const isSorted = (values: readonly (string | number)[]): boolean => values.every((v, i) => i === 0 || values[i - 1]! < v)

describe('DICOM slice order', () => {
  it('sorts by position along the normal, not by file name or InstanceNumber', async () => {
    const dir = await tempFolder()
    const phantom = makeDicomPhantom({ sliceGap: 2.5, firstPosition: [-10, 20, 30] })
    const written = await writeDicomSeries(dir, phantom.volume, { seed: 7 })
    // Preconditions: neither names nor InstanceNumbers follow the slices, in either direction.
    const names = written.files.map((file) => basename(file))
    expect(isSorted(names)).toBe(false)
    expect(isSorted([...names].reverse())).toBe(false)
    expect(isSorted(written.instanceNumbers)).toBe(false)
    expect(isSorted([...written.instanceNumbers].reverse())).toBe(false)
    const instanceInFile = written.files.map((file) => readTags(file).InstanceNumber)
    expect(instanceInFile).toEqual(written.instanceNumbers)

    const { volume } = await readDicomSeries(dir)
    expect(volume.data).toBeInstanceOf(Int16Array)
    expect(Array.from(volume.data)).toEqual(Array.from(phantom.volume.data))
    // Each file's ImagePositionPatient, in RAS, is where its slice's first voxel lands.
    for (let k = 0; k < 12; k++) {
      const position = readTags(written.files[k]!).ImagePositionPatient as [number, number, number]
      expectCloseVec(position, [-10, 20, 30 + 2.5 * k])
      expectCloseVec(voxelToWorld(volume.affine, 0, 0, k), lpsToRas(position))
    }
  })

  it('reads the same volume from a list of files in any order', async () => {
    const dir = await tempFolder()
    const phantom = makeDicomPhantom()
    const written = await writeDicomSeries(dir, phantom.volume, { seed: 3 })
    const files = [...written.files].reverse()
    const { volume, info } = await readDicomSeries(files)
    expect(info.slices).toBe(12)
    expect(Array.from(volume.data)).toEqual(Array.from(phantom.volume.data))
  })
})
