import { writeFileAtomic } from '../../core/atomic-file'
import { invalid } from './params'

const MAGIC = [0x93, ...Array.from('NUMPY', (c) => c.charCodeAt(0))]
/** numpy.lib.format: headers padded so the data starts on a 64-byte boundary. */
const ARRAY_ALIGN = 64
/** numpy.lib.format leaves room for the first axis to grow to this many digits. */
const GROWTH_AXIS_MAX_DIGITS = 21

const shapeRepr = (shape: number[]): string => (shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`)

/**
 * An .npy file (format version 1.0) holding `data` as little-endian float32 in C order, header
 * byte for byte as numpy.save writes it: sorted dict keys, growth spaces, padding to 64 bytes.
 */
export function encodeNpy(data: Float32Array, shape: number[]): Uint8Array {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw invalid(`npy shape must be non-negative integers: got [${shape.join(', ')}]`)
  }
  const size = shape.reduce((a, b) => a * b, 1)
  if (size !== data.length) throw invalid(`npy shape [${shape.join(', ')}] holds ${size} values, the data ${data.length}`)
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`
  if (shape.length > 0) dict += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length)
  const prefix = MAGIC.length + 2 + 2
  const hlen = dict.length + 1
  const padded = hlen + ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN)
  const out = new Uint8Array(prefix + padded + data.length * 4)
  out.set(MAGIC)
  out.set([1, 0], MAGIC.length)
  const view = new DataView(out.buffer)
  view.setUint16(MAGIC.length + 2, padded, true)
  out.fill(0x20, prefix, prefix + padded - 1)
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i)
  out[prefix + padded - 1] = 0x0a
  for (let i = 0, at = prefix + padded; i < data.length; i++, at += 4) view.setFloat32(at, data[i]!, true)
  return out
}

/** Reads a little-endian float32, C-order .npy (versions 1.0 to 3.0) as numpy.load would. */
export function decodeNpy(bytes: Uint8Array): { data: Float32Array; shape: number[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw invalid('not an .npy file: the magic string \\x93NUMPY is missing')
  }
  const major = bytes[6]!
  const wide = major >= 2
  const headerLength = wide ? view.getUint32(8, true) : view.getUint16(8, true)
  const start = wide ? 12 : 10
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLength))
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1]
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1]
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1]
  if (descr !== '<f4' || fortran !== 'False' || shapeText === undefined) {
    throw invalid(`only little-endian float32 C-order .npy files are supported: header ${header.trim()}`)
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number)
  const size = shape.reduce((a, b) => a * b, 1)
  const dataStart = start + headerLength
  if (bytes.length - dataStart < size * 4) {
    throw invalid(`the .npy file is truncated: shape (${shape.join(', ')}) needs ${size * 4} data bytes`)
  }
  const data = new Float32Array(size)
  for (let i = 0; i < size; i++) data[i] = view.getFloat32(dataStart + 4 * i, true)
  return { data, shape }
}

/** Writes `data` as an .npy file atomically (a reader sees the old file or the whole new one). */
export function writeNpy(path: string, data: Float32Array, shape: number[]): Promise<void> {
  return writeFileAtomic(path, encodeNpy(data, shape))
}
