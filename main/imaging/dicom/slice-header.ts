import type { Vec3 } from '../volume'
import { type ParsedDicom, readDicomFile } from './dicom-file'

/** Row direction cosines then column direction cosines (ImageOrientationPatient, LPS). */
export type DirectionCosines = [number, number, number, number, number, number]

/**
 * The attributes of one image that placing it in a volume needs (PS3.3 C.7.6.2 Image Plane,
 * C.7.6.3 Image Pixel, C.11.1 Modality LUT), read once from the header.
 */
export interface DicomSliceHeader {
  path: string
  transferSyntaxUid: string
  sopInstanceUid: string | null
  seriesUid: string
  seriesDescription: string
  seriesNumber: number | null
  modality: string
  /** InstanceNumber: shown for reference, never used to order slices. */
  instanceNumber: number | null
  rows: number
  columns: number
  frames: number
  /** ImagePositionPatient: centre of the first transmitted pixel, LPS mm. */
  position: Vec3 | null
  orientation: DirectionCosines | null
  /** PixelSpacing as stored: [distance between rows, distance between columns] in mm. */
  pixelSpacing: [number, number] | null
  sliceThickness: number | null
  spacingBetweenSlices: number | null
  bitsAllocated: number
  bitsStored: number
  highBit: number
  /** 0 unsigned, 1 two's complement. */
  pixelRepresentation: 0 | 1
  samplesPerPixel: number
  photometricInterpretation: string
  rescaleSlope: number
  rescaleIntercept: number
}

function numbers(value: unknown): number[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null || value === '' ? [] : [value]
  return list.map((item) => (typeof item === 'number' ? item : Number(String(item).trim())))
}

function numberOr<T>(value: unknown, fallback: T): number | T {
  const first = numbers(value)[0]
  return first === undefined || !Number.isFinite(first) ? fallback : first
}

function fixed(value: unknown, count: number): number[] | null {
  const list = numbers(value)
  return list.length === count && list.every(Number.isFinite) ? list : null
}

function text(value: unknown): string {
  const first: unknown = Array.isArray(value) ? value[0] : value
  return typeof first === 'string' ? first.trim() : first === undefined || first === null ? '' : String(first)
}

/** The header of an image that belongs to a series; null for other DICOM objects (DICOMDIR, reports). */
export function sliceHeaderFrom(path: string, parsed: ParsedDicom): DicomSliceHeader | null {
  const d = parsed.dataset
  const seriesUid = text(d.SeriesInstanceUID)
  const rows = numberOr(d.Rows, 0)
  const columns = numberOr(d.Columns, 0)
  if (seriesUid === '' || rows <= 0 || columns <= 0) return null
  const bitsAllocated = numberOr(d.BitsAllocated, 16)
  const bitsStored = numberOr(d.BitsStored, bitsAllocated)
  return {
    path,
    transferSyntaxUid: parsed.transferSyntaxUid,
    sopInstanceUid: text(d.SOPInstanceUID) || null,
    seriesUid,
    seriesDescription: text(d.SeriesDescription),
    seriesNumber: numberOr(d.SeriesNumber, null),
    modality: text(d.Modality),
    instanceNumber: numberOr(d.InstanceNumber, null),
    rows,
    columns,
    frames: numberOr(d.NumberOfFrames, 1),
    position: fixed(d.ImagePositionPatient, 3) as Vec3 | null,
    orientation: fixed(d.ImageOrientationPatient, 6) as DirectionCosines | null,
    pixelSpacing: fixed(d.PixelSpacing, 2) as [number, number] | null,
    sliceThickness: numberOr(d.SliceThickness, null),
    spacingBetweenSlices: numberOr(d.SpacingBetweenSlices, null),
    bitsAllocated,
    bitsStored,
    highBit: numberOr(d.HighBit, bitsStored - 1),
    pixelRepresentation: numberOr(d.PixelRepresentation, 0) === 1 ? 1 : 0,
    samplesPerPixel: numberOr(d.SamplesPerPixel, 1),
    photometricInterpretation: text(d.PhotometricInterpretation),
    rescaleSlope: numberOr(d.RescaleSlope, 1),
    rescaleIntercept: numberOr(d.RescaleIntercept, 0),
  }
}

/** Reads and interprets one file's header; null when it is not a DICOM image. */
export async function readSliceHeader(path: string): Promise<DicomSliceHeader | null> {
  const parsed = await readDicomFile(path, { headerOnly: true })
  return parsed === null ? null : sliceHeaderFrom(path, parsed)
}
