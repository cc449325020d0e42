import * as nifti from 'nifti-reader-js'
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import { writeFileAtomic } from '../../core/atomic-file'
import { PerceptError } from '../../core/errors'
import type { Mat4, Volume, VoxelType } from '../volume'
import { UNITS_MM, UNITS_SEC, VOXEL_TYPES, XFORM } from './nifti-codes'
import { scalingOf, type NiftiFormat, type NiftiHeaderInfo } from './nifti-header'
import { affineToQuatern } from './qform'
import { encodeVoxels, toByteOrder } from './voxel-encoding'

const gzipAsync = promisify(gzip)

export interface WriteNiftiOptions {
  /** Stored type; default the volume's own (an integer type that cannot hold the values falls back to float32). */
  datatype?: VoxelType
  /** Store (value - sclInter) / sclSlope; default none, or the source header's when the type is the source's. */
  sclSlope?: number
  sclInter?: number
  /** Codes default to the source header's (the other one's when 0), else 1 (scanner). The affine defaults to the volume's. */
  qform?: { code?: number; affine?: Mat4 }
  sform?: { code?: number; affine?: Mat4 }
  /** The header the volume was read with: codes, scaling and description carry over from it. */
  source?: Pick<NiftiHeaderInfo, 'qformCode' | 'sformCode' | 'sclSlope' | 'sclInter' | 'datatype' | 'description'>
  /** Up to 79 ASCII characters. */
  description?: string
  /** Default little. */
  byteOrder?: 'little' | 'big'
  /** Default nifti1 (nifti2 when a dimension exceeds NIfTI-1's 32767). */
  format?: NiftiFormat
}

const NIFTI2_MAGIC = '\0\r\n\x1a\n'

function targetFiles(path: string): { single: string } | { header: string; image: string } {
  if (/\.nii(\.gz)?$/i.test(path)) return { single: path }
  const pair = /^(.*)\.(hdr|img)(\.gz)?$/i.exec(path)
  if (pair) {
    const [, stem, , gz = ''] = pair
    return { header: `${stem}.hdr${gz}`, image: `${stem}.img${gz}` }
  }
  throw new PerceptError('VALIDATION', `Cannot tell the NIfTI format from "${path}": name it .nii, .nii.gz, or .hdr/.img.`)
}

function codeFor(own: number | undefined, sourceOwn: number | undefined, sourceOther: number | undefined): number {
  if (own !== undefined) return own
  if (sourceOwn !== undefined && sourceOwn > 0) return sourceOwn
  if (sourceOther !== undefined && sourceOther > 0) return sourceOther
  return XFORM.scanner
}

function checkFrames(frames: readonly Volume[]): Volume {
  const first = frames[0]
  if (!first) throw new PerceptError('VALIDATION', 'Nothing to write: no volume was given.')
  for (const other of frames) {
    const same = other.dims.every((n, a) => n === first.dims[a]) && other.components === first.components && other.data.length === first.data.length
    if (!same) throw new PerceptError('VALIDATION', 'The frames of a 4-D NIfTI file must share their dimensions and components.')
  }
  return first
}

/**
 * Writes a NIfTI volume atomically: .nii or .nii.gz (gzipped by extension), or a .hdr/.img pair. A list of
 * volumes becomes a 4-D file, one frame each. The geometry is kept twice: the sform holds the affine
 * exactly (float32), the qform its rotation as a quaternion with qfac for a left-handed grid, pixdim the
 * voxel sizes; units are mm (and seconds for 4-D). The header itself is serialised by nifti-reader-js.
 */
export async function writeNifti(path: string, volumes: Volume | readonly Volume[], options: WriteNiftiOptions = {}): Promise<void> {
  const frames: readonly Volume[] = Array.isArray(volumes) ? volumes : [volumes as Volume]
  const volume = checkFrames(frames)
  const files = targetFiles(path)
  const pair = !('single' in files)
  const source = options.source
  const type = options.datatype ?? volume.datatype
  const sourceScaling = source && source.datatype === type ? scalingOf(source) : undefined
  const scaling = options.sclSlope !== undefined ? { slope: options.sclSlope, inter: options.sclInter ?? 0 } : sourceScaling
  const encoded = frames.map((v) => encodeVoxels(v.data, v.components, type, { explicit: options.datatype !== undefined, ...(scaling ? { scaling } : {}) }))
  // An implicit integer type falls back to float32 if any frame needs it; re-encode so all frames agree.
  const written = encoded.some((e) => e.type !== type)
    ? frames.map((v) => encodeVoxels(v.data, v.components, 'float32', { explicit: true }))
    : encoded
  const stored = written[0]!

  const format = options.format ?? (volume.dims.some((n) => n > 32767) ? 'nifti2' : 'nifti1')
  if (format === 'nifti1' && volume.dims.some((n) => n > 32767)) {
    throw new PerceptError('VALIDATION', `NIfTI-1 holds at most 32767 voxels along an axis (this volume has ${volume.dims.join(' x ')}): write NIfTI-2.`)
  }
  const littleEndian = (options.byteOrder ?? 'little') === 'little'
  const qformAffine = options.qform?.affine ?? volume.affine
  const sformAffine = options.sform?.affine ?? volume.affine
  const quatern = affineToQuatern(qformAffine)
  const header = format === 'nifti1' ? new nifti.NIFTI1() : new nifti.NIFTI2()
  const headerSize = format === 'nifti1' ? 348 : 540
  const fourD = frames.length > 1
  header.littleEndian = littleEndian
  header.dims = [fourD ? 4 : 3, ...volume.dims, frames.length, 1, 1, 1]
  header.datatypeCode = VOXEL_TYPES[stored.type].code
  header.numBitsPerVoxel = VOXEL_TYPES[stored.type].bytes * 8
  header.pixDims = [quatern.qfac, ...quatern.pixdim, 1, 1, 1, 1]
  header.vox_offset = pair ? 0 : headerSize + 4
  header.scl_slope = stored.slope
  header.scl_inter = stored.inter
  header.xyzt_units = UNITS_MM | (fourD ? UNITS_SEC : 0)
  header.description = (options.description ?? source?.description ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 79)
  header.qform_code = codeFor(options.qform?.code, source?.qformCode, source?.sformCode)
  header.sform_code = codeFor(options.sform?.code, source?.sformCode, source?.qformCode)
  header.quatern_b = quatern.b
  header.quatern_c = quatern.c
  header.quatern_d = quatern.d
  ;[header.qoffset_x, header.qoffset_y, header.qoffset_z] = quatern.offset
  header.affine = [0, 1, 2, 3].map((r) => sformAffine.slice(4 * r, 4 * r + 4))
  header.magic = format === 'nifti1' ? (pair ? 'ni1' : 'n+1') : (pair ? 'ni2' : 'n+2') + NIFTI2_MAGIC
  const headerBytes = new Uint8Array(header.toArrayBuffer(false))

  const dataBytes = written.reduce((sum, e) => sum + e.bytes.byteLength, 0)
  const image = new Uint8Array((pair ? 0 : headerBytes.byteLength) + dataBytes)
  let at = pair ? 0 : headerBytes.byteLength
  if (!pair) image.set(headerBytes, 0)
  for (const e of written) {
    image.set(toByteOrder(e.bytes, e.type, littleEndian), at)
    at += e.bytes.byteLength
  }

  const maybeGzip = async (file: string, bytes: Uint8Array): Promise<Uint8Array> => (/\.gz$/i.test(file) ? gzipAsync(bytes) : bytes)
  if ('single' in files) {
    await writeFileAtomic(files.single, await maybeGzip(files.single, image))
  } else {
    await writeFileAtomic(files.image, await maybeGzip(files.image, image))
    await writeFileAtomic(files.header, await maybeGzip(files.header, headerBytes.subarray(0, headerSize)))
  }
}
