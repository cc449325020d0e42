import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { PerceptError } from '../../core/errors'
import { boundedMap } from './bounded-map'
import { type DicomSliceHeader, readSliceHeader } from './slice-header'

/** One series found in a folder, as a person chooses among them. */
export interface DicomSeriesSummary {
  /** SeriesInstanceUID. */
  uid: string
  description: string
  modality: string
  /** SeriesNumber, when the files carry one. */
  number: number | null
  /** Images (frames) in the series. */
  slices: number
  rows: number
  columns: number
  /** The series' files, sorted by path. */
  files: string[]
}

export interface DicomProgress {
  phase: 'scan' | 'read'
  done: number
  total: number
  /** Files passed over so far: not DICOM, not an image, or a duplicate instance. */
  skipped: number
}

export interface DicomScanOptions {
  onProgress?: (progress: DicomProgress) => void
}

export interface DicomHeaderScan {
  /** Headers grouped by SeriesInstanceUID; duplicates of one SOPInstanceUID kept once. */
  series: Map<string, DicomSliceHeader[]>
  skipped: number
}

const PARALLEL_READS = 8

/** Every regular file under `path` (or `path` itself when it is a file), sorted for a stable order. */
export async function listFilesRecursively(path: string): Promise<string[]> {
  let info
  try {
    info = await stat(path)
  } catch {
    throw new PerceptError('NOT_FOUND', `No file or folder at ${path}: check the path.`)
  }
  if (info.isFile()) return [path]
  if (!info.isDirectory()) return []
  const files: string[] = []
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name)
      // Linked folders are not followed, so a link cycle cannot trap the walk.
      if (entry.isDirectory()) await walk(full)
      else if (entry.isFile() || (entry.isSymbolicLink() && (await stat(full).catch(() => null))?.isFile())) files.push(full)
    }
  }
  await walk(path)
  return files.sort()
}

/** Reads the header of every file and groups the images by series. */
export async function scanDicomHeaders(paths: readonly string[], options: DicomScanOptions = {}): Promise<DicomHeaderScan> {
  let done = 0
  let skipped = 0
  const headers = await boundedMap(paths, PARALLEL_READS, async (path) => {
    const header = await readSliceHeader(path).catch(() => null)
    done++
    if (header === null) skipped++
    options.onProgress?.({ phase: 'scan', done, total: paths.length, skipped })
    return header
  })
  const series = new Map<string, DicomSliceHeader[]>()
  const seen = new Set<string>()
  for (const header of headers) {
    if (header === null) continue
    if (header.sopInstanceUid !== null) {
      // The same instance copied twice (exports often do this) would look like two slices at one position.
      if (seen.has(header.sopInstanceUid)) {
        skipped++
        continue
      }
      seen.add(header.sopInstanceUid)
    }
    const group = series.get(header.seriesUid) ?? []
    group.push(header)
    series.set(header.seriesUid, group)
  }
  if (paths.length > 0) options.onProgress?.({ phase: 'scan', done, total: paths.length, skipped })
  return { series, skipped }
}

/** One summary per series, ordered by SeriesNumber then UID. */
export function summarizeSeries(series: Map<string, DicomSliceHeader[]>): DicomSeriesSummary[] {
  const summaries = [...series.entries()].map(([uid, headers]): DicomSeriesSummary => {
    const first = headers[0]!
    return {
      uid,
      description: first.seriesDescription,
      modality: first.modality,
      number: first.seriesNumber,
      slices: headers.reduce((sum, header) => sum + header.frames, 0),
      rows: first.rows,
      columns: first.columns,
      files: headers.map((header) => header.path).sort(),
    }
  })
  return summaries.sort(
    (a, b) => (a.number ?? Number.POSITIVE_INFINITY) - (b.number ?? Number.POSITIVE_INFINITY) || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0),
  )
}

/**
 * Lists the DICOM series in a folder tree. Every file is tried whatever its name (IM0001, no extension,
 * .dcm); files that are not DICOM images are skipped quietly and counted in the progress reports.
 */
export async function scanDicomFolder(dir: string, options: DicomScanOptions = {}): Promise<DicomSeriesSummary[]> {
  const files = await listFilesRecursively(dir)
  const { series } = await scanDicomHeaders(files, options)
  return summarizeSeries(series)
}
