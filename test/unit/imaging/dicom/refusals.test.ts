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
