import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { PerceptError } from './errors'

export interface UploadOptions {
  /** The workspace folder uploads go to (a sub-folder per upload). */
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

/**
 * Streams an uploaded file (a browser's dropped File has no path the core could open) into a folder of
 * its own under `dir`, keeping its name (recent lists show it); written to a temp name, then renamed.
 */
export async function storeUpload(body: AsyncIterable<Uint8Array> | null, options: UploadOptions): Promise<string> {
  const name = uploadName(options.name)
  if (!body) throw new PerceptError('VALIDATION', 'The upload has no body.')
  if (name === '' || name === '.' || name === '..') throw new PerceptError('VALIDATION', 'The upload needs a file name.')
  mkdirSync(options.dir, { recursive: true })
  const folder = join(options.dir, new Date().toISOString().replace(/[:.]/g, '-') + '-' + randomBytes(3).toString('hex'))
  mkdirSync(folder)
  const target = join(folder, name)
  const temp = `${target}.part`
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
    // reports it here, where the partial file goes with its folder.
    await pipeline(bounded(body), createWriteStream(temp))
    renameSync(temp, target)
    return target
  } catch (error) {
    rmSync(folder, { recursive: true, force: true })
    throw error
  }
}
