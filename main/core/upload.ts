import { randomBytes } from 'node:crypto'
import { createWriteStream, linkSync, mkdirSync, openSync, rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { PerceptError } from './errors'

export interface UploadOptions {
  /** The workspace folder dropped files are kept in, side by side under their own names. */
  dir: string
  /** The file's name as the browser gave it; reduced to a safe base name. */
  name: string
  maxBytes: number
  /** What the limit is about, for the message ("the editor opens"). */
  limitHint: string
}

/** A dropped file's name made safe for the disk (no folders, no odd characters). */
export function uploadName(name: string): string {
  return basename(name).replace(/[^\w.\- ()]+/g, '_')
}

/** "clip.wav", then "clip (2).wav", ...: the n-th name tried for a dropped file (double extensions kept). */
function numbered(name: string, n: number): string {
  if (n === 1) return name
  const dot = /\.(nii\.gz|tar\.gz|[^.]+)$/i.exec(name)
  return dot && dot.index > 0 ? `${name.slice(0, dot.index)} (${n})${dot[0]}` : `${name} (${n})`
}

/**
 * Streams an uploaded file (a browser's dropped File has no path the core could open) into `dir` under
 * its own name, numbered when taken, so the folder reads as a list of the files a person dropped.
 * It is written to a hidden temporary name first and linked into place (which never replaces a file).
 */
export async function storeUpload(body: AsyncIterable<Uint8Array> | null, options: UploadOptions): Promise<string> {
  const name = uploadName(options.name)
  if (!body) throw new PerceptError('VALIDATION', 'The upload has no body.')
  if (name === '' || name === '.' || name === '..') throw new PerceptError('VALIDATION', 'The upload needs a file name.')
  mkdirSync(options.dir, { recursive: true })
  const temp = join(options.dir, `.${name}.${randomBytes(4).toString('hex')}.part`)
  let size = 0
  async function* bounded(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      size += chunk.byteLength
      if (size > options.maxBytes) throw new PerceptError('VALIDATION', `${name} is larger than ${Math.round(options.maxBytes / 1024 ** 3)} GB, more than ${options.limitHint}.`)
      yield chunk
    }
  }
  try {
    // pipeline ends both sides on any failure (the client gone, the bound passed, the disk full) and
    // reports it here, where the partial file is removed.
    // The file is opened here, synchronously: a stream left to open it itself could create it after a
    // failure had already removed it, leaving the partial file behind.
    await pipeline(bounded(body), createWriteStream(temp, { fd: openSync(temp, 'wx') }))
    for (let n = 1; ; n++) {
      const target = join(options.dir, numbered(name, n))
      try {
        linkSync(temp, target)
        return target
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 10_000) throw error
      }
    }
  } finally {
    rmSync(temp, { force: true })
  }
}
