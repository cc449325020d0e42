import { decodeAndDescribe, fixtureBytes, quietly } from '../audio-check'
import type { FuzzTarget } from '../target'

/*
 * Ogg Vorbis through the content sniffer, then the audio info. Seeds: the committed tones and mono
 * 8 kHz; hostile pages and identification headers made from the mono tone. The first page holds only
 * the identification packet: "\x01vorbis", version (4 bytes), channels (1), rate (4), three bitrates
 * (12), the two block-size exponents (1), framing (1).
 */

function patched(bytes: Uint8Array, at: number, values: number[]): Uint8Array {
  const out = bytes.slice()
  out.set(values, at)
  return out
}

const target: FuzzTarget = {
  async seeds() {
    const mono = fixtureBytes('audio/sine-mono.ogg')
    const packet = 27 + mono[26]! // the identification packet, after the first page's segment table
    return [
      mono,
      fixtureBytes('audio/sine-stereo.ogg'),
      fixtureBytes('fuzz-seeds/mono-8k.ogg'),
      // Hostile: 0 and 255 channels; rates 0 and 2^32 - 1; block sizes 2^15 (past Vorbis' 8192) and short > long.
      patched(mono, packet + 11, [0]),
      patched(mono, packet + 11, [255]),
      patched(mono, packet + 12, [0, 0, 0, 0]),
      patched(mono, packet + 12, [0xff, 0xff, 0xff, 0xff]),
      patched(mono, packet + 28, [0xff]),
      patched(mono, packet + 28, [0x8b]),
      // A first page claiming 255 segments of 255 bytes; a page cut after its header.
      patched(mono, 26, [255]),
      mono.slice(0, 27),
    ]
  },
  async check(bytes) {
    await quietly(() => decodeAndDescribe(bytes, 'fuzz.ogg'))
  },
}
export default target
