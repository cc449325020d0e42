import { decodeAndDescribe, fixtureBytes, quietly } from '../audio-check'
import type { FuzzTarget } from '../target'

/*
 * MP3 through the content sniffer, then the audio info. Seeds: the committed CBR tones, MPEG-2.5 mono
 * at 8 kHz, VBR with an ID3v2 tag and a Xing/LAME header; hostile tags and frame headers.
 */

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0)
  return out
}

/** An ID3v2.3 tag header declaring `size` bytes (syncsafe: 7 bits a byte), with `body` after it. */
function id3(size: number, body = new Uint8Array(0), flags = 0): Uint8Array {
  const header = Uint8Array.of(0x49, 0x44, 0x33, 3, 0, flags, (size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f)
  return concat(header, body)
}

const target: FuzzTarget = {
  async seeds() {
    const mono = fixtureBytes('audio/sine-mono.mp3')
    const header = mono.subarray(0, 4)
    return [
      mono,
      fixtureBytes('audio/sine-stereo.mp3'),
      fixtureBytes('fuzz-seeds/mono-mpeg25-8k.mp3'),
      fixtureBytes('fuzz-seeds/stereo-vbr-id3-16k.mp3'),
      // Hostile: a tag declaring 256 MB; a tag with a footer flag; many empty tags in a row.
      concat(id3(0x0fffffff), mono),
      concat(id3(16, new Uint8Array(16), 0x10), mono),
      concat(...Array.from({ length: 200 }, () => id3(0)), mono),
      // A frame header and nothing else; free-format (bitrate index 0) and bad (15) bitrates.
      header.slice(),
      Uint8Array.from(mono, (b, i) => (i === 2 ? b & 0x0f : b)),
      Uint8Array.from(mono, (b, i) => (i === 2 ? b | 0xf0 : b)),
    ]
  },
  async check(bytes) {
    await quietly(() => decodeAndDescribe(bytes, 'fuzz.mp3'))
  },
}
export default target
