import { flacSilence } from '../../helpers/flac-silence'
import { decodeAndDescribe, fixtureBytes, quietly } from '../audio-check'
import type { FuzzTarget } from '../target'

/*
 * FLAC through the content sniffer, then the audio info. Seeds: the committed tones, 24-bit stereo in
 * small blocks, 8-bit mono with a seek table; hostile STREAMINFO fields made from the mono tone.
 * STREAMINFO sits at byte 8: block sizes (8-11), frame sizes (12-17), then 20 bits of sample rate,
 * 3 of channels - 1, 5 of bits - 1 and 36 of total samples (byte 20 onwards). The bomb: 1.4 KB of
 * constant 8-channel frames that decode to 84 MB. 800 such frames with their length hidden (1.6 GB)
 * hung the decoder before the expansion bound and are a regression input; as a seed they would spend
 * most of the short run decoding up to the bound.
 */

function patched(bytes: Uint8Array, at: number, values: number[]): Uint8Array {
  const out = bytes.slice()
  out.set(values, at)
  return out
}

const target: FuzzTarget = {
  async seeds() {
    const mono = fixtureBytes('audio/sine-mono.flac')
    const id3 = Uint8Array.of(0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0)
    const tagged = new Uint8Array(id3.length + mono.length)
    tagged.set(id3)
    tagged.set(mono, id3.length)
    return [
      mono,
      fixtureBytes('audio/sine-stereo.flac'),
      fixtureBytes('fuzz-seeds/stereo-24bit-16k.flac'),
      fixtureBytes('fuzz-seeds/mono-8bit-8k-seektable.flac'),
      // An (empty) ID3v2 tag before the marker, as some taggers write.
      tagged,
      // Hostile: 2^36 - 1 samples announced; a 0 Hz rate; 8 channels of 32 bits; block sizes 0 and 65535.
      patched(mono, 21, [mono[21]! | 0x0f, 0xff, 0xff, 0xff, 0xff]),
      patched(mono, 18, [0, 0, mono[20]! & 0x0f]),
      patched(mono, 20, [(mono[20]! & 0xf0) | 0x0f, (mono[21]! & 0x0f) | 0xf0]),
      patched(mono, 8, [0, 0, 0xff, 0xff]),
      // The STREAMINFO block's length as 2^24 - 1, and as 0.
      patched(mono, 5, [0xff, 0xff, 0xff]),
      patched(mono, 5, [0, 0, 0]),
      flacSilence(40),
    ]
  },
  async check(bytes) {
    await quietly(() => decodeAndDescribe(bytes, 'fuzz.flac'))
  },
}
export default target
