import type { VoxelArray, VoxelType } from '../volume'

/**
 * NIfTI-1/2 header codes we read and write (nifti1.h, the NIfTI-1 Data Format Working Group's header,
 * shared by NIfTI-2).
 */

export interface VoxelTypeSpec {
  /** NIfTI `datatype` code. */
  code: number
  /** Bytes per voxel (all components). */
  bytes: number
  /** Bytes per array element (what a byte-order swap works on). */
  elementBytes: 1 | 2 | 4 | 8
  /** Range an integer type can hold; float types have none. */
  integerRange?: [number, number]
}

export const VOXEL_TYPES: Readonly<Record<VoxelType, VoxelTypeSpec>> = {
  uint8: { code: 2, bytes: 1, elementBytes: 1, integerRange: [0, 255] },
  int16: { code: 4, bytes: 2, elementBytes: 2, integerRange: [-32768, 32767] },
  int32: { code: 8, bytes: 4, elementBytes: 4, integerRange: [-2147483648, 2147483647] },
  float32: { code: 16, bytes: 4, elementBytes: 4 },
  float64: { code: 64, bytes: 8, elementBytes: 8 },
  rgb24: { code: 128, bytes: 3, elementBytes: 1 },
  int8: { code: 256, bytes: 1, elementBytes: 1, integerRange: [-128, 127] },
  uint16: { code: 512, bytes: 2, elementBytes: 2, integerRange: [0, 65535] },
}

/** The other codes of nifti1.h, so a refusal can name what the file holds. */
const UNSUPPORTED_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'unknown (0)',
  1: 'binary (1 bit)',
  32: 'complex64',
  768: 'uint32',
  1024: 'int64',
  1280: 'uint64',
  1536: 'float128',
  1792: 'complex128',
  2048: 'complex256',
  2304: 'RGBA32',
}

export function voxelTypeOfCode(code: number): VoxelType | undefined {
  for (const [type, spec] of Object.entries(VOXEL_TYPES) as [VoxelType, VoxelTypeSpec][]) {
    if (spec.code === code) return type
  }
  return undefined
}

export function datatypeName(code: number): string {
  return voxelTypeOfCode(code) ?? UNSUPPORTED_TYPE_NAMES[code] ?? `code ${code}`
}

/** A typed array of `type` over `buffer` (which must be aligned for it); RGB24 stays bytes. */
export function typedArrayOf(type: VoxelType, buffer: ArrayBuffer, byteOffset = 0, length?: number): VoxelArray {
  switch (type) {
    case 'uint8':
    case 'rgb24':
      return new Uint8Array(buffer, byteOffset, length)
    case 'int8':
      return new Int8Array(buffer, byteOffset, length)
    case 'int16':
      return new Int16Array(buffer, byteOffset, length)
    case 'uint16':
      return new Uint16Array(buffer, byteOffset, length)
    case 'int32':
      return new Int32Array(buffer, byteOffset, length)
    case 'float32':
      return new Float32Array(buffer, byteOffset, length)
    case 'float64':
      return new Float64Array(buffer, byteOffset, length)
  }
}

/** xform codes (nifti1.h NIFTI_XFORM_*): what the world space of a qform or sform is. */
export const XFORM = { unknown: 0, scanner: 1, aligned: 2, talairach: 3, mni152: 4 } as const

export type SpatialUnit = 'unknown' | 'm' | 'mm' | 'um'
export type TemporalUnit = 'unknown' | 's' | 'ms' | 'us' | 'hz' | 'ppm' | 'rad/s'

/** xyzt_units: spatial code in bits 0-2, temporal in bits 3-5 (nifti1.h NIFTI_UNITS_*). */
export function decodeUnits(xyztUnits: number): { spatial: SpatialUnit; temporal: TemporalUnit } {
  const spatial: Record<number, SpatialUnit> = { 1: 'm', 2: 'mm', 3: 'um' }
  const temporal: Record<number, TemporalUnit> = { 8: 's', 16: 'ms', 24: 'us', 32: 'hz', 40: 'ppm', 48: 'rad/s' }
  return { spatial: spatial[xyztUnits & 0x07] ?? 'unknown', temporal: temporal[xyztUnits & 0x38] ?? 'unknown' }
}

export const UNITS_MM = 2
export const UNITS_SEC = 8
