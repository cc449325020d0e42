import type { OpenVolume } from '../../../../../main/api'
import { fetchBytes, type FetchFn } from '../../../lib/resources'

/** The voxel array of an open volume: float32 intensities for images, int32 labels for label maps. */
export type VoxelData = Float32Array | Int32Array

const bytesPerVoxel = 4

/** Whether this machine stores numbers little-endian, as the resource sends them (every platform Electron runs on does). */
const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

/**
 * Fetches `display.voxels` (little-endian float32 or int32, display order, x fastest; main/api/mri.ts)
 * and views it as a typed array without copying. Throws ResourceError with the core's message for an
 * error status, and an Error when the size does not match the grid.
 */
export async function fetchVoxels(volume: OpenVolume, signal?: AbortSignal, fetchFn?: FetchFn): Promise<VoxelData> {
  const { display } = volume
  const { bytes } = await fetchBytes(display.voxels, signal, fetchFn)
  return viewVoxels(bytes, display.dims, display.voxelType, volume.name)
}

export function viewVoxels(bytes: ArrayBuffer, dims: readonly number[], type: OpenVolume['display']['voxelType'], name = 'the volume'): VoxelData {
  const count = dims[0]! * dims[1]! * dims[2]!
  if (bytes.byteLength !== count * bytesPerVoxel) {
    throw new Error(`The voxels of ${name} came as ${bytes.byteLength} bytes; a ${dims.join(' × ')} grid of ${type} needs ${count * bytesPerVoxel}.`)
  }
  if (!littleEndian) {
    const view = new DataView(bytes)
    const out = type === 'float32' ? new Float32Array(count) : new Int32Array(count)
    for (let i = 0; i < count; i++) out[i] = type === 'float32' ? view.getFloat32(i * 4, true) : view.getInt32(i * 4, true)
    return out
  }
  return type === 'float32' ? new Float32Array(bytes) : new Int32Array(bytes)
}
