import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PerceptError } from '../../../../main/core/errors'
import { makePhantom } from '../../../../main/imaging/fixtures/phantom'
import { readNifti, writeNifti } from '../../../../main/imaging/nifti'

let dir = ''
let good = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'percept-nifti-errors-'))
  good = join(dir, 'good.nii')
  await writeNifti(good, makePhantom({ kind: 'labels' }), { datatype: 'int16' })
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function refusal(path: string): Promise<PerceptError> {
  try {
    await readNifti(path)
  } catch (error) {
    expect(error).toBeInstanceOf(PerceptError)
    return error as PerceptError
  }
  throw new Error(`${path} was read`)
}

/** The good file with its header patched: a 16-bit field at `offset` (NIfTI-1 little-endian layout). */
async function patched(name: string, edits: [offset: number, value: number][]): Promise<string> {
  const bytes = new Uint8Array(await readFile(good))
  const view = new DataView(bytes.buffer)
  for (const [offset, value] of edits) view.setInt16(offset, value, true)
  const path = join(dir, name)
  await writeFile(path, bytes)
  return path
}

describe('readNifti refuses what it cannot read, saying why', () => {
  it('a text file', async () => {
    const path = join(dir, 'notes.nii')
    await writeFile(path, 'These are my notes about the scan, not a volume.\n'.repeat(20))
    const error = await refusal(path)
    expect(error.code).toBe('INVALID_FILE')
    expect(error.message).toMatch(/notes\.nii is not a NIfTI file/)
  })

  it('a file too short for a header', async () => {
    const path = join(dir, 'short.nii')
    await writeFile(path, 'tiny')
    const error = await refusal(path)
    expect(error.code).toBe('INVALID_FILE')
    expect(error.message).toMatch(/too short/)
  })

  it('a truncated .nii', async () => {
    const bytes = await readFile(good)
    const path = join(dir, 'cut.nii')
    await writeFile(path, bytes.subarray(0, 352 + 1000))
    const error = await refusal(path)
    expect(error.code).toBe('INVALID_FILE')
    // 40 x 48 x 36 int16 voxels = 138240 bytes expected, 1000 present.
    expect(error.message).toMatch(/truncated.*138240 bytes.*only 1000/)
  })

  it('a truncated .nii.gz', async () => {
    const compressed = gzipSync(await readFile(good))
    const path = join(dir, 'cut.nii.gz')
    await writeFile(path, compressed.subarray(0, Math.floor(compressed.length / 2)))
    const error = await refusal(path)
    expect(error.code).toBe('INVALID_FILE')
    expect(error.message).toMatch(/cut\.nii\.gz is truncated/)
  })

  it('an unsupported datatype, named', async () => {
    // datatype at byte 70, bitpix at 72.
    const uint32 = await refusal(await patched('uint32.nii', [[70, 768], [72, 32]]))
    expect(uint32.code).toBe('INVALID_FILE')
    expect(uint32.message).toMatch(/as uint32, which is not supported/)
    expect((await refusal(await patched('complex.nii', [[70, 32], [72, 64]]))).message).toMatch(/complex64/)
    expect((await refusal(await patched('odd.nii', [[70, 999]]))).message).toMatch(/code 999/)
  })

  it('bad dimensions', async () => {
    // dim[0..3] at bytes 40, 42, 44, 46.
    const zero = await refusal(await patched('zero-dim.nii', [[42, 0]]))
    expect(zero.code).toBe('INVALID_FILE')
    expect(zero.message).toMatch(/bad dimensions/)
    expect((await refusal(await patched('ndim-9.nii', [[40, 9]]))).message).toMatch(/bad dimensions/)
  })

  it('a lone .hdr or .img', async () => {
    const pairDir = join(dir, 'pair')
    await mkdir(pairDir)
    await writeNifti(join(pairDir, 'scan.hdr'), makePhantom({ kind: 'labels' }))
    const lone = join(dir, 'lone')
    await mkdir(lone)
    await copyFile(join(pairDir, 'scan.hdr'), join(lone, 'scan.hdr'))
    await copyFile(join(pairDir, 'scan.img'), join(lone, 'other.img'))
    const noImage = await refusal(join(lone, 'scan.hdr'))
    expect(noImage.code).toBe('INVALID_FILE')
    expect(noImage.message).toMatch(/scan\.hdr is the header of a \.hdr\/\.img pair, but its \.img is not beside it/)
    const noHeader = await refusal(join(lone, 'other.img'))
    expect(noHeader.message).toMatch(/other\.img is the image half.*\.hdr/)
  })

  it('a missing file', async () => {
    const error = await refusal(join(dir, 'absent.nii.gz'))
    expect(error.code).toBe('NOT_FOUND')
  })

  it('but reads a .nii.gz whose gzip holds the whole file', async () => {
    const path = join(dir, 'whole.nii.gz')
    await writeFile(path, gzipSync(await readFile(good)))
    expect(gunzipSync(await readFile(path)).length).toBe(352 + 40 * 48 * 36 * 2)
    const { volume } = await readNifti(path)
    expect(volume.datatype).toBe('int16')
  })
})

describe('special files', () => {
  it.runIf(process.platform !== 'win32')('refuses a named pipe at once instead of waiting on it forever', async () => {
    const { execFileSync } = await import('node:child_process')
    const fifo = join(dir, 'pipe.nii')
    execFileSync('mkfifo', [fifo])
    const error = await refusal(fifo)
    expect(error.code).toBe('INVALID_FILE')
    expect(error.message).toBe('pipe.nii is not a regular file (a pipe or a device): choose a .nii, .nii.gz or .hdr/.img volume.')
  })
})
