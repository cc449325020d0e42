import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { PerceptError } from '../../core/errors'
import { orientationCode } from '../orientation'
import { type Vec3, type Volume, type VoxelArray, type VoxelType, voxelSize } from '../volume'
import { boundedMap } from './bounded-map'
import { readDicomFile } from './dicom-file'
import { type DicomProgress, listFilesRecursively, scanDicomHeaders, summarizeSeries } from './folder-scan'
import { type SlicePlacement, seriesGeometry } from './series-geometry'
import type { DicomSliceHeader } from './slice-header'
import { isNativeLittleEndian, transferSyntaxLabel } from './transfer-syntax'

export interface ReadDicomSeriesOptions {
  /** SeriesInstanceUID to read; needed when the folder holds more than one series. */
  series?: string
  onProgress?: (progress: DicomProgress) => void
}

export interface DicomSeriesInfo {
  /** SeriesInstanceUID. */
  uid: string
  description: string
  modality: string
  slices: number
  /** mm along i, j, k. */
  voxelSize: Vec3
  /** Distance between slice centres along the slice normal, mm. */
  sliceSpacing: number
  /** Orientation code of the affine (nibabel's aff2axcodes convention), e.g. "LPS" for a plain axial stack. */
  orientation: string
  /** The stored voxel type, before rescaling. */
  datatype: VoxelType
  /** Whether RescaleSlope / RescaleIntercept changed the values (the data is then float32). */
  rescaled: boolean
  /** Files looked at but passed over: not DICOM, not an image, duplicates. */
  skippedFiles: number
}

export interface DicomSeriesVolume {
  volume: Volume
  info: DicomSeriesInfo
}

const PARALLEL_READS = 8
/** A typed array holds at most 2^32 elements. */
const MAX_VOXELS = 2 ** 32

function invalid(message: string): PerceptError {
  return new PerceptError('INVALID_FILE', message)
}

function storedType(header: DicomSliceHeader): VoxelType {
  if (header.bitsAllocated === 8) return header.pixelRepresentation === 1 ? 'int8' : 'uint8'
  if (header.bitsAllocated === 16) return header.pixelRepresentation === 1 ? 'int16' : 'uint16'
  throw invalid(
    `${basename(header.path)} stores ${header.bitsAllocated} bits per pixel; only 8 and 16 bit images can be read.`,
  )
}

function allocate(type: VoxelType, length: number): VoxelArray {
  switch (type) {
    case 'int8':
      return new Int8Array(length)
    case 'uint8':
      return new Uint8Array(length)
    case 'int16':
      return new Int16Array(length)
    default:
      return new Uint16Array(length)
  }
}

/** Checks what every slice must share before any pixel is read; returns the slices' placements. */
function validateSeries(headers: readonly DicomSliceHeader[]): SlicePlacement[] {
  const first = headers[0]!
  return headers.map((header) => {
    const name = basename(header.path)
    if (!isNativeLittleEndian(header.transferSyntaxUid)) {
      throw invalid(
        `${name} is stored as ${transferSyntaxLabel(header.transferSyntaxUid)}, a compressed or unsupported transfer ` +
          'syntax. Only uncompressed little-endian DICOM (implicit or explicit VR) can be imported: decompress the ' +
          'series first (most DICOM tools can write it uncompressed).',
      )
    }
    if (header.frames !== 1) {
      throw invalid(`${name} is a multi-frame image (${header.frames} frames); only one image per file can be imported.`)
    }
    if (header.samplesPerPixel !== 1) {
      throw invalid(`${name} is a colour image (${header.photometricInterpretation}); only greyscale series can be imported.`)
    }
    if (header.rows !== first.rows || header.columns !== first.columns) {
      throw invalid(
        `The series mixes image sizes: ${basename(first.path)} is ${first.columns} x ${first.rows} pixels but ` +
          `${name} is ${header.columns} x ${header.rows}. Its slices cannot form one volume.`,
      )
    }
    if (header.bitsAllocated !== first.bitsAllocated || header.pixelRepresentation !== first.pixelRepresentation) {
      throw invalid(`The series mixes pixel formats: ${basename(first.path)} and ${name} store their pixels differently.`)
    }
    if (header.position === null || header.orientation === null) {
      throw invalid(
        `${name} has no ImagePositionPatient or ImageOrientationPatient, so its place in space is unknown; ` +
          'a volume cannot be built from it.',
      )
    }
    if (header.pixelSpacing === null) throw invalid(`${name} has no PixelSpacing, so the size of its pixels is unknown.`)
    return { path: header.path, position: header.position, orientation: header.orientation, pixelSpacing: header.pixelSpacing }
  })
}

function pixelBytes(value: unknown): Uint8Array | null {
  const first: unknown = Array.isArray(value) ? value[0] : value
  if (first instanceof ArrayBuffer) return new Uint8Array(first)
  if (ArrayBuffer.isView(first)) return new Uint8Array(first.buffer, first.byteOffset, first.byteLength)
  return null
}

/** The stored integers of one slice, honouring BitsStored and HighBit (PS3.5 §8.1.1, PS3.3 C.7.6.3.1). */
function storedValues(bytes: Uint8Array, header: DicomSliceHeader, count: number): ArrayLike<number> {
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice()
  const raw: VoxelArray =
    header.bitsAllocated === 8
      ? header.pixelRepresentation === 1
        ? new Int8Array(aligned.buffer, aligned.byteOffset, count)
        : aligned.subarray(0, count)
      : header.pixelRepresentation === 1
        ? new Int16Array(aligned.buffer, aligned.byteOffset, count)
        : new Uint16Array(aligned.buffer, aligned.byteOffset, count)
  if (header.bitsStored >= header.bitsAllocated) return raw
  // Fewer bits stored than allocated: the bits above HighBit may hold anything; keep BitsStored bits
  // ending at HighBit and extend the sign from the top stored bit when the pixels are signed.
  const shift = header.highBit + 1 - header.bitsStored
  const mask = (1 << header.bitsStored) - 1
  const signBit = 1 << (header.bitsStored - 1)
  const unsigned = header.bitsAllocated === 8 ? aligned.subarray(0, count) : new Uint16Array(aligned.buffer, aligned.byteOffset, count)
  const values = new Int32Array(count)
  for (let p = 0; p < count; p++) {
    const v = (unsigned[p]! >>> shift) & mask
    values[p] = header.pixelRepresentation === 1 && v & signBit ? v - (mask + 1) : v
  }
  return values
}

function chooseSeries(
  series: Map<string, DicomSliceHeader[]>,
  requested: string | undefined,
  source: string,
): [string, DicomSliceHeader[]] {
  const summaries = summarizeSeries(series).map(({ files: _files, ...summary }) => summary)
  const listing = summaries
    .map((s) => `${s.uid}  "${s.description}" (${s.modality || 'unknown modality'}, ${s.slices} images)`)
    .join('\n')
  if (requested !== undefined) {
    const headers = series.get(requested)
    if (headers === undefined) {
      throw new PerceptError('NOT_FOUND', `No series ${requested} in ${source}. The series there are:\n${listing}`, {
        series: summaries,
      })
    }
    return [requested, headers]
  }
  if (series.size > 1) {
    throw new PerceptError(
      'VALIDATION',
      `${source} holds ${series.size} series; choose one by its SeriesInstanceUID:\n${listing}`,
      { series: summaries },
    )
  }
  return [...series.entries()][0]!
}

/**
 * Reads one DICOM series (a folder, searched recursively, or a list of files) into a RAS+ volume.
 * Slices are ordered by position along the slice normal; RescaleSlope / RescaleIntercept are applied per
 * slice (PS3.3 C.11.1.1.2), giving float32 data unless every slice has the identity.
 */
export async function readDicomSeries(
  source: string | readonly string[],
  options: ReadDicomSeriesOptions = {},
): Promise<DicomSeriesVolume> {
  const paths = typeof source === 'string' ? await listFilesRecursively(source) : [...source]
  const where = typeof source === 'string' ? source : `the ${paths.length} files given`
  const scan = await scanDicomHeaders(paths, options)
  if (scan.series.size === 0) {
    throw invalid(`No DICOM images in ${where} (${paths.length} files looked at). Choose the folder of a DICOM series.`)
  }
  const [uid, headers] = chooseSeries(scan.series, options.series, where)
  const placements = validateSeries(headers)
  const first = headers[0]!
  const geometry = seriesGeometry(placements, first.spacingBetweenSlices ?? first.sliceThickness ?? 1)

  const datatype = storedType(first)
  const rescaled = headers.some((h) => h.rescaleSlope !== 1 || h.rescaleIntercept !== 0)
  const [nx, ny, nz] = [first.columns, first.rows, headers.length]
  const perSlice = nx * ny
  const bytesPerSlice = perSlice * (first.bitsAllocated / 8)
  // Rows and Columns alone must not size the volume: a file too small for its pixels is refused before
  // anything is allocated for them.
  const sizes = await Promise.all(headers.map((header) => stat(header.path).then((info) => info.size)))
  headers.forEach((header, index) => {
    if (sizes[index]! < bytesPerSlice) {
      throw invalid(
        `${basename(header.path)} is ${sizes[index]} bytes, too small for the ${bytesPerSlice} bytes of pixel data ` +
          `its ${nx} x ${ny} pixels need. The file may be truncated, or its Rows and Columns are wrong.`,
      )
    }
  })
  if (perSlice * nz > MAX_VOXELS) {
    throw invalid(`The series has ${nx} x ${ny} x ${nz} voxels, more than the ${MAX_VOXELS} one volume can hold here; import fewer slices.`)
  }
  const data = rescaled ? new Float32Array(perSlice * nz) : allocate(datatype, perSlice * nz)
  let done = 0
  await boundedMap(geometry.order, PARALLEL_READS, async (index, k) => {
    const header = headers[index]!
    const parsed = await readDicomFile(header.path, { headerOnly: false })
    const bytes = parsed === null ? null : pixelBytes(parsed.dataset.PixelData)
    if (bytes === null || bytes.byteLength < bytesPerSlice) {
      throw invalid(
        `${basename(header.path)} has ${bytes === null ? 'no' : 'too little'} pixel data: ${bytesPerSlice} bytes ` +
          `expected for ${nx} x ${ny} pixels. The file may be truncated.`,
      )
    }
    const values = storedValues(bytes, header, perSlice)
    const offset = k * perSlice
    if (rescaled) {
      const { rescaleSlope: slope, rescaleIntercept: intercept } = header
      for (let p = 0; p < perSlice; p++) data[offset + p] = values[p]! * slope + intercept
    } else {
      data.set(values, offset)
    }
    done++
    options.onProgress?.({ phase: 'read', done, total: headers.length, skipped: scan.skipped })
  })

  const volume: Volume = { dims: [nx, ny, nz], affine: geometry.affine, data, components: 1, datatype }
  return {
    volume,
    info: {
      uid,
      description: first.seriesDescription,
      modality: first.modality,
      slices: nz,
      voxelSize: voxelSize(geometry.affine),
      sliceSpacing: geometry.sliceSpacing,
      orientation: orientationCode(geometry.affine),
      datatype,
      rescaled,
      skippedFiles: scan.skipped,
    },
  }
}
