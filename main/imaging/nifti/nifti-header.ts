import * as nifti from 'nifti-reader-js'
import { PerceptError } from '../../core/errors'
import { voxelVolumeMm3, type Mat4, type Vec3, type VoxelType } from '../volume'
import { datatypeName, decodeUnits, voxelTypeOfCode, type SpatialUnit, type TemporalUnit } from './nifti-codes'
import { quaternToAffine } from './qform'

export type NiftiFormat = 'nifti1' | 'nifti2'
export type AffineSource = 'sform' | 'qform' | 'pixdim'

/** What a NIfTI header says, decoded; the affine in use is the Volume's. */
export interface NiftiHeaderInfo {
  format: NiftiFormat
  byteOrder: 'little' | 'big'
  /** Voxels along i, j, k. */
  dims: Vec3
  /** Number of 3-D frames: the product of dims 4..7 (1 for a 3-D file). */
  frames: number
  /** The frame that was read. */
  frame: number
  /** Stored voxel type. */
  datatype: VoxelType
  /** pixdim[1..3]. */
  pixdim: Vec3
  /** As stored; see `scalingOf` for how they apply. */
  sclSlope: number
  sclInter: number
  qformCode: number
  sformCode: number
  /** Affine from the quaternion, qoffset, pixdim and qfac (whatever its code). */
  qform: Mat4
  /** Affine from srow_x/y/z (whatever its code). */
  sform: Mat4
  /** Which of them the volume uses: see `chooseAffineSource`. */
  affineSource: AffineSource
  description: string
  xyztUnits: { spatial: SpatialUnit; temporal: TemporalUnit }
  calMin: number
  calMax: number
  /** Byte offset of the voxels in the data file. */
  voxOffset: number
  /** True for a .hdr/.img pair (magic "ni1"/"ni2"), false for a single .nii file ("n+1"/"n+2"). */
  pair: boolean
}

/**
 * The affine precedence, NiiVue's rule: the sform when sform_code > 0 unless qform_code is higher; else the
 * qform when qform_code > 0; else pixdim scaling (nifti1.h "METHOD 1", the ANALYZE 7.5 fallback). Equal
 * codes pick the sform, which unlike the qform can hold any affine.
 */
export function chooseAffineSource(qformCode: number, sformCode: number): AffineSource {
  if (sformCode > 0 && !(qformCode > sformCode)) return 'sform'
  if (qformCode > 0) return 'qform'
  return 'pixdim'
}

/** nifti1.h METHOD 1: voxel sizes only, no rotation and no offset. */
export function pixdimAffine(pixdim: Vec3): Mat4 {
  const [x, y, z] = pixdim.map((v) => (Number.isFinite(v) && v !== 0 ? Math.abs(v) : 1)) as Vec3
  return [x, 0, 0, 0, 0, y, 0, 0, 0, 0, z, 0, 0, 0, 0, 1]
}

/**
 * The scaling to apply, per nifti1.h: value = scl_slope * stored + scl_inter, except that a slope of 0 (or
 * not finite) means "no scaling" and a non-finite intercept counts as 0. RGB24 is never scaled.
 */
export function scalingOf(header: Pick<NiftiHeaderInfo, 'sclSlope' | 'sclInter' | 'datatype'>): { slope: number; inter: number } | undefined {
  const { sclSlope: slope, sclInter } = header
  if (header.datatype === 'rgb24' || !Number.isFinite(slope) || slope === 0) return undefined
  const inter = Number.isFinite(sclInter) ? sclInter : 0
  return slope === 1 && inter === 0 ? undefined : { slope, inter }
}

export const NIFTI1_HEADER_BYTES = 348
export const NIFTI2_HEADER_BYTES = 540

function invalid(message: string): PerceptError {
  return new PerceptError('INVALID_FILE', message)
}

function cString(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length)
  const end = field.indexOf(0)
  return new TextDecoder('latin1').decode(end < 0 ? field : field.subarray(0, end)).trim()
}

function readSrow(bytes: Uint8Array, format: NiftiFormat, littleEndian: boolean): Mat4 {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const values: number[] = []
  for (let n = 0; n < 12; n++) {
    values.push(format === 'nifti1' ? view.getFloat32(280 + 4 * n, littleEndian) : view.getFloat64(400 + 8 * n, littleEndian))
  }
  return [...values, 0, 0, 0, 1] as Mat4
}

function usable(affine: Mat4): boolean {
  return affine.every(Number.isFinite) && voxelVolumeMm3(affine) > 0
}

/**
 * Decodes a NIfTI-1 or NIfTI-2 header (either byte order) with nifti-reader-js; srow is read from the bytes
 * because the library keeps it only when it picks the sform itself. `name` is used in messages.
 */
export function parseNiftiHeader(bytes: Uint8Array, name: string): Omit<NiftiHeaderInfo, 'frame'> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
  let header: nifti.NIFTI1 | nifti.NIFTI2
  let format: NiftiFormat
  if (nifti.isNIFTI1(buffer, true)) {
    header = new nifti.NIFTI1()
    format = 'nifti1'
  } else if (nifti.isNIFTI2(buffer, true)) {
    if (bytes.byteLength < NIFTI2_HEADER_BYTES) {
      throw invalid(`${name} is truncated: its NIfTI-2 header needs 540 bytes and only ${bytes.byteLength} are there. Copy the file again.`)
    }
    header = new nifti.NIFTI2()
    format = 'nifti2'
  } else if (bytes.byteLength < NIFTI1_HEADER_BYTES) {
    throw invalid(`${name} is too short to be a NIfTI file (${bytes.byteLength} bytes; a header alone is 348). Choose a .nii, .nii.gz or .hdr/.img volume.`)
  } else {
    throw invalid(`${name} is not a NIfTI file (no NIfTI-1 or NIfTI-2 magic in its header). Choose a .nii, .nii.gz or .hdr/.img volume; ANALYZE 7.5 headers are not read.`)
  }
  try {
    header.readHeader(buffer)
  } catch (error) {
    throw invalid(`${name}: its NIfTI header cannot be decoded (${error instanceof Error ? error.message : String(error)}).`)
  }
  const littleEndian = header.littleEndian

  const ndim = header.dims[0] ?? 0
  const dimAt = (a: number): number => (a <= ndim ? (header.dims[a] ?? 0) : 1)
  const all = [1, 2, 3, 4, 5, 6, 7].map(dimAt)
  if (!Number.isInteger(ndim) || ndim < 1 || ndim > 7 || all.some((n) => !Number.isInteger(n) || n < 1)) {
    throw invalid(`${name} has bad dimensions (dim = [${header.dims.slice(0, 8).join(', ')}]): each of dim[1..dim[0]] must be at least 1 and dim[0] between 1 and 7. The header is damaged.`)
  }

  const datatype = voxelTypeOfCode(header.datatypeCode)
  if (!datatype) {
    throw invalid(`${name} stores its voxels as ${datatypeName(header.datatypeCode)}, which is not supported. Convert it to uint8, int8, int16, uint16, int32, float32, float64 or RGB24.`)
  }

  const pixdim: Vec3 = [header.pixDims[1] ?? 0, header.pixDims[2] ?? 0, header.pixDims[3] ?? 0]
  const qform = quaternToAffine({
    b: header.quatern_b,
    c: header.quatern_c,
    d: header.quatern_d,
    offset: [header.qoffset_x, header.qoffset_y, header.qoffset_z],
    pixdim,
    qfac: (header.pixDims[0] ?? 0) < 0 ? -1 : 1,
  })
  const sform = readSrow(bytes, format, littleEndian)
  let affineSource = chooseAffineSource(header.qform_code, header.sform_code)
  // A set code over a degenerate matrix (zeros, NaN) would collapse the volume: fall to the next rule.
  if (affineSource === 'sform' && !usable(sform)) affineSource = header.qform_code > 0 ? 'qform' : 'pixdim'
  if (affineSource === 'qform' && !usable(qform)) affineSource = 'pixdim'

  const magic = format === 'nifti1' ? cString(bytes, 344, 4) : cString(bytes, 4, 4)
  const descriptionAt = format === 'nifti1' ? 148 : 240
  return {
    format,
    byteOrder: littleEndian ? 'little' : 'big',
    dims: [all[0]!, all[1]!, all[2]!],
    frames: all[3]! * all[4]! * all[5]! * all[6]!,
    datatype,
    pixdim,
    sclSlope: header.scl_slope,
    sclInter: header.scl_inter,
    qformCode: header.qform_code,
    sformCode: header.sform_code,
    qform,
    sform,
    affineSource,
    description: cString(bytes, descriptionAt, 80),
    xyztUnits: decodeUnits(header.xyzt_units),
    calMin: header.cal_min,
    calMax: header.cal_max,
    voxOffset: Math.round(header.vox_offset),
    pair: magic === 'ni1' || magic === 'ni2',
  }
}

/** The affine the header's precedence picked. */
export function headerAffine(header: Pick<NiftiHeaderInfo, 'affineSource' | 'sform' | 'qform' | 'pixdim'>): Mat4 {
  if (header.affineSource === 'sform') return [...header.sform] as Mat4
  if (header.affineSource === 'qform') return [...header.qform] as Mat4
  return pixdimAffine(header.pixdim)
}
