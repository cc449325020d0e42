import { open } from 'node:fs/promises'
import { decodeAudio } from '../../dsp/io'
import { id3v2Length, mpegFrameAt } from '../../dsp/io/mpeg-frames'

/*
 * An import checks thousands of files (UrbanSound8K: 8732), so it does not decode them: it opens
 * each, checks it is a non-empty file and sniffs its first bytes for the formats decodeAudio
 * reads. Damage past the header surfaces later, when features are extracted.
 */

/** Enough for decodeAudio's text check, which looks at the first 512 bytes. */
const headBytes = 512
/** Files open at once: fast on SSDs and network shares, far below any open-file limit. */
const concurrency = 32

const text = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length))

/** The same signatures decodeAudio dispatches on: RIFF/RIFX/RF64 WAVE, Ogg, FLAC, ID3-tagged or bare MPEG audio. */
function looksLikeAudio(head: Uint8Array): boolean {
  const magic = text(head, 0, 4)
  if (['RIFF', 'RIFX', 'RF64'].includes(magic)) return text(head, 8, 4) === 'WAVE'
  return magic === 'OggS' || magic === 'fLaC' || id3v2Length(head) > 0 || mpegFrameAt(head, 0) !== undefined
}

/** What is wrong with the sound file at `path`, as a sentence naming it `name`; undefined when it looks like audio. */
export async function audioFileProblem(path: string, name: string): Promise<string | undefined> {
  let file
  try {
    file = await open(path, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return `${name} does not exist.`
    return `${name} cannot be opened (${code ?? String(error)}).`
  }
  try {
    const info = await file.stat()
    if (!info.isFile()) return `${name} is not a file.`
    if (info.size === 0) return `${name} is empty (0 bytes).`
    const head = new Uint8Array(Math.min(info.size, headBytes))
    await file.read(head, 0, head.length, 0)
    if (looksLikeAudio(head)) return undefined
    // Not audio by its signature: decodeAudio's own message names what it is (text, AIFF, MP4...).
    return await decodeAudio(head, name).then(
      () => `${name} is not a sound file Percept Workbench can read.`,
      (error: unknown) => (error instanceof Error ? error.message : String(error)),
    )
  } catch (error) {
    return `${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).`
  } finally {
    await file.close()
  }
}

/** audioFileProblem for each file, a bounded number at a time; results in input order. */
export async function audioFileProblems(files: { path: string; name: string }[]): Promise<(string | undefined)[]> {
  const results: (string | undefined)[] = new Array(files.length)
  let next = 0
  const worker = async () => {
    while (next < files.length) {
      const i = next++
      const file = files[i]!
      results[i] = await audioFileProblem(file.path, file.name)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, files.length) }, worker))
  return results
}
