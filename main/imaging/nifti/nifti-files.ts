import { createReadStream } from 'node:fs'
import { access, open } from 'node:fs/promises'
import { basename } from 'node:path'
import { createGunzip } from 'node:zlib'
import { PerceptError } from '../../core/errors'

/** The files a NIfTI volume lives in: one .nii(.gz), or a .hdr(.gz) with its .img(.gz). */
export interface NiftiFiles {
  header: string
  /** The .img of a pair, found beside the header (undefined for a single-file volume or when missing). */
  image?: string
}

const PAIR = /^(.*)\.(hdr|img)(\.gz)?$/i

async function exists(path: string): Promise<boolean> {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}

/** The first of `candidates` that exists. */
async function firstExisting(candidates: string[]): Promise<string | undefined> {
  for (const candidate of candidates) if (await exists(candidate)) return candidate
  return undefined
}

/** Given any file of a volume (.nii, .nii.gz, .hdr, .img, .hdr.gz, .img.gz), the files to read. */
export async function locateNiftiFiles(path: string): Promise<NiftiFiles> {
  if (!(await exists(path))) throw new PerceptError('NOT_FOUND', `No such file: ${path}`)
  const pair = PAIR.exec(path)
  if (!pair) return { header: path }
  const [, stem, ext, gz] = pair
  const sameCase = (e: string): string => (ext === ext!.toUpperCase() ? e.toUpperCase() : e)
  const withExt = (e: string, zipped: boolean): string => `${stem}.${sameCase(e)}${zipped ? (gz ?? '.gz') : ''}`
  if (ext!.toLowerCase() === 'hdr') {
    const image = await firstExisting([withExt('img', gz !== undefined), withExt('img', gz === undefined)])
    return image === undefined ? { header: path } : { header: path, image }
  }
  const header = await firstExisting([withExt('hdr', gz !== undefined), withExt('hdr', gz === undefined)])
  if (header === undefined) {
    throw new PerceptError('INVALID_FILE', `${basename(path)} is the image half of a .hdr/.img pair, but its .hdr is not beside it. Put the .hdr file in the same folder.`)
  }
  return { header, image: path }
}

async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r')
  try {
    const magic = new Uint8Array(2)
    const { bytesRead } = await handle.read(magic, 0, 2, 0)
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b
  } finally {
    await handle.close()
  }
}

/**
 * Bytes [offset, offset + length) of a file's content, gunzipped when the file is gzip (told by its magic,
 * not its name). Streams, and stops as soon as the range is read, so one frame of a large 4-D file costs
 * only that frame's memory. Returns fewer bytes when the content ends early (a truncated file).
 */
export async function readContentRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length)
  if (!(await isGzip(path))) {
    const handle = await open(path, 'r')
    try {
      let filled = 0
      while (filled < length) {
        const { bytesRead } = await handle.read(out, filled, Math.min(length - filled, 1 << 30), offset + filled)
        if (bytesRead === 0) break
        filled += bytesRead
      }
      return filled === length ? out : out.subarray(0, filled)
    } finally {
      await handle.close()
    }
  }

  const end = offset + length
  let position = 0
  let filled = 0
  const source = createReadStream(path)
  const stream = createGunzip({ chunkSize: 1 << 20 })
  source.on('error', (error) => stream.destroy(error))
  source.pipe(stream)
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const chunkEnd = position + chunk.length
      if (chunkEnd > offset) {
        const from = Math.max(offset - position, 0)
        const to = Math.min(end - position, chunk.length)
        out.set(chunk.subarray(from, to), position + from - offset)
        filled += to - from
      }
      position = chunkEnd
      if (position >= end) break
    }
  } catch {
    // A gzip stream cut short or damaged: what arrived is what the file holds; the caller reports the shortfall.
  } finally {
    source.destroy()
    stream.destroy()
  }
  return filled === length ? out : out.subarray(0, filled)
}
