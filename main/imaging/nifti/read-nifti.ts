import { basename } from 'node:path'
import { PerceptError } from '../../core/errors'
import { voxelCount, type Volume } from '../volume'
import { VOXEL_TYPES } from './nifti-codes'
import { contentBound, locateNiftiFiles, readContentRange } from './nifti-files'
import { headerAffine, NIFTI2_HEADER_BYTES, parseNiftiHeader, scalingOf, type NiftiHeaderInfo } from './nifti-header'
import { decodeVoxels } from './voxel-encoding'

/** A frame is read into one Uint8Array, and a typed array holds at most 2^32 elements. */
const MAX_FRAME_BYTES = 2 ** 32

export interface NiftiVolume {
  volume: Volume
  header: NiftiHeaderInfo
}

export interface ReadNiftiOptions {
  /** 4-D files: the 3-D frame to read, from 0 (default 0). Only that frame is loaded. */
  frame?: number
}

/**
 * Reads a NIfTI-1 or NIfTI-2 volume: .nii, .nii.gz, or a .hdr/.img pair given by either file (each may be
 * gzipped). The header is decoded by nifti-reader-js; the affine follows `chooseAffineSource`; voxels are
 * scaled per nifti1.h (`scalingOf`). Anything unreadable is refused with INVALID_FILE and a message that
 * says what is wrong.
 */
export async function readNifti(path: string, options: ReadNiftiOptions = {}): Promise<NiftiVolume> {
  const files = await locateNiftiFiles(path)
  const name = basename(files.header)
  // Enough for either header; a NIfTI-1 file shorter than 540 bytes just returns less.
  const headerBytes = await readContentRange(files.header, 0, NIFTI2_HEADER_BYTES)
  const parsed = parseNiftiHeader(headerBytes, name)

  let dataFile = files.header
  let offset = parsed.voxOffset
  if (!Number.isFinite(offset) || (parsed.pair && offset < 0)) {
    throw new PerceptError('INVALID_FILE', `${name} has vox_offset ${offset}, which is not a byte position in its voxel data: the header is damaged.`)
  }
  if (parsed.pair) {
    if (!files.image) {
      throw new PerceptError('INVALID_FILE', `${name} is the header of a .hdr/.img pair, but its .img is not beside it. Put the .img file (same name) in the same folder.`)
    }
    dataFile = files.image
  } else {
    // nifti1.h: a single file's voxels start at vox_offset, never inside the header.
    const minimum = parsed.format === 'nifti1' ? 352 : 544
    if (offset < minimum) offset = minimum
  }

  const frame = options.frame ?? 0
  if (!Number.isInteger(frame) || frame < 0 || frame >= parsed.frames) {
    throw new PerceptError('VALIDATION', `${name} has ${parsed.frames} frame${parsed.frames === 1 ? '' : 's'}; frame ${frame} does not exist (choose 0 to ${parsed.frames - 1}).`)
  }

  const frameBytes = voxelCount(parsed.dims) * VOXEL_TYPES[parsed.datatype].bytes
  const start = offset + frame * frameBytes
  const truncated = (present: number): PerceptError =>
    new PerceptError(
      'INVALID_FILE',
      `${basename(dataFile)} is truncated or damaged: frame ${frame} needs ${frameBytes} bytes of voxels from byte ${start}, but only ${present} are there. Copy the file again.`,
    )
  // Checked before reading: the header alone must not make us allocate or inflate what the file cannot hold.
  const bound = await contentBound(dataFile)
  if (start + frameBytes > bound.bytes) {
    if (!bound.gzip) throw truncated(Math.max(0, bound.bytes - start))
    throw new PerceptError(
      'INVALID_FILE',
      `${basename(dataFile)} is truncated or damaged: frame ${frame} needs ${frameBytes} bytes of voxels from byte ${start}, more than a gzip file of ${bound.fileBytes} bytes can hold. Copy the file again.`,
    )
  }
  if (frameBytes > MAX_FRAME_BYTES) {
    throw new PerceptError(
      'INVALID_FILE',
      `${name} declares frames of ${parsed.dims.join(' x ')} ${parsed.datatype} voxels (${frameBytes} bytes each); this app loads at most ${MAX_FRAME_BYTES} bytes (4 GiB) a frame. The header is damaged, or the volume must be cropped or split first.`,
    )
  }
  const bytes = await readContentRange(dataFile, start, frameBytes)
  if (bytes.byteLength < frameBytes) throw truncated(bytes.byteLength)

  const header: NiftiHeaderInfo = { ...parsed, frame }
  const volume: Volume = {
    dims: [...parsed.dims],
    affine: headerAffine(parsed),
    data: decodeVoxels(bytes, parsed.datatype, parsed.byteOrder === 'little', scalingOf(parsed)),
    components: parsed.datatype === 'rgb24' ? 3 : 1,
    datatype: parsed.datatype,
  }
  return { volume, header }
}
