import { readSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { basename } from 'node:path'
import { writeFileAtomic } from '../../core/atomic-file'
import { PerceptError } from '../../core/errors'
import { frameCount, type AudioData } from '../audio-data'
import type { Samples } from '../samples'
import type { DecodedAudio, DecodedSamples } from './decoded-audio'
import { formatBytes, invalidFile, unnamed } from './invalid-file'

/*
 * WAV reading and writing. The wavefile package parses and writes WAV, but converts samples one
 * at a time through generic code: its getSamples took 0.58 s per minute of 44.1 kHz stereo 16-bit
 * (35 s for an hour) and it does not read RF64. So a small chunk walker finds fmt and data here and
 * one DataView loop per sample format converts; DataView reads any alignment about as fast as a
 * typed-array view. An hour of 44.1 kHz stereo 16-bit converts in 0.4-0.5 s; on the 2-core VM
 * measured, first touching the 1.27 GB of float output cost another 4-6 s (the VM backs memory lazily).
 * readWavFile reads the data chunk a piece at a time into one small buffer instead of the whole file
 * into memory (635 MB more to fault in and copy for that hour), lets its caller measure each piece
 * while it is still in cache, and can keep 8- and 16-bit samples as int16 (`compact`, for the editor):
 * 635 MB instead of 1.27 GB for that hour.
 */

export type WavEncoding = 'pcm8' | 'pcm16' | 'pcm24' | 'pcm32' | 'float32' | 'float64'

const sampleFormats: Record<WavEncoding, { bytes: number; float: boolean }> = {
  pcm8: { bytes: 1, float: false },
  pcm16: { bytes: 2, float: false },
  pcm24: { bytes: 3, float: false },
  pcm32: { bytes: 4, float: false },
  float32: { bytes: 4, float: true },
  float64: { bytes: 8, float: true },
}

const WAVE_FORMAT_PCM = 0x0001
const WAVE_FORMAT_IEEE_FLOAT = 0x0003
const WAVE_FORMAT_EXTENSIBLE = 0xfffe

/** Codes met in the wild that we do not decode, named so the message can say what the file is. */
const unsupportedFormats: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG audio',
  0x0055: 'MP3',
  0x0161: 'Windows Media Audio',
  0x2000: 'AC-3',
}

/** Rates outside this range come from a damaged header, not a recording (768 kHz: the fastest converters). */
const minSampleRate = 1000
const maxSampleRate = 768_000

interface Chunk {
  /** Offset of the chunk body. */
  start: number
  size: number
}

interface WavLayout {
  encoding: WavEncoding
  channels: number
  sampleRate: number
  blockAlign: number
  littleEndian: boolean
  data: Chunk
}

/** Decodes a WAV file (RIFF, RIFX or RF64; PCM 8-32 bit, float 32/64, WAVE_FORMAT_EXTENSIBLE). */
export function decodeWav(bytes: Uint8Array, name = unnamed): DecodedAudio {
  const { encoding, channels, sampleRate, blockAlign, littleEndian, data } = readLayout(bytesSource(bytes), name)
  const size = sampleFormats[encoding].bytes
  // A trailing partial frame holds no complete sample instant; it is dropped.
  const frames = Math.floor(data.size / blockAlign)
  let samples = bytes.subarray(data.start, data.start + frames * blockAlign)
  if (!littleEndian) samples = byteSwapped(samples.slice(), size)
  const view = new DataView(samples.buffer, samples.byteOffset, samples.byteLength)
  const out: Float32Array[] = []
  for (let c = 0; c < channels; c++) {
    out.push(new Float32Array(frames))
    readChannel(out[c]!, 0, view, frames, blockAlign, c * size, encoding)
  }
  return { sampleRate, channels: out, format: 'wav', encoding }
}

export interface WavReadOptions {
  /** The name in error messages; default the file's. */
  name?: string
  /**
   * Called after each piece is decoded, in order: frames [from, to) of `audio.channels` are now
   * filled (the arrays are the full length from the first call on).
   */
  onPiece?: (audio: DecodedSamples, from: number, to: number) => void
  /** Channels on SharedArrayBuffers, so that another thread can read each piece as it is decoded. */
  shared?: boolean
  /** 8- and 16-bit PCM as int16 channels (samples.ts): half the memory of floats, the same values. */
  compact?: boolean
}

/**
 * Bytes of the data chunk read at a time. An hour of stereo 16-bit opened 0.5-0.8 s sooner with 1 MiB
 * than with 256 kB pieces (each read is a trip through libuv's pool and each piece wakes the measuring
 * thread); 4 MiB gained nothing more.
 */
const pieceBytes = 1024 * 1024

/**
 * Reads and decodes a WAV file as decodeWav does (the same samples, the same errors), its data chunk
 * a piece at a time. The caller checks first that `path` is a regular file.
 */
export async function readWavFile(path: string, options: WavReadOptions & { compact: true }): Promise<DecodedSamples>
export async function readWavFile(path: string, options?: WavReadOptions): Promise<DecodedAudio>
export async function readWavFile(path: string, options: WavReadOptions = {}): Promise<DecodedSamples> {
  const name = options.name ?? basename(path)
  const handle = await open(path, 'r')
  try {
    const { size: fileSize } = await handle.stat()
    const { encoding, channels, sampleRate, blockAlign, littleEndian, data } = readLayout(fileSource(handle.fd, fileSize), name)
    const size = sampleFormats[encoding].bytes
    const frames = Math.floor(data.size / blockAlign)
    const int16 = options.compact && (encoding === 'pcm8' || encoding === 'pcm16')
    const bytes = frames * (int16 ? 2 : 4)
    const memory = () => (options.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes))
    const channel = (): Samples => (int16 ? new Int16Array(memory()) : new Float32Array(memory()))
    const audio: DecodedSamples = { sampleRate, channels: Array.from({ length: channels }, channel), format: 'wav', encoding }
    const perPiece = Math.max(1, Math.floor(pieceBytes / blockAlign))
    const buffer = new Uint8Array(perPiece * blockAlign)
    const view = new DataView(buffer.buffer)
    for (let from = 0; from < frames; from += perPiece) {
      const count = Math.min(perPiece, frames - from)
      const piece = buffer.subarray(0, count * blockAlign)
      await readFully(handle, piece, data.start + from * blockAlign, name)
      if (!littleEndian) byteSwapped(piece, size)
      for (let c = 0; c < channels; c++) {
        const out = audio.channels[c]!
        if (out instanceof Int16Array) readInt16Channel(out, from, view, count, blockAlign, c * size, encoding === 'pcm8')
        else readChannel(out, from, view, count, blockAlign, c * size, encoding)
      }
      options.onPiece?.(audio, from, from + count)
    }
    return audio
  } finally {
    await handle.close()
  }
}

async function readFully(handle: Awaited<ReturnType<typeof open>>, into: Uint8Array, position: number, name: string): Promise<void> {
  for (let done = 0; done < into.length; ) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done)
    if (bytesRead === 0) throw invalidFile(`${name} is truncated: it became shorter while it was being read. Open it again once it is written.`)
    done += bytesRead
  }
}

/** RIFX (big-endian) samples as little-endian, in place: the hot loops below read with a constant byte order, which V8 compiles tighter. */
function byteSwapped(samples: Uint8Array, size: number): Uint8Array {
  for (let at = 0; at < samples.length; at += size) samples.subarray(at, at + size).reverse()
  return samples
}

/**
 * One channel of interleaved little-endian frames to floats at full scale +-1, written to out[at...];
 * one tight loop per sample format.
 */
function readChannel(out: Float32Array, at: number, view: DataView, frames: number, step: number, first: number, encoding: WavEncoding): void {
  let p = first
  const end = at + frames
  switch (encoding) {
    case 'pcm8': // unsigned, 128 is zero
      for (let i = at; i < end; i++, p += step) out[i] = (view.getUint8(p) - 128) * (1 / 128)
      break
    case 'pcm16':
      for (let i = at; i < end; i++, p += step) out[i] = view.getInt16(p, true) * (1 / 32768)
      break
    case 'pcm24': // the shifts sign-extend the 24-bit value
      for (let i = at; i < end; i++, p += step) {
        const v = view.getUint8(p) | (view.getUint8(p + 1) << 8) | (view.getUint8(p + 2) << 16)
        out[i] = ((v << 8) >> 8) * (1 / 8388608)
      }
      break
    case 'pcm32':
      for (let i = at; i < end; i++, p += step) out[i] = view.getInt32(p, true) * (1 / 2147483648)
      break
    case 'float32':
      for (let i = at; i < end; i++, p += step) out[i] = view.getFloat32(p, true)
      break
    case 'float64':
      for (let i = at; i < end; i++, p += step) out[i] = view.getFloat64(p, true)
      break
  }
}

/** readChannel for 8- and 16-bit PCM into int16 (full scale 32768): the same values times 32768. */
function readInt16Channel(out: Int16Array, at: number, view: DataView, frames: number, step: number, first: number, pcm8: boolean): void {
  let p = first
  const end = at + frames
  if (pcm8) for (let i = at; i < end; i++, p += step) out[i] = (view.getUint8(p) - 128) << 8
  else for (let i = at; i < end; i++, p += step) out[i] = view.getInt16(p, true)
}

/** A WAV file's bytes as the header walk reads them: up to `length` bytes from `at` (fewer at the end). */
interface ByteSource {
  size: number
  read(at: number, length: number): Uint8Array
}

function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (at, length) => bytes.subarray(at, at + length) }
}

function fileSource(fd: number, size: number): ByteSource {
  return {
    size,
    read: (at, length) => {
      const out = new Uint8Array(Math.max(0, Math.min(length, size - at)))
      const read = out.length ? readSync(fd, out, 0, out.length, at) : 0
      return out.subarray(0, read)
    },
  }
}

function fourCC(bytes: Uint8Array, at = 0): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0)
}

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** Walks the chunks (any order, odd sizes padded to even) and checks fmt against data. */
function readLayout(source: ByteSource, name: string): WavLayout {
  const reExport = 'Re-export it from the program that made it.'
  const length = source.size
  if (length === 0) throw invalidFile(`${name} is empty (0 bytes): it holds no audio.`)
  const head = source.read(0, 12)
  const container = fourCC(head, 0)
  const riff = ['RIFF', 'RIFX', 'RF64'].includes(container)
  if (riff && length < 12) throw invalidFile(`${name} is truncated: it ends inside its RIFF header. ${reExport}`)
  if (!riff || fourCC(head, 8) !== 'WAVE') {
    throw invalidFile(`${name} is not a WAV file: it does not start with a RIFF WAVE header. Check that it is a sound file.`)
  }
  const littleEndian = container !== 'RIFX'
  let fmt: Chunk | undefined
  let data: Chunk | undefined
  let ds64DataSize: number | undefined
  for (let at = 12; at + 8 <= length && !(fmt && data); ) {
    const header = source.read(at, 8)
    const id = fourCC(header)
    const start = at + 8
    let size = viewOf(header).getUint32(4, littleEndian)
    if (id === 'ds64' && start + 16 <= length) ds64DataSize = Number(viewOf(source.read(start + 8, 8)).getBigUint64(0, true))
    if (id === 'data' && container === 'RF64' && size === 0xffffffff && ds64DataSize !== undefined) size = ds64DataSize
    if (id === 'fmt ') fmt = { start, size }
    else if (id === 'data') data = { start, size }
    // A metadata chunk cut short after fmt and data is harmless; one before them ends the walk.
    if (start + size > length) break
    at = start + size + (size & 1)
  }
  if (!fmt) {
    throw invalidFile(`${name} is damaged or truncated: it has no fmt chunk, so its sample format is unknown. ${reExport}`)
  }
  if (fmt.size < 16 || fmt.start + fmt.size > length) {
    throw invalidFile(`${name} is truncated: the file ends inside its fmt chunk (the header). ${reExport}`)
  }
  if (!data) {
    throw invalidFile(`${name} has no data chunk: it holds no audio (was the recording finished?). ${reExport}`)
  }
  const available = length - data.start
  if (data.size > available) {
    throw invalidFile(
      `${name} is truncated: the data chunk declares ${formatBytes(data.size)} of audio but the file ends after ` +
        `${formatBytes(available)}. ${reExport}`,
    )
  }
  // The fields read are in the first 26 bytes (40 with the extensible format's GUID).
  const format = viewOf(source.read(fmt.start, Math.min(fmt.size, 40)))
  return { ...readFormat(format, { start: 0, size: fmt.size }, littleEndian, name), littleEndian, data }
}

function readFormat(view: DataView, fmt: Chunk, le: boolean, name: string): Omit<WavLayout, 'littleEndian' | 'data'> {
  let code = view.getUint16(fmt.start, le)
  const channels = view.getUint16(fmt.start + 2, le)
  const sampleRate = view.getUint32(fmt.start + 4, le)
  const blockAlign = view.getUint16(fmt.start + 12, le)
  const bits = view.getUint16(fmt.start + 14, le)
  // WAVE_FORMAT_EXTENSIBLE keeps the real format code in the first two bytes of its SubFormat GUID.
  if (code === WAVE_FORMAT_EXTENSIBLE) {
    if (fmt.size < 40) throw invalidFile(`${name} is damaged: its extensible fmt chunk is too short to name the sample format.`)
    code = view.getUint16(fmt.start + 24, le)
  }
  const convert = 'Convert it to PCM WAV, FLAC or MP3 (for example with Audacity or SoX) and open that.'
  if (code !== WAVE_FORMAT_PCM && code !== WAVE_FORMAT_IEEE_FLOAT) {
    const known = unsupportedFormats[code]
    const hex = `0x${code.toString(16).padStart(4, '0')}`
    const what = known ? `${known} (format code ${hex})` : `format code ${hex}`
    throw invalidFile(`${name} is a WAV file in ${what}, which Percept Workbench cannot read. ${convert}`)
  }
  if (channels === 0) throw invalidFile(`${name} is damaged: its header declares zero channels.`)
  if (sampleRate < minSampleRate || sampleRate > maxSampleRate) {
    throw invalidFile(
      `${name} is damaged: its header declares a sample rate of ${sampleRate} Hz, outside ${minSampleRate}-${maxSampleRate} Hz.`,
    )
  }
  // The container size comes from the block alignment: 20-bit audio sits in 3 bytes, 24-bit in 3 or 4,
  // left-justified, so reading the whole container gives the right full-scale value.
  const container = blockAlign / channels
  const float = code === WAVE_FORMAT_IEEE_FLOAT
  const encoding = (Object.keys(sampleFormats) as WavEncoding[]).find(
    (e) => sampleFormats[e].bytes === container && sampleFormats[e].float === float,
  )
  const validBits = float ? bits === container * 8 : bits >= 1 && bits <= container * 8
  if (!encoding || !validBits) {
    const kind = float ? 'floating-point' : 'PCM'
    throw invalidFile(
      `${name} declares ${bits}-bit ${kind} samples in ${channels}-channel frames of ${blockAlign} bytes, which is not a ` +
        `WAV layout Percept Workbench reads (PCM 8/16/24/32-bit, float 32/64-bit). ${convert}`,
    )
  }
  return { encoding, channels, sampleRate, blockAlign }
}

/** Speaker positions (dwChannelMask) for the usual layouts, 5.1 as L R C LFE Ls Rs; others unassigned. */
const channelMasks: Record<number, number> = { 1: 0x4, 2: 0x3, 3: 0x7, 4: 0x33, 5: 0x37, 6: 0x3f, 7: 0x13f, 8: 0x63f }

/** The KSDATAFORMAT_SUBTYPE GUID after its leading format code: 0000-0010-8000-00AA00389B71. */
const subFormatTail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71]

/**
 * Encodes little-endian RIFF WAV. WAVE_FORMAT_EXTENSIBLE is written when there are more than two
 * channels or more than 16 bits, as Microsoft's spec asks; every format other than plain PCM also
 * carries the fact chunk the spec requires. Samples beyond +-1 are clipped; integers are rounded.
 */
export function encodeWav(audio: AudioData, encoding: WavEncoding): Uint8Array {
  const channels = audio.channels.length
  const { sampleRate } = audio
  const { bytes: size, float } = sampleFormats[encoding]
  const blockAlign = channels * size
  if (channels === 0 || blockAlign > 0xffff) {
    const most = Math.floor(0xffff / size)
    throw new PerceptError('VALIDATION', `A ${encoding} WAV file holds 1 to ${most} channels, not ${channels}.`)
  }
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > 0xffffffff) {
    throw new PerceptError('VALIDATION', `A WAV file needs a whole, positive sample rate, not ${sampleRate}.`)
  }
  const bits = size * 8
  const frames = frameCount(audio)
  const dataBytes = frames * blockAlign
  const extensible = channels > 2 || bits > 16
  const fmtBytes = extensible ? 40 : 16
  const factBytes = extensible || float ? 12 : 0
  const headerBytes = 12 + 8 + fmtBytes + factBytes + 8
  const total = headerBytes + dataBytes + (dataBytes & 1)
  if (total - 8 > 0xffffffff) {
    throw new PerceptError(
      'VALIDATION',
      `This sound needs ${formatBytes(dataBytes)} as ${encoding} WAV, over the format's 4 GB limit. ` +
        'Export a shorter range or a smaller encoding.',
    )
  }
  const bytes = new Uint8Array(total)
  const view = new DataView(bytes.buffer)
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i)
  }
  ascii(0, 'RIFF')
  view.setUint32(4, total - 8, true)
  ascii(8, 'WAVE')
  ascii(12, 'fmt ')
  view.setUint32(16, fmtBytes, true)
  const code = float ? WAVE_FORMAT_IEEE_FLOAT : WAVE_FORMAT_PCM
  view.setUint16(20, extensible ? WAVE_FORMAT_EXTENSIBLE : code, true)
  view.setUint16(22, channels, true)
  view.setUint32(24, sampleRate, true)
  view.setUint32(28, Math.min(sampleRate * blockAlign, 0xffffffff), true)
  view.setUint16(32, blockAlign, true)
  view.setUint16(34, bits, true)
  let at = 36
  if (extensible) {
    view.setUint16(36, 22, true) // cbSize
    view.setUint16(38, bits, true) // valid bits
    view.setUint32(40, channelMasks[channels] ?? 0, true)
    view.setUint16(44, code, true)
    bytes.set(subFormatTail, 46)
    at = 60
  }
  if (factBytes) {
    ascii(at, 'fact')
    view.setUint32(at + 4, 4, true)
    view.setUint32(at + 8, Math.min(frames, 0xffffffff), true)
    at += 12
  }
  ascii(at, 'data')
  view.setUint32(at + 4, dataBytes, true)
  audio.channels.forEach((channel, c) => writeChannel(view, channel, frames, blockAlign, headerBytes + c * size, encoding))
  return bytes
}

function writeChannel(view: DataView, x: Float32Array, frames: number, step: number, first: number, encoding: WavEncoding): void {
  let p = first
  switch (encoding) {
    case 'pcm8':
      for (let i = 0; i < frames; i++, p += step) view.setUint8(p, quantize(x[i]!, 128) + 128)
      break
    case 'pcm16':
      for (let i = 0; i < frames; i++, p += step) view.setInt16(p, quantize(x[i]!, 32768), true)
      break
    case 'pcm24':
      for (let i = 0; i < frames; i++, p += step) {
        const v = quantize(x[i]!, 8388608)
        view.setUint8(p, v & 0xff)
        view.setUint8(p + 1, (v >> 8) & 0xff)
        view.setUint8(p + 2, (v >> 16) & 0xff)
      }
      break
    case 'pcm32':
      for (let i = 0; i < frames; i++, p += step) view.setInt32(p, quantize(x[i]!, 2147483648), true)
      break
    case 'float32':
      for (let i = 0; i < frames; i++, p += step) view.setFloat32(p, x[i]!, true)
      break
    case 'float64':
      for (let i = 0; i < frames; i++, p += step) view.setFloat64(p, x[i]!, true)
      break
  }
}

/** Full scale +-1 to an integer in [-scale, scale - 1]; the inverse of the read scaling, so values read back exactly. */
function quantize(x: number, scale: number): number {
  const v = Math.round(x * scale)
  return v >= scale ? scale - 1 : v < -scale ? -scale : v || 0 // `|| 0`: NaN and -0 become 0
}

/** Writes a WAV file atomically (see encodeWav). */
export async function writeWavFile(path: string, audio: AudioData, encoding: WavEncoding): Promise<void> {
  await writeFileAtomic(path, encodeWav(audio, encoding))
}
