import { invalidFile } from './invalid-file'

/*
 * Just enough of the MPEG audio frame header to sniff MP3, count its channels (mpg123-decoder
 * always returns two, duplicating mono) and notice a file that ends inside a frame, which the
 * decoder would drop without a word.
 */

/** kbit/s by bitrate index 1-14: MPEG-1 layers I, II, III, then MPEG-2/2.5 layer I, layers II and III. */
const bitrates = [
  [32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  [32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  [32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  [32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
]

export interface MpegFrame {
  /** Bytes, header included. */
  length: number
  channels: 1 | 2
}

/** The frame whose header starts at `at`, or undefined when there is none (free-format streams included). */
export function mpegFrameAt(bytes: Uint8Array, at: number): MpegFrame | undefined {
  if (at + 4 > bytes.length || bytes[at] !== 0xff) return undefined
  const b1 = bytes[at + 1]!
  const b2 = bytes[at + 2]!
  const version = (b1 >> 3) & 3 // 0: MPEG-2.5, 1: reserved, 2: MPEG-2, 3: MPEG-1
  const layer = 4 - ((b1 >> 1) & 3) // 4 is the reserved code 0
  const rateIndex = (b2 >> 2) & 3
  const bitrateIndex = b2 >> 4
  if ((b1 & 0xe0) !== 0xe0 || version === 1 || layer === 4 || rateIndex === 3 || bitrateIndex === 0 || bitrateIndex === 15) {
    return undefined
  }
  const mpeg1 = version === 3
  const sampleRate = [44100, 48000, 32000][rateIndex]! / (mpeg1 ? 1 : version === 2 ? 2 : 4)
  const bitrate = 1000 * bitrates[mpeg1 ? layer - 1 : layer === 1 ? 3 : 4]![bitrateIndex - 1]!
  const padding = (b2 >> 1) & 1
  const length =
    layer === 1
      ? (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
      : Math.floor(((layer === 3 && !mpeg1 ? 72 : 144) * bitrate) / sampleRate) + padding
  return { length, channels: bytes[at + 3]! >> 6 === 3 ? 1 : 2 }
}

/** Bytes taken by ID3v2 tags at the start (some files carry several), 0 when there are none. */
export function id3v2Length(bytes: Uint8Array): number {
  let at = 0
  while (at + 10 <= bytes.length && bytes[at] === 0x49 && bytes[at + 1] === 0x44 && bytes[at + 2] === 0x33) {
    // The size is "syncsafe": four 7-bit bytes. Flag 0x10 adds a 10-byte footer.
    let size = 0
    for (let i = 6; i < 10; i++) size = (size << 7) | (bytes[at + i]! & 0x7f)
    at += 10 + size + (bytes[at + 5]! & 0x10 ? 10 : 0)
  }
  return at
}

/** How far past the tags the first frame may start (padding, junk) before we call the file not MP3. */
const syncSearchBytes = 64 * 1024

/**
 * Finds the first frame (one followed by another frame or the end of the file, so a stray 0xFF is
 * not taken for one) and walks the frames after it: the stream's channel count. Throws
 * INVALID_FILE when there is no frame or the file ends inside one. Tags or junk after the frames
 * end the walk unchecked.
 */
export function scanMpegFrames(bytes: Uint8Array, name: string): { channels: 1 | 2 } {
  const tags = id3v2Length(bytes)
  let at = tags
  let first: MpegFrame | undefined
  for (; at < Math.min(bytes.length, tags + syncSearchBytes); at++) {
    const frame = mpegFrameAt(bytes, at)
    if (frame && (at + frame.length === bytes.length || mpegFrameAt(bytes, at + frame.length))) {
      first = frame
      break
    }
  }
  if (!first) {
    throw invalidFile(
      `${name} holds no MPEG audio frames where its audio should start: it is damaged or not an MP3. ` +
        'Check the file, or re-download it.',
    )
  }
  for (let frame: MpegFrame | undefined = first; frame; frame = mpegFrameAt(bytes, at)) {
    if (at + frame.length > bytes.length) {
      throw invalidFile(
        `${name} is truncated: it ends inside an MP3 frame at byte ${at} of ${bytes.length}. Re-download or re-export it.`,
      )
    }
    at += frame.length
  }
  return { channels: first.channels }
}
