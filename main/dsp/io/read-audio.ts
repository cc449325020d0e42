import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { PerceptError } from '../../core/errors'
import { decodeFlac, decodeMp3, decodeOgg } from './decode'
import type { DecodedAudio } from './decoded-audio'
import { formatBytes, invalidFile, unnamed } from './invalid-file'
import { id3v2Length, mpegFrameAt } from './mpeg-frames'
import { decodeWav } from './wav'

export type { AudioEncoding, AudioFormat, DecodedAudio } from './decoded-audio'

/** Node reads at most 2 GiB into one buffer. */
const maxFileBytes = 2 ** 31 - 1

const convert = 'Convert it to WAV or FLAC (for example with Audacity or ffmpeg) and open that.'

/** Formats people try to open that we do not read, by their first bytes, so the message can name them. */
const otherFormats: [test: (b: Uint8Array, text: (at: number, length: number) => string) => boolean, what: string][] = [
  [(_, t) => t(0, 4) === 'FORM' && ['AIFF', 'AIFC'].includes(t(8, 4)), 'an AIFF file'],
  [(_, t) => t(4, 4) === 'ftyp', 'an MP4/M4A file (AAC or ALAC)'],
  [(b) => b[0] === 0xff && (b[1]! & 0xf6) === 0xf0, 'an AAC (ADTS) stream'],
  [(_, t) => t(0, 4) === 'caff', 'a Core Audio (CAF) file'],
  [(_, t) => t(0, 4) === '.snd', 'a Sun/NeXT AU file'],
  [(b) => b[0] === 0x30 && b[1] === 0x26 && b[2] === 0xb2 && b[3] === 0x75, 'a Windows Media (WMA/ASF) file'],
  [(_, t) => t(0, 4) === 'RIFF', 'a RIFF file that is not WAVE audio (perhaps AVI video)'],
]

/**
 * Decodes WAV, FLAC, MP3 or Ogg Vorbis, recognised by content, not by extension. `name` (the file
 * name) only goes into error messages.
 */
export async function decodeAudio(bytes: Uint8Array, name = unnamed): Promise<DecodedAudio> {
  const text = (at: number, length: number) => String.fromCharCode(...bytes.subarray(at, at + length))
  if (bytes.length === 0) throw invalidFile(`${name} is empty (0 bytes): it holds no audio.`)
  const magic = text(0, 4)
  if (['RIFF', 'RIFX', 'RF64'].includes(magic) && (bytes.length < 12 || text(8, 4) === 'WAVE')) return decodeWav(bytes, name)
  if (magic === 'OggS') return decodeOgg(bytes, name)
  // FLAC may carry a (non-standard) ID3v2 tag before its marker, as MP3 does.
  const tags = id3v2Length(bytes)
  if (text(tags, 4) === 'fLaC') return decodeFlac(bytes.subarray(tags), name)
  if (tags > 0 || mpegFrameAt(bytes, 0)) return decodeMp3(bytes, name)
  const other = otherFormats.find(([test]) => test(bytes, text))
  if (other) throw invalidFile(`${name} is ${other[1]}, which Percept Workbench cannot read. ${convert}`)
  if (looksLikeText(bytes)) throw invalidFile(`${name} is a text file, not audio. Choose a WAV, FLAC, MP3 or Ogg Vorbis file.`)
  const head = [...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')
  throw invalidFile(
    `${name} is not a sound file Percept Workbench can read (WAV, FLAC, MP3, Ogg Vorbis): it starts with bytes ${head}. ` +
      `Check that it is audio; if it is, ${convert[0]!.toLowerCase()}${convert.slice(1)}`,
  )
}

/** Text when the first 512 bytes hold no control characters other than tab, line feed and carriage return. */
function looksLikeText(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 512).every((b) => b >= 0x20 || b === 0x09 || b === 0x0a || b === 0x0d)
}

/** Reads and decodes a sound file: NOT_FOUND when it is missing, INVALID_FILE when it is not audio we read. */
export async function readAudioFile(path: string): Promise<DecodedAudio> {
  const name = basename(path)
  let size: number
  try {
    const info = await stat(path)
    if (info.isDirectory()) throw invalidFile(`${name} is a folder, not a sound file.`)
    // A device (/dev/zero) reports size 0 and never ends: reading it would fill memory.
    if (!info.isFile()) throw invalidFile(`${name} is not a regular file (a device or a pipe), not a sound file.`)
    size = info.size
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new PerceptError('NOT_FOUND', `${path} does not exist. Check the path; the file may have been moved or deleted.`)
    }
    throw error
  }
  if (size > maxFileBytes) {
    throw invalidFile(
      `${name} is ${formatBytes(size)}; Percept Workbench opens sound files up to 2 GB. Split it into shorter parts ` +
        'or convert it to FLAC (about half the size), for example with Audacity or SoX.',
    )
  }
  return decodeAudio(await readFile(path), name)
}
