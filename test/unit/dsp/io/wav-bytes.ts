/** Builds WAV files byte by byte for the decoder tests, independently of encodeWav. */

export type ChunkSpec = [id: string, body: Uint8Array]

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0))
}

/** A RIFF/RIFX/RF64 WAVE file from chunks in the given order; odd-sized chunks get their pad byte. */
export function riffWave(chunks: ChunkSpec[], container: 'RIFF' | 'RIFX' | 'RF64' = 'RIFF'): Uint8Array {
  const size = chunks.reduce((sum, [, body]) => sum + 8 + body.length + (body.length & 1), 4)
  const bytes = new Uint8Array(8 + size)
  const view = new DataView(bytes.buffer)
  bytes.set(ascii(container), 0)
  view.setUint32(4, container === 'RF64' ? 0xffffffff : size, container !== 'RIFX')
  bytes.set(ascii('WAVE'), 8)
  let at = 12
  for (const [id, body] of chunks) {
    bytes.set(ascii(id), at)
    const declared = container === 'RF64' && id === 'data' ? 0xffffffff : body.length
    view.setUint32(at + 4, declared, container !== 'RIFX')
    bytes.set(body, at + 8)
    at += 8 + body.length + (body.length & 1)
  }
  return bytes
}

export interface FmtSpec {
  code: number
  channels: number
  sampleRate: number
  bits: number
  /** Default: channels * ceil(bits / 8). */
  blockAlign?: number
  /** Writes WAVE_FORMAT_EXTENSIBLE with this sub-format code. */
  extensible?: { subFormat: number; validBits?: number; mask?: number }
  bigEndian?: boolean
}

export function fmtChunk(spec: FmtSpec): ChunkSpec {
  const le = !spec.bigEndian
  const body = new Uint8Array(spec.extensible ? 40 : 16)
  const view = new DataView(body.buffer)
  const blockAlign = spec.blockAlign ?? spec.channels * Math.ceil(spec.bits / 8)
  view.setUint16(0, spec.extensible ? 0xfffe : spec.code, le)
  view.setUint16(2, spec.channels, le)
  view.setUint32(4, spec.sampleRate, le)
  view.setUint32(8, spec.sampleRate * blockAlign, le)
  view.setUint16(12, blockAlign, le)
  view.setUint16(14, spec.bits, le)
  if (spec.extensible) {
    view.setUint16(16, 22, le)
    view.setUint16(18, spec.extensible.validBits ?? spec.bits, le)
    view.setUint32(20, spec.extensible.mask ?? 0, le)
    view.setUint16(24, spec.extensible.subFormat, le)
    body.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26)
  }
  return ['fmt ', body]
}

/** A data chunk from raw little-endian (or big-endian) integers of `bytes` bytes each. */
export function dataChunk(values: number[], bytes: number, bigEndian = false): ChunkSpec {
  const body = new Uint8Array(values.length * bytes)
  values.forEach((v, i) => {
    for (let b = 0; b < bytes; b++) body[i * bytes + (bigEndian ? bytes - 1 - b : b)] = Math.floor(v / 2 ** (8 * b)) & 0xff
  })
  return ['data', body]
}

export function floatData(values: number[], bytes: 4 | 8): ChunkSpec {
  const body = new Uint8Array(values.length * bytes)
  const view = new DataView(body.buffer)
  values.forEach((v, i) => (bytes === 4 ? view.setFloat32(i * bytes, v, true) : view.setFloat64(i * bytes, v, true)))
  return ['data', body]
}
