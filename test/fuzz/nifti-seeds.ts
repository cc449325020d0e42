import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { makePhantom } from '../../main/imaging/fixtures/phantom'
import { writeNifti, type WriteNiftiOptions } from '../../main/imaging/nifti'
import type { Volume, VoxelType } from '../../main/imaging/volume'
import { loadDisplayVolume } from '../../main/mri/display-volume'
import { loadVolume } from '../../main/mri/volume-source'
import { withTempDir } from './temp-files'

/*
 * Seeds for the NIfTI fuzz targets: small phantoms (8 x 8 x 6, a few KB) written by the project's own writer,
 * and hostile headers made by patching those files (nifti1.h field offsets).
 */

export const NIFTI1_FIELDS = { dim: 40, datatype: 70, bitpix: 72, pixdim: 76, voxOffset: 108, sclSlope: 112, sclInter: 116, quaternB: 256 }
export const NIFTI2_FIELDS = { datatype: 12, dim: 16, pixdim: 104, voxOffset: 168, sclSlope: 176, sclInter: 184, quaternB: 352 }

const dims: [number, number, number] = [8, 8, 6]

export function smallPhantom(kind: 'image' | 'labels', datatype: VoxelType, seed = 1): Volume {
  const volume = makePhantom({ kind, dims, voxelMm: [2, 2, 2.5], seed, noise: 2 })
  return { ...volume, datatype }
}

/** The RGB form of the labels phantom (3 bytes a voxel). */
export function smallRgbPhantom(): Volume {
  const labels = smallPhantom('labels', 'uint8')
  const data = new Uint8Array(labels.data.length * 3)
  labels.data.forEach((label, n) => data.set([label * 60, label === 4 ? 255 : 0, 255 - label * 60], 3 * n))
  return { ...labels, data, components: 3, datatype: 'rgb24' }
}

/** The files writeNifti makes for `name` (one for .nii/.nii.gz, two for a pair), by extension. */
export async function writtenNifti(name: string, volumes: Volume | Volume[], options: WriteNiftiOptions = {}): Promise<Record<string, Uint8Array>> {
  return withTempDir(async (dir) => {
    await writeNifti(join(dir, name), volumes, options)
    const stem = name.replace(/\.(nii|hdr|img)(\.gz)?$/i, '')
    const gz = name.toLowerCase().endsWith('.gz') ? '.gz' : ''
    const files = /\.nii(\.gz)?$/i.test(name) ? [name] : [`${stem}.hdr${gz}`, `${stem}.img${gz}`]
    const out: Record<string, Uint8Array> = {}
    for (const file of files) out[file.slice(stem.length + 1)] = new Uint8Array(await readFile(join(dir, file)))
    return out
  })
}

/** A copy of `bytes` with `edit` applied through a DataView. */
export function patched(bytes: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = bytes.slice()
  edit(new DataView(copy.buffer))
  return copy
}

/** NIfTI-1, little-endian: dim[0..7] written as given. */
export function withDims1(bytes: Uint8Array, dim: readonly number[]): Uint8Array {
  return patched(bytes, (v) => dim.forEach((d, a) => v.setInt16(NIFTI1_FIELDS.dim + 2 * a, d, true)))
}

/** NIfTI-2, little-endian: dim[0..7] as int64. */
export function withDims2(bytes: Uint8Array, dim: readonly bigint[]): Uint8Array {
  return patched(bytes, (v) => dim.forEach((d, a) => v.setBigInt64(NIFTI2_FIELDS.dim + 8 * a, d, true)))
}

/** The hostile NIfTI-1 headers every NIfTI target gets, made from a valid little-endian single file. */
export function hostileNifti1(valid: Uint8Array): Uint8Array[] {
  const f = NIFTI1_FIELDS
  return [
    withDims1(valid, [3, 32767, 32767, 32767, 1, 1, 1, 1]),
    withDims1(valid, [3, 8, -8, 6, 1, 1, 1, 1]),
    withDims1(valid, [8, 8, 8, 6, 1, 1, 1, 1]),
    // Frames beyond 2^53 bytes: the last one is past any position a file can have.
    withDims1(valid, [7, 8, 8, 6, 32767, 32767, 32767, 32767]),
    patched(valid, (v) => {
      v.setFloat32(f.sclSlope, Number.NaN, true)
      v.setFloat32(f.sclInter, Infinity, true)
      for (let a = 0; a < 4; a++) v.setFloat32(f.pixdim + 4 * a, Number.NaN, true)
      for (let q = 0; q < 6; q++) v.setFloat32(f.quaternB + 4 * q, Number.NaN, true)
    }),
    patched(valid, (v) => v.setFloat32(f.voxOffset, 1e9, true)),
    patched(valid, (v) => v.setFloat32(f.voxOffset, 3.4e38, true)),
    patched(valid, (v) => v.setFloat32(f.voxOffset, Number.NaN, true)),
  ]
}

/** The same for NIfTI-2 (int64 dims and vox_offset, float64 scaling). */
export function hostileNifti2(valid: Uint8Array): Uint8Array[] {
  const f = NIFTI2_FIELDS
  return [
    withDims2(valid, [3n, 1n << 40n, 1n << 40n, 1n << 40n, 1n, 1n, 1n, 1n]),
    withDims2(valid, [3n, 8n, -8n, 6n, 1n, 1n, 1n, 1n]),
    withDims2(valid, [3n, 8n, 8n, 1n << 62n, 1n, 1n, 1n, 1n]),
    withDims2(valid, [9n, 8n, 8n, 6n, 1n, 1n, 1n, 1n]),
    withDims2(valid, [4n, 8n, 8n, 6n, 1n << 60n, 1n, 1n, 1n]),
    patched(valid, (v) => {
      v.setFloat64(f.sclSlope, Number.NaN, true)
      v.setFloat64(f.sclInter, -Infinity, true)
      for (let a = 0; a < 4; a++) v.setFloat64(f.pixdim + 8 * a, Number.NaN, true)
      for (let q = 0; q < 6; q++) v.setFloat64(f.quaternB + 8 * q, Infinity, true)
    }),
    patched(valid, (v) => v.setBigInt64(f.voxOffset, 1n << 40n, true)),
    patched(valid, (v) => v.setBigInt64(f.voxOffset, -(1n << 62n), true)),
  ]
}

/**
 * Opens a volume the way the MRI service does (volume-source's loadVolume, and for `display` the viewer's
 * preparation on top of it); a 4-D file also has its last frame read, where frame offsets are largest.
 */
export async function openNifti(path: string, options: { display: false } | { display: true; kind: 'image' | 'labels' }): Promise<void> {
  const frames = options.display ? (await loadDisplayVolume(path, { kind: options.kind })).info.frames : (await loadVolume(path)).info.frames
  if (frames > 1) await loadVolume(path, { frame: frames - 1 })
}

/** The check of the single-file targets: the bytes as `name`, opened half the time as a label map, half as an image. */
export async function checkNiftiFile(bytes: Uint8Array, name: string): Promise<void> {
  await withTempDir(async (dir) => {
    const path = join(dir, name)
    await writeFile(path, bytes)
    // A label map also goes through the colour table lookup and the label statistics.
    await openNifti(path, { display: true, kind: bytes.length % 2 === 0 ? 'image' : 'labels' })
  })
}
