import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
import { PerceptError } from '../../../../main/core/errors'
import { decodeNpy, encodeNpy, writeNpy } from '../../../../main/dsp/features'
import { tempHome } from '../../../helpers/temp-home'

const ascii = (bytes: Uint8Array): string => String.fromCharCode(...bytes)

/** What numpy.save writes: magic, version 1.0, header length (LE uint16), dict, spaces, newline. */
function numpyHeader(dict: string, total: number): string {
  const len = total - 10
  return `\x93NUMPY\x01\x00${String.fromCharCode(len & 0xff, len >> 8)}${dict.padEnd(len - 1, ' ')}\n`
}

describe('npy (NumPy format 1.0, <f4, C order)', () => {
  it('writes the header byte for byte as numpy.save', () => {
    // numpy appends 21 - len(str(shape[0])) spaces of growth room, then pads to 64 bytes with the newline
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
    expect(ascii(encodeNpy(new Float32Array(6), [2, 3]).subarray(0, 128))).toBe(numpyHeader(dict, 128))
    expect(ascii(encodeNpy(new Float32Array(5), [5]).subarray(0, 128))).toBe(
      numpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }", 128),
    )
    expect(ascii(encodeNpy(new Float32Array(1), []).subarray(0, 128))).toBe(
      numpyHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 128),
    )
    // a long shape spills into a second 64-byte block: header length 182, data at 192 (as numpy)
    const long = [0, ...Array<number>(16).fill(2)]
    const bytes = encodeNpy(new Float32Array(0), long)
    expect(bytes.length).toBe(192)
    expect(ascii(bytes)).toBe(numpyHeader(`{'descr': '<f4', 'fortran_order': False, 'shape': (${long.join(', ')}), }`, 192))
  })

  it('writes little-endian float32 data after the header', () => {
    const data = Float32Array.of(1.5, -2, 0.25, 3e-8, Infinity, -0)
    const bytes = encodeNpy(data, [3, 2])
    // numpy.save(np.array([[1.5, -2], [0.25, 3e-8], [inf, -0.0]], np.float32)), bytes 128 onwards
    expect(Buffer.from(bytes.subarray(128)).toString('hex')).toBe('0000c03f000000c00000803e59d900330000807f00000080')
  })

  it('round-trips through a file written atomically', async () => {
    const temp = tempHome('percept-npy-')
    onTestFinished(() => temp.cleanup())
    const data = Float32Array.from({ length: 64 * 7 }, (_, i) => Math.sin(i) * 1e3)
    const path = join(temp.home, 'features', 'logmel.npy')
    await writeNpy(path, data, [64, 7])
    const back = decodeNpy(new Uint8Array(readFileSync(path)))
    expect(back.shape).toEqual([64, 7])
    expect(back.data).toEqual(data)
    expect(decodeNpy(encodeNpy(Float32Array.of(4), [1])).shape).toEqual([1])
  })

  it('refuses what it cannot hold or read', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/holds 6 values, the data 5/)
    const bytes = encodeNpy(new Float32Array(2), [2])
    bytes.set(Array.from("'<f8'", (c) => c.charCodeAt(0)), 19)
    expect(() => decodeNpy(bytes)).toThrow(/only little-endian float32/)
    expect(() => decodeNpy(new Uint8Array(16))).toThrow(/not an .npy file/)
  })

  // Found by fuzzing (test/fuzz/targets/npy.fuzz.ts): these threw RangeError or returned a nonsense shape.
  describe('refuses damaged headers with INVALID_FILE', () => {
    /** A version 1.0 file with `dict` as its header and 16 data bytes (four float32). */
    const withHeader = (dict: string) => {
      const total = 128
      return Uint8Array.from(numpyHeader(dict, total) + '\0'.repeat(16), (c) => c.charCodeAt(0))
    }
    const dict = (shape: string) => `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`
    const refusal = (bytes: Uint8Array): PerceptError => {
      try {
        decodeNpy(bytes)
      } catch (error) {
        expect(error).toBeInstanceOf(PerceptError)
        expect((error as PerceptError).code).toBe('INVALID_FILE')
        return error as PerceptError
      }
      throw new Error('decodeNpy accepted the file')
    }

    it('negative, fractional, non-numeric and empty dimensions', () => {
      // (-1,) made the size -1: new Float32Array(-1) threw RangeError; (-2, -2) "read" 4 values as shape [-2, -2]
      for (const shape of ['(-1,)', '(-2, -2)', '(2.5,)', '(abc, 2)', '(1e3,)', '(,,,)', '(, 4)']) {
        expect(refusal(withHeader(dict(shape))).message).toMatch(/shape is not a tuple of whole, non-negative numbers/)
      }
    })

    it('a shape needing more data than the file holds, however large', () => {
      expect(refusal(withHeader(dict('(5,)'))).message).toMatch(/shape \(5\) needs 20 bytes of data, but 16 bytes follow its header/)
      expect(refusal(withHeader(dict(`(${Array(9).fill(2).join(', ')})`))).message).toMatch(/shape of 9 axes needs 2048 bytes of data/)
      expect(refusal(withHeader(dict('(4294967296, 4294967296)'))).message).toMatch(/needs more data than any file holds/)
    })

    it('header lengths past the end and a file ending inside the length field', () => {
      const bytes = encodeNpy(Float32Array.of(1, 2), [2])
      bytes.set([0xff, 0xff], 8) // header length 65535 in a 136-byte file
      expect(refusal(bytes).message).toMatch(/header declares 65535 bytes but the file ends after 126/)
      // version 2.0 has a 4-byte length: 10 bytes ended inside it (the DataView read threw RangeError)
      expect(refusal(Uint8Array.from('\x93NUMPY\x02\x00\x40\x00', (c) => c.charCodeAt(0))).message).toMatch(
        /ends inside its header length/,
      )
    })

    it('versions numpy never wrote, other dtypes and Fortran order, named without quoting the header', () => {
      const bytes = encodeNpy(Float32Array.of(1), [1])
      bytes[6] = 9
      expect(refusal(bytes).message).toMatch(/format version 9\.0, not 1\.0 to 3\.0/)
      expect(refusal(withHeader(dict('(2,)').replace('<f4', '>f8'))).message).toMatch(/holds big-endian float64 values/)
      expect(refusal(withHeader(dict('(2,)').replace('<f4', "\x00junk"))).message).toMatch(/holds values of an unknown data type/)
      expect(refusal(withHeader(dict('(2,)').replace('False', 'True'))).message).toMatch(/Fortran \(column-major\) order/)
    })

    it('still reads what numpy writes: empty axes, Python 2 longs, version 2.0', () => {
      expect(decodeNpy(withHeader(dict('(4294967296, 0)')))).toEqual({ data: new Float32Array(0), shape: [4294967296, 0] })
      expect(decodeNpy(withHeader(dict('(2L, 2L)'))).shape).toEqual([2, 2])
      const v1 = encodeNpy(Float32Array.of(7, 8), [2])
      // the same header as version 2.0: 4-byte length, two more bytes of prefix, so two spaces fewer of padding
      const v2 = new Uint8Array(v1.length)
      v2.set(v1.subarray(0, 8))
      v2[6] = 2
      new DataView(v2.buffer).setUint32(8, 128 - 12, true)
      v2.set(v1.subarray(10, 10 + 116 - 1), 12)
      v2[127] = 0x0a
      v2.set(v1.subarray(128), 128)
      expect(decodeNpy(v2)).toEqual({ data: Float32Array.of(7, 8), shape: [2] })
    })
  })
})
