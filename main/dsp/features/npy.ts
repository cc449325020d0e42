import { writeFileAtomic } from '../../core/atomic-file'
import { PerceptError } from '../../core/errors'
import { invalid } from './params'

const MAGIC = [0x93, ...Array.from('NUMPY', (c) => c.charCodeAt(0))]
/** numpy.lib.format: headers padded so the data starts on a 64-byte boundary. */
const ARRAY_ALIGN = 64
/** numpy.lib.format leaves room for the first axis to grow to this many digits. */
const GROWTH_AXIS_MAX_DIGITS = 21

const shapeRepr = (shape: readonly number[]): string => (shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`)

/**
 * An .npy file (format version 1.0) holding `data` as little-endian float32 (float64 for a
 * Float64Array) in C order, header byte for byte as numpy.save writes it: sorted dict keys, growth
 * spaces, padding to 64 bytes.
 */
export function encodeNpy(data: Float32Array | Float64Array, shape: readonly number[]): Uint8Array {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw invalid(`npy shape must be non-negative integers: got [${shape.join(', ')}]`)
  }
  const size = shape.reduce((a, b) => a * b, 1)
  if (size !== data.length) throw invalid(`npy shape [${shape.join(', ')}] holds ${size} values, the data ${data.length}`)
  const item = data instanceof Float64Array ? 8 : 4
  let dict = `{'descr': '<f${item}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`
  if (shape.length > 0) dict += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length)
  const prefix = MAGIC.length + 2 + 2
  const hlen = dict.length + 1
  const padded = hlen + ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN)
  const out = new Uint8Array(prefix + padded + data.length * item)
  out.set(MAGIC)
  out.set([1, 0], MAGIC.length)
  const view = new DataView(out.buffer)
  view.setUint16(MAGIC.length + 2, padded, true)
  out.fill(0x20, prefix, prefix + padded - 1)
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i)
  out[prefix + padded - 1] = 0x0a
  if (item === 8) for (let i = 0, at = prefix + padded; i < data.length; i++, at += 8) view.setFloat64(at, data[i]!, true)
  else for (let i = 0, at = prefix + padded; i < data.length; i++, at += 4) view.setFloat32(at, data[i]!, true)
  return out
}

/** A damaged or unsupported .npy file: INVALID_FILE, saying what is wrong with it. */
function invalidNpy(message: string): PerceptError {
  return new PerceptError('INVALID_FILE', message)
}

const again = 'Copy it again or save it again with numpy.save.'

const byteOrders: Record<string, string> = { '<': 'little-endian ', '>': 'big-endian ', '|': '', '=': 'native-order ' }
const kinds: Record<string, string> = { f: 'float', i: 'int', u: 'uint', c: 'complex', b: 'bool' }

/** What a dtype string stores, in words ("big-endian float64 values"), without quoting the header when it is no dtype. */
function dtypeName(descr: string): string {
  const match = /^([<>|=])([fiucb])(\d{1,2})$/.exec(descr)
  if (!match) return 'values of an unknown data type'
  const [, order, kind, size] = match
  return `${byteOrders[order!]}${kinds[kind!]}${kind === 'b' ? '' : Number(size) * 8} values`
}

/** The parsed header of an .npy file: dtype string, order, shape, element count and where the data starts. */
interface NpyHeader {
  descr: string
  fortran: boolean
  shape: number[]
  size: number
  dataStart: number
}

function readNpyHeader(bytes: Uint8Array): NpyHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw invalidNpy('This is not an .npy file: the magic string \\x93NUMPY is missing. Choose a file numpy.save wrote.')
  }
  const major = bytes[6]!
  if (major < 1 || major > 3) {
    throw invalidNpy(`The .npy file declares format version ${major}.${bytes[7]}, not 1.0 to 3.0 as numpy writes: it is damaged. ${again}`)
  }
  // Version 1 has a 2-byte header length, 2 and 3 a 4-byte one.
  const wide = major >= 2
  const start = wide ? 12 : 10
  if (bytes.length < start) throw invalidNpy(`The .npy file is truncated: it ends inside its header length. ${again}`)
  const headerLength = wide ? view.getUint32(8, true) : view.getUint16(8, true)
  const dataStart = start + headerLength
  if (dataStart > bytes.length) {
    throw invalidNpy(
      `The .npy file is truncated: its header declares ${headerLength} bytes but the file ends after ${bytes.length - start}. ${again}`,
    )
  }
  const header = new TextDecoder(major >= 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, dataStart))
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1]
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1]
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1]
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw invalidNpy(`The .npy header is damaged: it lacks the descr, fortran_order or shape entry. ${again}`)
  }
  // A tuple of non-negative integers, with numpy's trailing comma for one axis ("(5,)"); Python 2 wrote "5L".
  const parts = shapeText.split(',').map((s) => s.trim())
  if (parts.length > 1 && parts.at(-1) === '') parts.pop()
  if (parts.length === 1 && parts[0] === '') parts.pop()
  if (parts.some((s) => !/^\d{1,16}L?$/.test(s))) {
    throw invalidNpy(`The .npy header is damaged: its shape is not a tuple of whole, non-negative numbers. ${again}`)
  }
  const shape = parts.map((s) => Number.parseInt(s, 10))
  // An empty axis makes the array empty whatever the others declare (and keeps 0 * Infinity out of the product).
  const size = shape.includes(0) ? 0 : shape.reduce((a, b) => a * b, 1)
  return { descr, fortran: fortran === 'True', shape, size, dataStart }
}

function checkNpyLength(bytes: Uint8Array, { shape, size, dataStart }: NpyHeader, itemBytes: number): void {
  const held = bytes.length - dataStart
  if (size * itemBytes > held) {
    const needs = Number.isSafeInteger(size * itemBytes) ? `${size * itemBytes} bytes of data` : 'more data than any file holds'
    const shown = shape.length <= 8 ? `(${shape.join(', ')})` : `of ${shape.length} axes`
    throw invalidNpy(`The .npy file is truncated: its shape ${shown} needs ${needs}, but ${held} bytes follow its header. ${again}`)
  }
}

/** Reads a little-endian float32, C-order .npy (versions 1.0 to 3.0) as numpy.load would; INVALID_FILE otherwise. */
export function decodeNpy(bytes: Uint8Array): { data: Float32Array; shape: number[] } {
  const header = readNpyHeader(bytes)
  const { descr, fortran, size, dataStart } = header
  if (descr !== '<f4' || fortran) {
    const what = descr !== '<f4' ? `holds ${dtypeName(descr)}` : 'is in Fortran (column-major) order'
    throw invalidNpy(
      `The .npy file ${what}; only little-endian float32 C-order .npy files are supported. ` +
        "Save np.ascontiguousarray(x, dtype='<f4') instead.",
    )
  }
  checkNpyLength(bytes, header, 4)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const data = new Float32Array(size)
  for (let i = 0; i < size; i++) data[i] = view.getFloat32(dataStart + 4 * i, true)
  return { data, shape: header.shape }
}

/**
 * Reads a little-endian float64 or float32, C-order .npy as float64 (numpy's default dtype, so what
 * np.save(path, array) of an ordinary array writes); INVALID_FILE otherwise.
 */
export function decodeNpyFloat64(bytes: Uint8Array): { data: Float64Array; shape: number[] } {
  const header = readNpyHeader(bytes)
  const { descr, fortran, size, dataStart } = header
  if ((descr !== '<f8' && descr !== '<f4') || fortran) {
    const what = descr !== '<f8' && descr !== '<f4' ? `holds ${dtypeName(descr)}` : 'is in Fortran (column-major) order'
    throw invalidNpy(
      `The .npy file ${what}; only little-endian float64 or float32 C-order .npy files are supported. ` +
        "Save np.ascontiguousarray(x, dtype='<f8') instead.",
    )
  }
  const item = descr === '<f8' ? 8 : 4
  checkNpyLength(bytes, header, item)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const data = new Float64Array(size)
  for (let i = 0; i < size; i++) data[i] = item === 8 ? view.getFloat64(dataStart + 8 * i, true) : view.getFloat32(dataStart + 4 * i, true)
  return { data, shape: header.shape }
}

/** Writes `data` as an .npy file atomically (a reader sees the old file or the whole new one). */
export function writeNpy(path: string, data: Float32Array | Float64Array, shape: readonly number[]): Promise<void> {
  return writeFileAtomic(path, encodeNpy(data, shape))
}
