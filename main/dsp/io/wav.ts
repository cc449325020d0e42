import { writeFileAtomic } from '../../core/atomic-file'
import { PerceptError } from '../../core/errors'
import { frameCount, type AudioData } from '../audio-data'
import type { DecodedAudio } from './decoded-audio'
import { formatBytes, invalidFile, unnamed } from './invalid-file'

/*
 * WAV reading and writing. The wavefile package parses and writes WAV, but converts samples one
 * at a time through generic code: its getSamples took 0.58 s per minute of 44.1 kHz stereo 16-bit
 * (35 s for an hour) and it does not read RF64. So a small chunk walker finds fmt and data here and
 * one DataView loop per sample format converts; DataView reads any alignment about as fast as a
 * typed-array view. An hour of 44.1 kHz stereo 16-bit converts in 0.4-0.5 s; on the 2-core VM
 * measured, first touching the 1.27 GB of float output cost another 4-6 s (the VM backs memory lazily).
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
  const { encoding, channels, sampleRate, blockAlign, littleEndian, data } = readLayout(bytes, name)
  const size = sampleFormats[encoding].bytes
  // A trailing partial frame holds no complete sample instant; it is dropped.
  const frames = Math.floor(data.size / blockAlign)
  let samples = bytes.subarray(data.start, data.start + frames * blockAlign)
  if (!littleEndian) samples = byteSwapped(samples, size)
  const view = new DataView(samples.buffer, samples.byteOffset, samples.byteLength)
  const out: Float32Array[] = []
  for (let c = 0; c < channels; c++) out.push(readChannel(view, frames, blockAlign, c * size, encoding))
  return { sampleRate, channels: out, format: 'wav', encoding }
}

/** RIFX (big-endian) samples as little-endian: the hot loops below read with a constant byte order, which V8 compiles tighter. */
function byteSwapped(samples: Uint8Array, size: number): Uint8Array {
  const out = samples.slice()
  for (let at = 0; at < out.length; at += size) out.subarray(at, at + size).reverse()
  return out
}

/** One channel of interleaved little-endian frames to floats at full scale +-1; one tight loop per sample format. */
function readChannel(view: DataView, frames: number, step: number, first: number, encoding: WavEncoding): Float32Array {
  const out = new Float32Array(frames)
  let p = first
  switch (encoding) {
    case 'pcm8': // unsigned, 128 is zero
      for (let i = 0; i < frames; i++, p += step) out[i] = (view.getUint8(p) - 128) * (1 / 128)
      break
    case 'pcm16':
      for (let i = 0; i < frames; i++, p += step) out[i] = view.getInt16(p, true) * (1 / 32768)
      break
    case 'pcm24': // the shifts sign-extend the 24-bit value
      for (let i = 0; i < frames; i++, p += step) {
        const v = view.getUint8(p) | (view.getUint8(p + 1) << 8) | (view.getUint8(p + 2) << 16)
        out[i] = ((v << 8) >> 8) * (1 / 8388608)
      }
      break
    case 'pcm32':
      for (let i = 0; i < frames; i++, p += step) out[i] = view.getInt32(p, true) * (1 / 2147483648)
      break
    case 'float32':
      for (let i = 0; i < frames; i++, p += step) out[i] = view.getFloat32(p, true)
      break
    case 'float64':
      for (let i = 0; i < frames; i++, p += step) out[i] = view.getFloat64(p, true)
      break
  }
  return out
}

function fourCC(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0)
}

/** Walks the chunks (any order, odd sizes padded to even) and checks fmt against data. */
function readLayout(bytes: Uint8Array, name: string): WavLayout {
  const reExport = 'Re-export it from the program that made it.'
  if (bytes.length === 0) throw invalidFile(`${name} is empty (0 bytes): it holds no audio.`)
  const container = fourCC(bytes, 0)
  const riff = ['RIFF', 'RIFX', 'RF64'].includes(container)
  if (riff && bytes.length < 12) throw invalidFile(`${name} is truncated: it ends inside its RIFF header. ${reExport}`)
  if (!riff || fourCC(bytes, 8) !== 'WAVE') {
    throw invalidFile(`${name} is not a WAV file: it does not start with a RIFF WAVE header. Check that it is a sound file.`)
  }
  const littleEndian = container !== 'RIFX'
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let fmt: Chunk | undefined
  let data: Chunk | undefined
  let ds64DataSize: number | undefined
  for (let at = 12; at + 8 <= bytes.length && !(fmt && data); ) {
    const id = fourCC(bytes, at)
    const start = at + 8
    let size = view.getUint32(at + 4, littleEndian)
    if (id === 'ds64' && start + 16 <= bytes.length) ds64DataSize = Number(view.getBigUint64(start + 8, true))
    if (id === 'data' && container === 'RF64' && size === 0xffffffff && ds64DataSize !== undefined) size = ds64DataSize
    if (id === 'fmt ') fmt = { start, size }
    else if (id === 'data') data = { start, size }
    // A metadata chunk cut short after fmt and data is harmless; one before them ends the walk.
    if (start + size > bytes.length) break
    at = start + size + (size & 1)
  }
  if (!fmt) {
    throw invalidFile(`${name} is damaged or truncated: it has no fmt chunk, so its sample format is unknown. ${reExport}`)
  }
  if (fmt.size < 16 || fmt.start + fmt.size > bytes.length) {
    throw invalidFile(`${name} is truncated: the file ends inside its fmt chunk (the header). ${reExport}`)
  }
  if (!data) {
    throw invalidFile(`${name} has no data chunk: it holds no audio (was the recording finished?). ${reExport}`)
  }
  const available = bytes.length - data.start
  if (data.size > available) {
    throw invalidFile(
      `${name} is truncated: the data chunk declares ${formatBytes(data.size)} of audio but the file ends after ` +
        `${formatBytes(available)}. ${reExport}`,
    )
  }
  return { ...readFormat(view, fmt, littleEndian, name), littleEndian, data }
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
