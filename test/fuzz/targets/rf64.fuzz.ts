import { encodeWav, type WavEncoding } from '../../../main/dsp/io'
import { decodeAndDescribe, withUint32 } from '../audio-check'
import type { FuzzTarget } from '../target'

/*
 * RF64 (EBU Tech 3306: a ds64 chunk carries the 64-bit sizes, the 32-bit ones read 0xFFFFFFFF) and
 * WAVE_FORMAT_EXTENSIBLE, through the content sniffer. encodeWav writes plain RIFF, extensible for
 * more than 16 bits or two channels; the RF64 seeds are rebuilt from its output here.
 */

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0))

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0)
  return out
}

/** The chunks after 'WAVE' of a RIFF file encodeWav wrote, with the data chunk's offset. */
function chunksOf(wav: Uint8Array): { chunks: Uint8Array; dataAt: number; dataSize: number } {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength)
  let at = 12
  while (String.fromCharCode(...wav.subarray(at, at + 4)) !== 'data') at += 8 + view.getUint32(at + 4, true)
  return { chunks: wav.subarray(12), dataAt: at - 12, dataSize: view.getUint32(at + 4, true) }
}

/**
 * RF64 from a RIFF WAV: a ds64 chunk (RIFF size, data size, sample count, then `table` entries of
 * chunk id and 64-bit size) first, the data chunk's own size 0xFFFFFFFF unless `keepDataSize`.
 */
function rf64(wav: Uint8Array, options: { table?: [string, number][]; keepDataSize?: boolean; dataSize?: bigint } = {}): Uint8Array {
  const { chunks, dataAt, dataSize } = chunksOf(wav)
  const table = options.table ?? []
  const ds64 = new Uint8Array(8 + 28 + 12 * table.length)
  const view = new DataView(ds64.buffer)
  ds64.set(ascii('ds64'))
  view.setUint32(4, ds64.length - 8, true)
  view.setBigUint64(8, BigInt(4 + ds64.length + chunks.length), true)
  view.setBigUint64(16, options.dataSize ?? BigInt(dataSize), true)
  view.setBigUint64(24, BigInt(dataSize / 2), true)
  view.setUint32(32, table.length, true)
  table.forEach(([id, size], i) => {
    ds64.set(ascii(id), 36 + 12 * i)
    view.setBigUint64(40 + 12 * i, BigInt(size), true)
  })
  const body = options.keepDataSize ? chunks : withUint32(chunks, dataAt + 4, 0xffffffff)
  return concat(ascii('RF64'), Uint8Array.of(0xff, 0xff, 0xff, 0xff), ascii('WAVE'), ds64, body)
}

/** RIFF with the JUNK chunk that RF64-capable writers reserve for a ds64 (BW64 / Tech 3306 §3.1). */
function withJunk(wav: Uint8Array): Uint8Array {
  const junk = concat(ascii('JUNK'), Uint8Array.of(28, 0, 0, 0), new Uint8Array(28))
  const out = concat(wav.subarray(0, 12), junk, wav.subarray(12))
  return withUint32(out, 4, out.length - 8)
}

function tone(channels: number, frames: number, sampleRate = 8000) {
  return {
    sampleRate,
    channels: Array.from({ length: channels }, (_, c) => Float32Array.from({ length: frames }, (_, i) => Math.sin((i * (c + 1)) / 7) * 0.7)),
  }
}

const target: FuzzTarget = {
  async seeds() {
    const valid: [WavEncoding, number][] = [
      ['pcm16', 1],
      ['pcm24', 2],
      ['pcm32', 6],
      ['float32', 3],
      ['float64', 2],
      ['pcm8', 8],
    ]
    const wavs = valid.map(([encoding, channels]) => encodeWav(tone(channels, 48), encoding))
    const extensible = wavs.filter((_, i) => valid[i]![0] !== 'pcm16' && valid[i]![0] !== 'pcm8')
    const stereo = wavs[1]!
    const { dataAt } = chunksOf(stereo)
    // Offsets in the RF64 files rebuilt from `stereo` (ds64 of 36 bytes, no table): fmt body at 56.
    const fmt = 12 + 36 + 8
    const rf = rf64(stereo)
    return [
      ...wavs.map((w) => rf64(w)),
      ...extensible.map(withJunk),
      rf64(stereo, { table: [['data', 288]] }),
      rf64(stereo, { keepDataSize: true }),
      // Hostile: a ds64 data size far past the end, near 2^63 and past 2^53 (not exact as a double).
      rf64(stereo, { dataSize: 0x7fffffffffffffffn }),
      rf64(stereo, { dataSize: 2n ** 53n + 1n }),
      // 0xFFFFFFFF data with no ds64 before it, and with the ds64 cut to 8 bytes.
      withUint32(concat(ascii('RF64'), Uint8Array.of(0xff, 0xff, 0xff, 0xff), ascii('WAVE'), stereo.subarray(12)), 12 + dataAt + 4, 0xffffffff),
      withUint32(rf, 16, 8),
      // Zero and 65535 channels, a 4 GHz rate, zero block alignment, an extensible fmt nested in itself.
      withUint32(rf, fmt, 0x0000fffe),
      withUint32(rf, fmt, 0xfffffffe),
      withUint32(rf, fmt + 4, 0xffffffff),
      withUint32(rf, fmt + 12, 0x00200000),
      withUint32(rf, fmt + 24, 0xfffe),
    ]
  },
  async check(bytes) {
    await decodeAndDescribe(bytes, 'fuzz.wav')
  },
}
export default target
