import { readFile, truncate, writeFile } from 'node:fs/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { PerceptError } from '../../../../main/core/errors'
import { readDicomSeries, scanDicomFolder } from '../../../../main/imaging/dicom'
import { makeDicomPhantom, writeDicomSeries } from '../../../../main/imaging/fixtures/dicom-series'
import { removeTempFolders, tempFolder } from './dicom-test-files'

afterAll(removeTempFolders)

async function invalidFile(source: string): Promise<string> {
  const error = await readDicomSeries(source).then(
    () => null,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(PerceptError)
  expect((error as PerceptError).code).toBe('INVALID_FILE')
  return (error as PerceptError).message
}

describe('DICOM series that cannot form a volume', () => {
  it('refuses uneven slice gaps and names them', async () => {
    const dir = await tempFolder()
    // Slices 6..11 shifted by one gap: as if a slice were missing between 5 and 6.
    const sliceOffsetsMm = Array.from({ length: 12 }, (_, k) => (k >= 6 ? 2.5 : 0))
    await writeDicomSeries(dir, makeDicomPhantom({ sliceGap: 2.5 }).volume, { sliceOffsetsMm })
    const message = await invalidFile(dir)
    expect(message).toContain('gaps are uneven')
    expect(message).toContain('most are 2.5 mm')
    expect(message).toContain('5 mm between slices 5 and 6')
  })

  it('accepts gaps that differ by less than the tolerance', async () => {
    const dir = await tempFolder()
    const sliceOffsetsMm = Array.from({ length: 12 }, (_, k) => (k % 2 === 0 ? 0.004 : -0.004))
    await writeDicomSeries(dir, makeDicomPhantom({ sliceGap: 2.5 }).volume, { sliceOffsetsMm })
    const { info } = await readDicomSeries(dir)
    expect(info.sliceSpacing).toBeCloseTo(2.5, 2)
  })

  it('refuses two slices at the same position', async () => {
    const dir = await tempFolder()
    const sliceOffsetsMm = Array.from({ length: 12 }, (_, k) => (k === 4 ? -2.5 : 0))
    await writeDicomSeries(dir, makeDicomPhantom({ sliceGap: 2.5 }).volume, { sliceOffsetsMm })
    expect(await invalidFile(dir)).toContain('same position')
  })

  it('refuses a compressed transfer syntax and names it', async () => {
    const dir = await tempFolder()
    await writeDicomSeries(dir, makeDicomPhantom().volume, { transferSyntaxUid: '1.2.840.10008.1.2.4.50' })
    // It is still a DICOM series, so it is listed; reading it is what fails.
    expect((await scanDicomFolder(dir)).map((s) => s.slices)).toEqual([12])
    const message = await invalidFile(dir)
    expect(message).toContain('JPEG Baseline (1.2.840.10008.1.2.4.50)')
    expect(message).toContain('uncompressed')
  })

  it('refuses a series whose slices differ in size or orientation', async () => {
    const sizes = await tempFolder()
    const first = await writeDicomSeries(sizes, makeDicomPhantom().volume, { seed: 1 })
    await writeDicomSeries(sizes, makeDicomPhantom({ dims: [20, 20, 6] }).volume, {
      seed: 2,
      seriesUid: first.seriesUid,
      namePrefix: 'B',
    })
    expect(await invalidFile(sizes)).toContain('mixes image sizes')

    const orientations = await tempFolder()
    await writeDicomSeries(orientations, makeDicomPhantom().volume, { seed: 1, seriesUid: first.seriesUid })
    const tilted = makeDicomPhantom({ columnCosines: [0, Math.cos(0.3), Math.sin(0.3)], firstPosition: [0, 0, 100] })
    await writeDicomSeries(orientations, tilted.volume, { seed: 2, seriesUid: first.seriesUid, namePrefix: 'B' })
    expect(await invalidFile(orientations)).toContain('mixes slice orientations')
  })
})

/** The file with Rows and Columns (US elements of an explicit VR little-endian dataset) set to `size`. */
async function withRowsAndColumns(path: string, size: number): Promise<void> {
  const bytes = await readFile(path)
  for (const element of [0x0010, 0x0011]) {
    // Tag (0028,eeee), "US", 16-bit length 2, then the value.
    const tag = Buffer.from([0x28, 0x00, element & 0xff, element >> 8, 0x55, 0x53, 0x02, 0x00])
    const at = bytes.indexOf(tag, 132)
    expect(at).toBeGreaterThan(0)
    bytes.writeUInt16LE(size, at + tag.length)
  }
  await writeFile(path, bytes)
}

describe('DICOM headers that claim more pixels than the files hold (found by fuzzing)', () => {
  it('refuses 65535 x 65535 slices in small files before allocating the volume', async () => {
    const dir = await tempFolder()
    const { files } = await writeDicomSeries(dir, makeDicomPhantom({ dims: [8, 8, 6] }).volume, { shuffleNames: false })
    for (const file of files) await withRowsAndColumns(file, 65535)
    // Was a RangeError: 65535 x 65535 x 6 int16 voxels were allocated from the headers alone.
    const message = await invalidFile(dir)
    expect(message).toMatch(/^IM000\d is \d+ bytes, too small for the 8589672450 bytes of pixel data its 65535 x 65535 pixels need\./)
  })

  it('refuses a series past 2^32 voxels, even in files long enough for their slices', async () => {
    const dir = await tempFolder()
    const { files } = await writeDicomSeries(dir, makeDicomPhantom({ dims: [8, 8, 6] }).volume, { shuffleNames: false, storedType: 'uint8', rescaleSlope: 8, rescaleIntercept: -20 })
    // Sparse files (no disk used) of 65535 x 65535 one-byte pixels each: 6 slices make 2.6e10 voxels.
    for (const file of files) {
      await withRowsAndColumns(file, 65535)
      await truncate(file, 65535 * 65535 + 4096)
    }
    expect(await invalidFile(dir)).toBe(
      `The series has 65535 x 65535 x 6 voxels, more than the ${2 ** 32} one volume can hold here; import fewer slices.`,
    )
  })
})
