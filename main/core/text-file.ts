import { open, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { PerceptError } from './errors'

/*
 * Reading a small text file the caller names (a label track, a colour table, a metadata CSV). The API
 * lets a caller name any path, so what is not such a file is refused before it is parsed: a folder or a
 * device (/dev/zero never ends), anything past a size no such file reaches, and bytes that text never
 * holds (NUL). The errors name the file and what was expected, never what it holds.
 */

/** Larger than any label track or colour table people make; smaller than any reason to read one whole. */
export const defaultMaxTextBytes = 16 * 1024 ** 2

export interface TextFileOptions {
  /** What the file should be, for the messages: "an Audacity label track". */
  what: string
  maxBytes?: number
}

function sizeText(bytes: number): string {
  return bytes >= 1024 ** 2 ? `${Math.round(bytes / 1024 ** 2)} MiB` : `${Math.round(bytes / 1024)} KiB`
}

/** The bytes of a regular file of at most `maxBytes`; NOT_FOUND or INVALID_FILE saying why not. */
export async function readSmallFile(path: string, options: TextFileOptions): Promise<Uint8Array> {
  const name = basename(path)
  const maxBytes = options.maxBytes ?? defaultMaxTextBytes
  const info = await stat(path).catch(() => null)
  if (!info) throw new PerceptError('NOT_FOUND', `No file at ${path}: check the path.`)
  if (info.isDirectory()) throw new PerceptError('INVALID_FILE', `${name} is a folder: choose ${options.what} in it.`)
  if (!info.isFile()) throw new PerceptError('INVALID_FILE', `${name} is not a regular file (a device or a pipe): choose ${options.what}.`)
  if (info.size > maxBytes) {
    throw new PerceptError('INVALID_FILE', `${name} is larger than ${options.what} can be (over ${sizeText(maxBytes)}): choose ${options.what}.`)
  }
  // One byte more than the stat promised, so a file that grew since (or a lying /proc file) is noticed.
  const handle = await open(path, 'r')
  try {
    const buffer = new Uint8Array(info.size + 1)
    let length = 0
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null)
      if (bytesRead === 0) break
      length += bytesRead
      if (length === buffer.length) throw new PerceptError('INVALID_FILE', `${name} changed while it was read: try again once it is written.`)
    }
    return buffer.subarray(0, length)
  } finally {
    await handle.close()
  }
}

/** The text of a small UTF-8 file, refused as INVALID_FILE when it holds NUL bytes (binary data). */
export async function readTextFile(path: string, options: TextFileOptions): Promise<string> {
  const bytes = await readSmallFile(path, options)
  const nul = bytes.indexOf(0)
  if (nul >= 0) {
    throw new PerceptError('INVALID_FILE', `${basename(path)} holds binary data (a NUL byte at byte ${nul + 1}), so it is not ${options.what}: choose ${options.what}.`)
  }
  return new TextDecoder().decode(bytes)
}
