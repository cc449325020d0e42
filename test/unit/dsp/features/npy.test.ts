import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, onTestFinished } from 'vitest'
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
})
