import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Gunzip } from 'node:zlib'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { PerceptError } from '../../../../main/core/errors'
import { makePhantom } from '../../../../main/imaging/fixtures/phantom'
import { readNifti, writeNifti } from '../../../../main/imaging/nifti'

// Every gunzip stream the reader opens, to see how much of a file it inflated.
const gunzips = vi.hoisted(() => [] as Gunzip[])
vi.mock('node:zlib', async (original) => {
  const zlib = await original<typeof import('node:zlib')>()
  return {
    ...zlib,
    createGunzip: (options?: import('node:zlib').ZlibOptions) => {
      const stream = zlib.createGunzip(options)
      gunzips.push(stream)
      return stream
    },
  }
})

/*
 * Headers found by fuzzing (test/fuzz/targets/nifti*.fuzz.ts) that made the reader throw RangeErrors or
 * allocate gigabytes: the header alone must never decide how much is allocated or inflated.
 */

let dir = ''
/** 8 x 8 x 6 uint8 labels: a 352-byte header, then 384 bytes of voxels. */
let small: Uint8Array
let small2: Uint8Array
const phantom = makePhantom({ kind: 'labels', dims: [8, 8, 6] })

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'percept-nifti-hostile-'))
  await writeNifti(join(dir, 'small.nii'), phantom)
  await writeNifti(join(dir, 'small2.nii'), phantom, { format: 'nifti2' })
  small = new Uint8Array(await readFile(join(dir, 'small.nii')))
  small2 = new Uint8Array(await readFile(join(dir, 'small2.nii')))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function edited(bytes: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = bytes.slice()
  edit(new DataView(copy.buffer))
  return copy
}

async function refusal(name: string, bytes: Uint8Array, frame?: number): Promise<PerceptError> {
  const path = join(dir, name)
  await writeFile(path, bytes)
  const error = await readNifti(path, frame === undefined ? {} : { frame }).then(
    () => null,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(PerceptError)
  expect((error as PerceptError).code).toBe('INVALID_FILE')
  return error as PerceptError
}

describe('readNifti with headers that claim more than the file holds', () => {
  it('refuses a .nii declaring 32767^3 voxels, saying how much is there', async () => {
    // dim[1..3] at bytes 42, 44, 46: 35 TB declared, 384 bytes present.
    const huge = edited(small, (v) => [42, 44, 46].forEach((at) => v.setInt16(at, 32767, true)))
    const error = await refusal('huge.nii', huge)
    expect(error.message).toBe(
      'huge.nii is truncated or damaged: frame 0 needs 35181150961663 bytes of voxels from byte 352, but only 384 are there. Copy the file again.',
    )
  })

  it('refuses a .nii.gz declaring more than its gzip could ever inflate to', async () => {
    const huge = edited(small, (v) => [42, 44, 46].forEach((at) => v.setInt16(at, 32767, true)))
    const compressed = gzipSync(huge)
    const error = await refusal('huge.nii.gz', compressed)
    expect(error.message).toBe(
      `huge.nii.gz is truncated or damaged: frame 0 needs 35181150961663 bytes of voxels from byte 352, more than a gzip file of ${compressed.length} bytes can hold. Copy the file again.`,
    )
  })

  it('refuses frames past what one array can hold (2^33 bytes here) even when the file is that long', async () => {
    // NIfTI-2 dim[1..3] are int64 at bytes 24, 32, 40. A sparse file of 8 GiB costs no disk.
    const huge = edited(small2, (v) => [24, 32, 40].forEach((at, a) => v.setBigInt64(at, a === 2 ? 2n : 1n << 16n, true)))
    const path = join(dir, 'huge2.nii')
    await writeFile(path, huge)
    await truncate(path, 544 + 2 ** 33)
    const error = await readNifti(path).then(
      () => null,
      (caught: unknown) => caught as PerceptError,
    )
    expect(error?.code).toBe('INVALID_FILE')
    expect(error?.message).toBe(
      'huge2.nii declares frames of 65536 x 65536 x 2 uint8 voxels (8589934592 bytes each); this app loads at most 4294967296 bytes (4 GiB) a frame. The header is damaged, or the volume must be cropped or split first.',
    )
  })

  it('refuses the last of 32767^4 frames, whose offset no file can reach', async () => {
    // dim[0] = 7 and dim[4..7] = 32767: frames = 32767^4, far past 2^53 bytes in.
    const manyFrames = edited(small, (v) => {
      v.setInt16(40, 7, true)
      for (const at of [48, 50, 52, 54]) v.setInt16(at, 32767, true)
    })
    const error = await refusal('frames.nii', manyFrames, 2 ** 59)
    expect(error.message).toBe(
      `frames.nii is truncated or damaged: frame ${2 ** 59} needs 384 bytes of voxels from byte ${352 + 2 ** 59 * 384}, but only 0 are there. Copy the file again.`,
    )
  })

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Infinity],
  ])('refuses vox_offset %s', async (label, value) => {
    // vox_offset: float32 at byte 108.
    const error = await refusal(`offset-${label}.nii`, edited(small, (v) => v.setFloat32(108, value, true)))
    expect(error.message).toBe(`offset-${label}.nii has vox_offset ${label}, which is not a byte position in its voxel data: the header is damaged.`)
  })

  it('refuses a negative vox_offset in a .hdr/.img pair', async () => {
    await writeNifti(join(dir, 'pair.hdr'), phantom)
    const header = edited(new Uint8Array(await readFile(join(dir, 'pair.hdr'))), (v) => v.setFloat32(108, -4096, true))
    const error = await refusal('pair.hdr', header)
    expect(error.message).toMatch(/^pair\.hdr has vox_offset -4096, which is not a byte position/)
  })
})

describe('readNifti on a gzip bomb', () => {
  it('inflates only the volume its header declares, however much follows', async () => {
    // The header's 384 voxels, then 4 GiB of zeros in 4096 gzip members of 1 MiB (about 4 MB on disk).
    const member = gzipSync(new Uint8Array(1 << 20), { level: 9 })
    const tail = new Uint8Array(member.length * 4096)
    for (let m = 0; m < 4096; m++) tail.set(member, m * member.length)
    const head = gzipSync(small)
    const bomb = new Uint8Array(head.length + tail.length)
    bomb.set(head, 0)
    bomb.set(tail, head.length)
    const path = join(dir, 'bomb.nii.gz')
    await writeFile(path, bomb)
    gunzips.length = 0
    const { volume } = await readNifti(path)
    expect(volume.dims).toEqual([8, 8, 6])
    expect(Array.from(volume.data)).toEqual(Array.from(phantom.data))
    // Both reads (header, voxels) stopped within the first MiB of the 4 MB file.
    expect(gunzips.length).toBe(2)
    for (const stream of gunzips) expect(stream.bytesWritten).toBeLessThan(1 << 20)
  })
})
