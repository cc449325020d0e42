import { endianness } from 'node:os'
import { PerceptError } from '../../core/errors'
import type { VoxelArray, VoxelType } from '../volume'
import { typedArrayOf, VOXEL_TYPES } from './nifti-codes'

const HOST_LITTLE = endianness() === 'LE'

/** Reverses the bytes of each element in place (Node's native Buffer swaps). */
function swapBytes(bytes: Uint8Array, elementBytes: 1 | 2 | 4 | 8): void {
  if (elementBytes === 1) return
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (elementBytes === 2) buffer.swap16()
  else if (elementBytes === 4) buffer.swap32()
  else buffer.swap64()
}

/**
 * Stored bytes (an array of its own, offset 0) to voxel values: byte order fixed in place, then
 * value = slope * stored + inter into a Float32Array when there is a scaling, else the stored type's array.
 */
export function decodeVoxels(
  bytes: Uint8Array,
  type: VoxelType,
  littleEndian: boolean,
  scaling: { slope: number; inter: number } | undefined,
): VoxelArray {
  const spec = VOXEL_TYPES[type]
  if (littleEndian !== HOST_LITTLE) swapBytes(bytes, spec.elementBytes)
  const stored = typedArrayOf(type, bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength / spec.elementBytes)
  if (!scaling) return stored
  const { slope, inter } = scaling
  const out = new Float32Array(stored.length)
  for (let n = 0; n < stored.length; n++) out[n] = stored[n]! * slope + inter
  return out
}

export interface EncodedVoxels {
  bytes: Uint8Array
  /** The type written: the one asked for, or float32 when an implicit integer type cannot hold the values. */
  type: VoxelType
  slope: number
  inter: number
}

function isExactlyRepresentable(data: VoxelArray, range: [number, number]): boolean {
  const [low, high] = range
  for (let n = 0; n < data.length; n++) {
    const v = data[n]!
    if (!(v >= low && v <= high) || v !== Math.round(v)) return false
  }
  return true
}

function asBytes(array: VoxelArray): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength)
}

/**
 * Values to stored bytes of `type` (host byte order). With a scaling, stored = (value - inter) / slope,
 * rounded and clamped for integer types. Without one, integer types take the values as they are when every
 * value fits exactly; otherwise an explicitly requested type rounds and clamps (the caller asked for it),
 * while an implicit one falls back to float32 so nothing is lost silently.
 */
export function encodeVoxels(
  data: VoxelArray,
  components: 1 | 3,
  type: VoxelType,
  options: { scaling?: { slope: number; inter: number }; explicit: boolean },
): EncodedVoxels {
  if ((components === 3) !== (type === 'rgb24')) {
    throw new PerceptError('VALIDATION', `Cannot write ${components === 3 ? 'an RGB volume' : 'a scalar volume'} as ${type}: RGB24 holds exactly the three-component volumes.`)
  }
  if (type === 'rgb24') return { bytes: asBytes(data), type, slope: 1, inter: 0 }

  const scaling = options.scaling
  const range = VOXEL_TYPES[type].integerRange
  if (!scaling) {
    const sameArray = typedArrayOf(type, new ArrayBuffer(0)).constructor === data.constructor
    if (sameArray) return { bytes: asBytes(data), type, slope: 1, inter: 0 }
    if (range && !options.explicit && !isExactlyRepresentable(data, range)) {
      return encodeVoxels(data, components, 'float32', { explicit: true })
    }
  }
  const slope = scaling?.slope ?? 1
  const inter = scaling?.inter ?? 0
  const out = typedArrayOf(type, new ArrayBuffer(data.length * VOXEL_TYPES[type].bytes))
  if (range) {
    const [low, high] = range
    for (let n = 0; n < data.length; n++) {
      const v = Math.round((data[n]! - inter) / slope)
      out[n] = v < low ? low : v > high ? high : Number.isNaN(v) ? 0 : v
    }
  } else {
    for (let n = 0; n < data.length; n++) out[n] = (data[n]! - inter) / slope
  }
  return { bytes: asBytes(out), type, slope, inter }
}

/** Host-order bytes to the file's byte order (a copy, so the volume's own array is never swapped). */
export function toByteOrder(bytes: Uint8Array, type: VoxelType, littleEndian: boolean): Uint8Array {
  if (littleEndian === HOST_LITTLE || VOXEL_TYPES[type].elementBytes === 1) return bytes
  const copy = bytes.slice()
  swapBytes(copy, VOXEL_TYPES[type].elementBytes)
  return copy
}
