import { decodeNpy, encodeNpy } from '../../../main/dsp/features'
import type { FuzzTarget } from '../target'

/*
 * The .npy reader (features written by `percept audio features`, read back by tests and tools). Seeds:
 * what encodeNpy writes (as numpy.save) for several shapes, a version 2.0 header; hostile headers with
 * huge, negative, fractional and non-numeric dimensions, other dtypes, Fortran order, length lies.
 */

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0))

/** A version 1.0 (`wide`: 2.0) file with `dict` as its header, padded to 64 bytes, then `data` bytes. */
function npy(dict: string, dataBytes: number, wide = false): Uint8Array {
  const prefix = wide ? 12 : 10
  const headerLength = Math.ceil((prefix + dict.length + 1) / 64) * 64 - prefix
  const out = new Uint8Array(prefix + headerLength + dataBytes)
  out.set(ascii('\x93NUMPY'))
  out[6] = wide ? 2 : 1
  const view = new DataView(out.buffer)
  if (wide) view.setUint32(8, headerLength, true)
  else view.setUint16(8, headerLength, true)
  out.fill(0x20, prefix, prefix + headerLength - 1)
  out.set(ascii(dict), prefix)
  out[prefix + headerLength - 1] = 0x0a
  for (let i = prefix + headerLength; i < out.length; i++) out[i] = (i * 37) & 0xff
  return out
}

const dict = (shape: string, descr = '<f4', fortran = 'False') => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`

const target: FuzzTarget = {
  async seeds() {
    const ramp = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 100)
    return [
      encodeNpy(ramp(2 * 3 * 4), [2, 3, 4]),
      encodeNpy(ramp(64), [64]),
      encodeNpy(ramp(1), []),
      encodeNpy(ramp(0), [0, 5]),
      npy(dict('(3, 4)'), 48, true),
      // Hostile shapes: huge, negative, fractional, not numbers, a product past 2^53, empty parts.
      npy(dict('(4294967296, 4294967296)'), 16),
      npy(dict('(-1,)'), 16),
      npy(dict('(-2, -2)'), 16),
      npy(dict('(2.5,)'), 16),
      npy(dict('(abc, 2)'), 16),
      npy(dict('(1e300,)'), 16),
      npy(dict('(,,,)'), 16),
      npy(dict(`(${Array(64).fill(2).join(', ')})`), 16),
      // Other dtypes and Fortran order.
      npy(dict('(4,)', '>f4'), 16),
      npy(dict('(2,)', '<f8'), 16),
      npy(dict('(4,)', '|u1'), 4),
      npy(dict('(4,)', '<f4', 'True'), 16),
      // Header length lies: past the end (version 1 and 2), and cut before the dictionary ends.
      Uint8Array.from(encodeNpy(ramp(4), [4]), (b, i) => (i === 8 || i === 9 ? 0xff : b)),
      Uint8Array.from(npy(dict('(4,)'), 16, true), (b, i) => (i >= 8 && i < 12 ? 0xff : b)),
      Uint8Array.from(encodeNpy(ramp(4), [4]), (b, i) => (i === 8 ? 20 : i === 9 ? 0 : b)),
      // Versions 3.0 (UTF-8 header) and 9.0; a version 2.0 file ending inside its length field.
      Uint8Array.from(npy(dict('(4,)'), 16, true), (b, i) => (i === 6 ? 3 : b)),
      Uint8Array.from(encodeNpy(ramp(4), [4]), (b, i) => (i === 6 ? 9 : b)),
      Uint8Array.from(ascii('\x93NUMPY\x02\x00\x40\x00')),
    ]
  },
  async check(bytes) {
    decodeNpy(bytes)
  },
}
export default target
