import { FLACDecoder } from '@wasm-audio-decoders/flac'
import { OggVorbisDecoder } from '@wasm-audio-decoders/ogg-vorbis'
import { MPEGDecoder } from 'mpg123-decoder'
import { PerceptError } from '../../core/errors'
import type { AudioEncoding, AudioFormat, DecodedAudio } from './decoded-audio'
import { formatBytes, invalidFile, unnamed } from './invalid-file'
import { scanMpegFrames } from './mpeg-frames'

/*
 * FLAC, MP3 and Ogg Vorbis through the wasm decoders. They skip what they cannot parse and return
 * what they could, so each format gets a cheap container check first (FLAC's sample count, whole
 * MPEG frames, whole Ogg pages): a truncated file is refused rather than silently shortened.
 * FLAC and Ogg are fed a piece at a time and stop at a bound on how far they expand (see
 * maxSamplesPerByte): a few KB of crafted frames would otherwise decode to gigabytes. MP3 needs no
 * bound: its smallest frames still take a byte for every few hundred samples.
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

/** A decoder fed a piece at a time; flush decodes what the last piece left pending. */
interface StreamingDecoder<O extends DecoderOutput> extends WasmDecoder {
  decode(piece: Uint8Array): Promise<O>
  flush(): Promise<O>
}

const again = 'Re-export or re-download it.'

/**
 * Bytes fed to a streaming decoder at a time: small enough that one piece of the most expanding frames
 * stays near 30 M samples (120 MB), large enough to decode as fast as the whole file at once.
 */
const pieceBytes = 2048

/**
 * Decoded samples (all channels together) a FLAC or Ogg file may yield per byte of itself, past the
 * first `freeSamples`. Measured: noise and tones give 1-10, stereo files of nearly all digital silence
 * 60-800, 8-channel silence from an ordinary Vorbis encoder 3 800 (refused past freeSamples too).
 * Frames built to expand the most give 14 000 (FLAC: 35 bytes for 65535 samples of 8 channels), so
 * 30 KB of them would fill 1.6 GB of memory.
 */
const maxSamplesPerByte = 1024
/** What any file may decode to, whatever its size: 64 MiB as float32 (3 minutes of 44.1 kHz stereo). */
const freeSamples = 2 ** 24

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
    if (error instanceof PerceptError) throw error
    // The decoders' own exceptions name their internals (codec-parser's "logError is not defined" on a
    // damaged Vorbis packet): nothing a person can act on, so the reason goes to details only.
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    throw new PerceptError(
      'INVALID_FILE',
      `${name} could not be decoded as ${codec}: the decoder stopped at data it could not read, so the file is damaged ` +
        `or not ${codec}. ${again}`,
      { decoderError: reason },
    )
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

/**
 * Feeds `bytes` to `decoder` a piece at a time and joins what comes out; INVALID_FILE as soon as the
 * output passes the expansion bound, before it can fill memory.
 */
async function decodeInPieces<O extends DecoderOutput>(
  decoder: StreamingDecoder<O>,
  bytes: Uint8Array,
  codec: string,
  name: string,
): Promise<O> {
  const bound = Math.max(freeSamples, maxSamplesPerByte * bytes.length)
  const parts: O[] = []
  let samples = 0
  const take = (part: O) => {
    parts.push(part)
    samples += part.samplesDecoded * part.channelData.length
    if (samples > bound) {
      throw invalidFile(
        `${name} expands past ${formatBytes(bound * 4)} of audio from ${formatBytes(bytes.length)} of ${codec} ` +
          `(over ${maxSamplesPerByte} samples per byte), which no recording does short of long digital silence: ` +
          `it is damaged or built to exhaust memory. If it is a real recording, convert it to WAV and open that.`,
      )
    }
  }
  for (let at = 0; at < bytes.length; at += pieceBytes) take(await decoder.decode(bytes.subarray(at, at + pieceBytes)))
  take(await decoder.flush())
  return joinParts(parts, name)
}

/** One output from the pieces' outputs; a stream that changes channel count or rate partway is refused. */
function joinParts<O extends DecoderOutput>(parts: O[], name: string): O {
  const errors = parts.flatMap((p) => p.errors)
  const audible = parts.filter((p) => p.samplesDecoded > 0)
  const first = audible[0]
  // Errors first: runDecoder reports the first; no samples: it reports an empty file.
  if (errors.length > 0 || !first) return { ...parts[parts.length - 1]!, channelData: [], samplesDecoded: 0, errors }
  for (const p of audible) {
    if (p.channelData.length !== first.channelData.length || p.sampleRate !== first.sampleRate) {
      throw invalidFile(
        `${name} changes from ${first.channelData.length} channels at ${first.sampleRate} Hz to ${p.channelData.length} ` +
          `at ${p.sampleRate} Hz partway, which Percept Workbench does not read as one sound. Convert it to WAV and open that.`,
      )
    }
  }
  const total = audible.reduce((n, p) => n + p.samplesDecoded, 0)
  const channelData = first.channelData.map((_, c) => {
    const out = new Float32Array(total)
    let at = 0
    for (const p of audible) {
      out.set(p.channelData[c]!.subarray(0, p.samplesDecoded), at)
      at += p.samplesDecoded
    }
    return out
  })
  return { ...first, channelData, samplesDecoded: total, errors }
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
  const { expected, channels } = flacStreamInfo(bytes, name)
  // STREAMINFO's own count, when it has one, refuses a bomb before anything is decoded.
  if (expected * channels > Math.max(freeSamples, maxSamplesPerByte * bytes.length)) {
    throw invalidFile(
      `${name} announces ${expected} samples in each of ${channels} channels from only ${formatBytes(bytes.length)}, over ` +
        `${maxSamplesPerByte} samples per byte, which no recording does short of long digital silence: it is damaged ` +
        `or built to exhaust memory. If it is a real recording, convert it to WAV and open that.`,
    )
  }
  let bitDepth = 0
  const out = await runDecoder(
    new FLACDecoder(),
    async (d) => {
      const decoded = await decodeInPieces(d, bytes, 'FLAC', name)
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

/**
 * STREAMINFO's total samples per channel (0: not recorded by the encoder) and channel count; throws
 * when the block is missing.
 */
function flacStreamInfo(bytes: Uint8Array, name: string): { expected: number; channels: number } {
  // 'fLaC', then the first metadata block: 1 byte type, 3 bytes length, and STREAMINFO must be it.
  if (bytes.length < 8 + 34 || (bytes[4]! & 0x7f) !== 0) {
    throw invalidFile(`${name} is damaged: it starts like FLAC but its STREAMINFO header is missing or cut short. ${again}`)
  }
  // After 20 bits of sample rate (from byte 18): 3 bits of channels - 1, 5 of bits per sample - 1,
  // then 36 bits of total samples from byte 21's low nibble on.
  const channels = ((bytes[20]! >> 1) & 7) + 1
  const expected = (bytes[21]! & 0x0f) * 2 ** 32 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(22)
  return { expected, channels }
}

export async function decodeMp3(bytes: Uint8Array, name = unnamed): Promise<DecodedAudio> {
  const { channels } = scanMpegFrames(bytes, name)
  const out = await runDecoder(new MPEGDecoder(), (d) => d.decode(bytes), 'MP3', name)
  return toDecoded(out, 'mp3', 'mp3', channels)
}

export async function decodeOgg(bytes: Uint8Array, name = unnamed): Promise<DecodedAudio> {
  checkOggPages(bytes, name)
  const out = await runDecoder(new OggVorbisDecoder(), (d) => decodeInPieces(d, bytes, 'Ogg Vorbis', name), 'Ogg Vorbis', name)
  return toDecoded(out, 'ogg', 'vorbis')
}

/** Codecs an Ogg stream may carry, by the start of its first packet; only Vorbis is decoded. */
const oggCodecs: [prefix: string, codec: string][] = [
  ['\x01vorbis', 'Vorbis'],
  ['\x7fFLAC', 'FLAC'],
  ['OpusHead', 'Opus'],
  ['Speex   ', 'Speex'],
  ['\x80theora', 'Theora video'],
]

/**
 * Walks the pages (27-byte header, segment table, body); throws when a page is cut, the codec is not
 * Vorbis or a page belongs to another stream: the decoder keeps the first stream's setup, so a chained
 * file (Ogg files joined end to end) came out as seconds of loud garbage.
 */
function checkOggPages(bytes: Uint8Array, name: string): void {
  let codec: string | undefined
  let serial: number | undefined
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
    const pageSerial = new DataView(bytes.buffer, bytes.byteOffset + at + 14, 4).getUint32(0, true)
    // Another serial number, or a second beginning-of-stream page (header flag 2) with the same one.
    if (serial !== undefined && (pageSerial !== serial || bytes[at + 5]! & 0x02)) {
      throw invalidFile(
        `${name} holds more than one Ogg stream (another starts at byte ${at}): it is several files joined, or audio ` +
          'with video. Percept Workbench reads a single Ogg Vorbis stream; split or convert it (for example with ' +
          'Audacity or ffmpeg) and open that.',
      )
    }
    serial = pageSerial
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
