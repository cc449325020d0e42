import { createReadStream } from 'node:fs'
import { access, open, stat } from 'node:fs/promises'
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

/** NOT_FOUND when missing; a pipe or a device is refused before anything waits on it (a FIFO never ends). */
async function requireNotSpecial(path: string): Promise<void> {
  const info = await stat(path).catch(() => null)
  if (!info) throw new PerceptError('NOT_FOUND', `No such file: ${path}`)
  if (!info.isFile() && !info.isDirectory()) {
    throw new PerceptError('INVALID_FILE', `${basename(path)} is not a regular file (a pipe or a device): choose a .nii, .nii.gz or .hdr/.img volume.`)
  }
}

/** Given any file of a volume (.nii, .nii.gz, .hdr, .img, .hdr.gz, .img.gz), the files to read. */
export async function locateNiftiFiles(path: string): Promise<NiftiFiles> {
  await requireNotSpecial(path)
  const pair = PAIR.exec(path)
  if (!pair) return { header: path }
  const [, stem, ext, gz] = pair
  const sameCase = (e: string): string => (ext === ext!.toUpperCase() ? e.toUpperCase() : e)
  const withExt = (e: string, zipped: boolean): string => `${stem}.${sameCase(e)}${zipped ? (gz ?? '.gz') : ''}`
  if (ext!.toLowerCase() === 'hdr') {
    const image = await firstExisting([withExt('img', gz !== undefined), withExt('img', gz === undefined)])
    if (image !== undefined) await requireNotSpecial(image)
    return image === undefined ? { header: path } : { header: path, image }
  }
  const header = await firstExisting([withExt('hdr', gz !== undefined), withExt('hdr', gz === undefined)])
  if (header === undefined) {
    throw new PerceptError('INVALID_FILE', `${basename(path)} is the image half of a .hdr/.img pair, but its .hdr is not beside it. Put the .hdr file in the same folder.`)
  }
  await requireNotSpecial(header)
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
 * Deflate's best ratio: a 258-byte match costs at least two bits (length and distance codes of one bit
 * each), so no gzip stream inflates to more than 1032 times its own size.
 */
const MAX_DEFLATE_RATIO = 1032

/**
 * The most content a file can hold: its size, or for gzip what its size can inflate to at most. A header
 * declaring more than this is wrong, whatever the file's bytes; nothing larger is ever allocated for it.
 */
export async function contentBound(path: string): Promise<{ bytes: number; gzip: boolean; fileBytes: number }> {
  const [gzip, info] = await Promise.all([isGzip(path), stat(path)])
  return { bytes: gzip ? info.size * MAX_DEFLATE_RATIO : info.size, gzip, fileBytes: info.size }
}

/**
 * Bytes [offset, offset + length) of a file's content, gunzipped when the file is gzip (told by its magic,
 * not its name). Streams, and stops as soon as the range is read, so one frame of a large 4-D file costs
 * only that frame's memory. Returns fewer bytes when the content ends early (a truncated file).
 */
export async function readContentRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new PerceptError('INVALID_FILE', `${basename(path)}: bytes ${offset} to ${offset + length} are not a range a file can have; its header is damaged.`)
  }
  // Never more than the content can hold, so a header's claim alone allocates nothing.
  const bound = await contentBound(path)
  const out = new Uint8Array(Math.max(0, Math.min(length, bound.bytes - offset)))
  if (!bound.gzip) {
    const handle = await open(path, 'r')
    try {
      let filled = 0
      while (filled < out.length) {
        const { bytesRead } = await handle.read(out, filled, Math.min(out.length - filled, 1 << 30), offset + filled)
        if (bytesRead === 0) break
        filled += bytesRead
      }
      return filled === out.length ? out : out.subarray(0, filled)
    } finally {
      await handle.close()
    }
  }

  const end = offset + out.length
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
  return filled === out.length ? out : out.subarray(0, filled)
}
