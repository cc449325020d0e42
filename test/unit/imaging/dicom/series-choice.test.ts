import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PerceptError } from '../../../../main/core/errors'
import { type DicomProgress, readDicomSeries, scanDicomFolder } from '../../../../main/imaging/dicom'
import { makeDicomPhantom, writeDicomSeries } from '../../../../main/imaging/fixtures/dicom-series'
import { removeTempFolders, tempFolder } from './dicom-test-files'

afterAll(removeTempFolders)

async function rejection(promise: Promise<unknown>): Promise<PerceptError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(PerceptError)
  return error as PerceptError
}

describe('DICOM folders with several series and other files', () => {
  let dir = ''
  let axialUid = ''
  let sagittalUid = ''

  beforeAll(async () => {
    dir = await tempFolder()
    const axial = makeDicomPhantom({ sliceGap: 2 })
    axialUid = (await writeDicomSeries(dir, axial.volume, { seed: 1, description: 'T1 axial', seriesNumber: 2 })).seriesUid
    const sagittal = makeDicomPhantom({ dims: [16, 14, 8], rowCosines: [0, 1, 0], columnCosines: [0, 0, -1] })
    const written = await writeDicomSeries(join(dir, 'sub', 'deeper'), sagittal.volume, {
      seed: 2,
      description: 'T2 sagittal',
      seriesNumber: 1,
      extension: '.dcm',
    })
    sagittalUid = written.seriesUid
    // Files that are not DICOM images: text, an empty file, random bytes, a "DICM" header with garbage after it.
    await writeFile(join(dir, 'notes.txt'), 'scan notes: nothing to see\n')
    await writeFile(join(dir, 'EMPTY'), new Uint8Array(0))
    await writeFile(join(dir, 'sub', 'README'), Uint8Array.from({ length: 300 }, (_, i) => (i * 91 + 17) % 256))
    const damaged = new Uint8Array(400).fill(0xee)
    damaged.set([0x44, 0x49, 0x43, 0x4d], 128)
    await mkdir(join(dir, 'other'), { recursive: true })
    await writeFile(join(dir, 'other', 'IM9999'), damaged)
  })

  it('lists every series, ordered by SeriesNumber, and counts the skipped files', async () => {
    const events: DicomProgress[] = []
    const series = await scanDicomFolder(dir, { onProgress: (progress) => events.push(progress) })
    expect(series.map((s) => [s.uid, s.description, s.modality, s.number, s.slices, s.columns, s.rows])).toEqual([
      [sagittalUid, 'T2 sagittal', 'MR', 1, 8, 16, 14],
      [axialUid, 'T1 axial', 'MR', 2, 12, 24, 20],
    ])
    expect(series[0]!.files).toHaveLength(8)
    expect(series[0]!.files.every((file) => file.endsWith('.dcm') && file.includes(join('sub', 'deeper')))).toBe(true)
    expect(series[1]!.files).toHaveLength(12)
    const last = events.at(-1)!
    expect(last).toEqual({ phase: 'scan', done: 24, total: 24, skipped: 4 })
  })

  it('asks the user to choose when no series is named, listing UIDs and descriptions', async () => {
    const error = await rejection(readDicomSeries(dir))
    expect(error.code).toBe('VALIDATION')
    expect(error.message).toContain(axialUid)
    expect(error.message).toContain(sagittalUid)
    expect(error.message).toContain('T1 axial')
    expect(error.message).toContain('T2 sagittal')
    const details = error.details as { series: { uid: string; description: string }[] }
    expect(details.series.map((s) => s.uid)).toEqual([sagittalUid, axialUid])
  })

  it('reads the series the user chose, and says so when the UID is unknown', async () => {
    const { volume, info } = await readDicomSeries(dir, { series: sagittalUid })
    expect(volume.dims).toEqual([16, 14, 8])
    expect([info.uid, info.description, info.slices, info.orientation, info.skippedFiles]).toEqual([
      sagittalUid,
      'T2 sagittal',
      8,
      'PIR',
      4,
    ])
    const missing = await rejection(readDicomSeries(dir, { series: '1.2.3.4' }))
    expect(missing.code).toBe('NOT_FOUND')
    expect(missing.message).toContain(axialUid)
  })

  it('reports reading progress per slice', async () => {
    const events: DicomProgress[] = []
    await readDicomSeries(dir, { series: axialUid, onProgress: (progress) => events.push(progress) })
    const reads = events.filter((event) => event.phase === 'read')
    expect(reads).toHaveLength(12)
    expect(reads.at(-1)).toEqual({ phase: 'read', done: 12, total: 12, skipped: 4 })
  })

  it('refuses a folder without DICOM images', async () => {
    const empty = await tempFolder()
    await writeFile(join(empty, 'a.txt'), 'not an image')
    const error = await rejection(readDicomSeries(empty))
    expect(error.code).toBe('INVALID_FILE')
    expect(error.message).toContain('No DICOM images')
    expect(await scanDicomFolder(empty)).toEqual([])
  })
})
