import { FLACDecoder } from '@wasm-audio-decoders/flac'
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis'
import { MPEGDecoder } from 'mpg123-decoder'
import { PerceptError } from '../../core/errors'
import type { AudioEncoding, AudioFormat, DecodedAudio } from './decoded-audio'
import { invalidFile, unnamed } from './invalid-file'
import { scanMpegFrames } from './mpeg-frames'

/*
 * FLAC, MP3 and Ogg Vorbis through the wasm decoders. They skip what they cannot parse and return
 * what they could, so each format gets a cheap container check first (FLAC's sample count, whole
 * MPEG frames, whole Ogg pages): a truncated file is refused rather than silently shortened.
 */

interface DecoderOutput {
  channelData: Float32Array[]
  samplesDecoded: number
  sampleRate: number
  errors: { message: string; frameNumber: number; inputBytes: number }[]
}

interface WasmDecoder {
  ready: Promise<void>
  free(): void
}

const again = 'Re-export or re-download it.'

/** Runs one decoder and frees it whatever happens; decoder failures become INVALID_FILE. */
async function runDecoder<D extends WasmDecoder>(
  decoder: D,
  decode: (decoder: D) => DecoderOutput | Promise<DecoderOutput>,
  codec: string,
  name: string,
): Promise<DecoderOutput> {
  try {
    await decoder.ready
  } catch (error) {
    throw new PerceptError('UNAVAILABLE', `The ${codec} decoder could not start: ${String(error)}`)
  }
  let out: DecoderOutput
  try {
    out = await decode(decoder)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw invalidFile(`${name} could not be decoded as ${codec} (${reason}). ${again}`)
  } finally {
    decoder.free()
  }
  const [error] = out.errors
  if (error) {
    throw invalidFile(
      `${name} is damaged: the ${codec} decoder failed at frame ${error.frameNumber} (byte ${error.inputBytes}): ` +
        `${error.message.replace(/[.\s]+$/, '')}. ${again}`,
    )
  }
  if (out.samplesDecoded === 0 || out.channelData.length === 0 || !(out.sampleRate > 0)) {
    throw invalidFile(`${name} holds no ${codec} audio that could be decoded: it is damaged or empty. ${again}`)
  }
  return out
}

function toDecoded(
  out: DecoderOutput,
  format: AudioFormat,
  encoding: AudioEncoding,
  channels = out.channelData.length,
): DecodedAudio {
  const channelData = out.channelData.slice(0, channels).map((c) => c.subarray(0, out.samplesDecoded))
  return { sampleRate: out.sampleRate, channels: channelData, format, encoding }
}

export async function decodeFlac(bytes: Uint8Array, name = unnamed): Promise<DecodedAudio> {
  const expected = flacTotalSamples(bytes, name)
  let bitDepth = 0
  const out = await runDecoder(
    new FLACDecoder(),
    async (d) => {
      const decoded = await d.decodeFile(bytes)
      bitDepth = decoded.bitDepth
      return decoded
    },
    'FLAC',
    name,
  )
  if (expected > 0 && out.samplesDecoded < expected) {
    throw invalidFile(
      `${name} is truncated or damaged: its header announces ${expected} samples per channel but only ` +
        `${out.samplesDecoded} could be decoded. ${again}`,
    )
  }
  // The decoder divides by 2^(bits-1) - 1; WAV reading (and libsndfile) by 2^(bits-1), so -1.0 is the
  // most negative integer. Recover the integer (float32 keeps it within 0.25) and rescale.
  const scale = 2 ** (bitDepth - 1)
  for (const channel of out.channelData) {
    for (let i = 0; i < channel.length; i++) channel[i] = Math.round(channel[i]! * (scale - 1)) / scale
  }
  return toDecoded(out, 'flac', 'flac')
}

/** STREAMINFO's total samples per channel (0: not recorded by the encoder); throws when the block is missing. */
function flacTotalSamples(bytes: Uint8Array, name: string): number {
  // 'fLaC', then the first metadata block: 1 byte type, 3 bytes length, and STREAMINFO must be it.
  if (bytes.length < 8 + 34 || (bytes[4]! & 0x7f) !== 0) {
    throw invalidFile(`${name} is damaged: it starts like FLAC but its STREAMINFO header is missing or cut short. ${again}`)
  }
  // 36 bits from byte 21 (low nibble) on, after sample rate, channels and bits per sample.
  return (bytes[21]! & 0x0f) * 2 ** 32 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(22)
}

export async function decodeMp3(bytes: Uint8Array, name = unnamed): Promise<DecodedAudio> {
  const { channels } = scanMpegFrames(bytes, name)
  const out = await runDecoder(new MPEGDecoder(), (d) => d.decode(bytes), 'MP3', name)
  return toDecoded(out, 'mp3', 'mp3', channels)
}

export async function decodeOgg(bytes: Uint8Array, name = unnamed): Promise<DecodedAudio> {
  checkOggPages(bytes, name)
  return toDecoded(await runDecoder(new OggVorbisDecoder(), (d) => d.decodeFile(bytes), 'Ogg Vorbis', name), 'ogg', 'vorbis')
}

/** Codecs an Ogg stream may carry, by the start of its first packet; only Vorbis is decoded. */
const oggCodecs: [prefix: string, codec: string][] = [
  ['\x01vorbis', 'Vorbis'],
  ['\x7fFLAC', 'FLAC'],
  ['OpusHead', 'Opus'],
  ['Speex   ', 'Speex'],
  ['\x80theora', 'Theora video'],
]

/** Walks the pages (27-byte header, segment table, body); throws when a page is cut or the codec is not Vorbis. */
function checkOggPages(bytes: Uint8Array, name: string): void {
  let codec: string | undefined
  for (let at = 0; at < bytes.length; ) {
    if (String.fromCharCode(...bytes.subarray(at, at + 4)) !== 'OggS') {
      throw invalidFile(`${name} is damaged: no Ogg page starts at byte ${at} where one should. ${again}`)
    }
    const body = at + 27 + (bytes[at + 26] ?? 0)
    let end = body
    for (let i = at + 27; i < body && i < bytes.length; i++) end += bytes[i]!
    if (end > bytes.length) {
      throw invalidFile(`${name} is truncated: it ends inside the Ogg page at byte ${at} of ${bytes.length}. ${again}`)
    }
    if (codec === undefined) {
      const packet = String.fromCharCode(...bytes.subarray(body, Math.min(end, body + 8)))
      codec = oggCodecs.find(([prefix]) => packet.startsWith(prefix))?.[1] ?? 'an unknown codec'
    }
    at = end
  }
  if (codec === 'Vorbis') return
  throw invalidFile(
    `${name} is an Ogg file with ${codec ?? 'no stream'}, which Percept Workbench cannot read (it reads Ogg Vorbis). ` +
      'Convert it to FLAC, WAV or Ogg Vorbis (for example with Audacity or ffmpeg) and open that.',
  )
}
