/**
 * FLAC written by hand: STREAMINFO, then `frames` frames of 8 channels x `blockSize` samples of 16-bit
 * silence, each channel one CONSTANT subframe (3 bytes). About 35 bytes a frame decode to 65535 x 8
 * samples: the most a FLAC byte can expand, as a decompression bomb would. Valid by the spec (RFC 9639),
 * so decoders accept it.
 */
export function flacSilence(frames: number, options: { blockSize?: number; declareTotal?: boolean } = {}): Uint8Array {
  const blockSize = options.blockSize ?? 65535
  const channels = 8
  const sampleRate = 48000
  const total = BigInt(frames * blockSize)
  const out: number[] = [0x66, 0x4c, 0x61, 0x43] // fLaC
  // The only metadata block (last-block flag, type 0), 34 bytes.
  out.push(0x80, 0, 0, 34, blockSize >> 8, blockSize & 0xff, blockSize >> 8, blockSize & 0xff, 0, 0, 0, 0, 0, 0)
  // Sample rate (20 bits), channels - 1 (3), bits per sample - 1 (5), total samples (36; 0 = unknown).
  const fields = (BigInt(sampleRate) << 44n) | (BigInt(channels - 1) << 41n) | (15n << 36n) | (options.declareTotal === false ? 0n : total)
  for (let shift = 56n; shift >= 0n; shift -= 8n) out.push(Number((fields >> shift) & 0xffn))
  out.push(...new Array<number>(16).fill(0)) // MD5 unknown
  for (let n = 0; n < frames; n++) {
    // Sync and fixed block size; block size from a 16-bit field after the frame number, 48 kHz; 8 independent channels, 16 bits.
    const header = [0xff, 0xf8, 0x7a, 0x78, ...utf8Number(n), (blockSize - 1) >> 8, (blockSize - 1) & 0xff]
    header.push(crc8(header))
    const frame = [...header]
    for (let c = 0; c < channels; c++) frame.push(0x00, 0, 0) // CONSTANT subframe, value 0
    const crc = crc16(frame)
    out.push(...frame, crc >> 8, crc & 0xff)
  }
  return Uint8Array.from(out)
}

/** The frame number as FLAC codes it: UTF-8's scheme, extended to 36 bits (here below 2^21). */
function utf8Number(n: number): number[] {
  if (n < 0x80) return [n]
  if (n < 0x800) return [0xc0 | (n >> 6), 0x80 | (n & 0x3f)]
  if (n < 0x10000) return [0xe0 | (n >> 12), 0x80 | ((n >> 6) & 0x3f), 0x80 | (n & 0x3f)]
  return [0xf0 | (n >> 18), 0x80 | ((n >> 12) & 0x3f), 0x80 | ((n >> 6) & 0x3f), 0x80 | (n & 0x3f)]
}

/** CRC-8, polynomial x^8 + x^2 + x + 1, initial 0 (the frame header's). */
function crc8(bytes: number[]): number {
  let crc = 0
  for (const b of bytes) {
    crc ^= b
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff
  }
  return crc
}

/** CRC-16, polynomial x^16 + x^15 + x^2 + 1, initial 0 (the whole frame's). */
function crc16(bytes: number[]): number {
  let crc = 0
  for (const b of bytes) {
    crc ^= b << 8
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff
  }
  return crc
}
