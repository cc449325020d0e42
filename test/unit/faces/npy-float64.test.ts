import { describe, expect, it } from 'vitest'
import { decodeNpyFloat64, encodeNpy } from '../../../main/dsp/features/npy'

// Files written by numpy.save (python3, numpy 2.4), base64 of the bytes.
const f8 =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAADAmpmZmZmZuT8AAAAAAAAIQAAAAAAAABFAWfP4wh9upQE='
const i8 =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAAAAAAIAAAAAAAAAAwAAAAAAAAAEAAAAAAAAAA=='
const fortran =
  'k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADwPwAAAAAAAAhAAAAAAAAAAEAAAAAAAAAQQA=='
const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'))

describe('decodeNpyFloat64 (the dictionaries and signals of `percept faces`)', () => {
  it('reads numpy float64 exactly: np.array([[1.5, -2.0, 0.1], [3.0, 4.25, 1e-300]])', () => {
    const { data, shape } = decodeNpyFloat64(bytes(f8))
    expect(shape).toEqual([2, 3])
    expect(Array.from(data)).toEqual([1.5, -2.0, 0.1, 3.0, 4.25, 1e-300])
  })

  it('reads float32 files too, widened', () => {
    const { data, shape } = decodeNpyFloat64(encodeNpy(Float32Array.of(0.5, -0.25), [2]))
    expect(shape).toEqual([2])
    expect(Array.from(data)).toEqual([0.5, -0.25])
  })

  it('refuses integer and Fortran-order files, saying how to save them', () => {
    expect(() => decodeNpyFloat64(bytes(i8))).toThrow(/holds little-endian int64 values; only little-endian float64 or float32 C-order/)
    expect(() => decodeNpyFloat64(bytes(fortran))).toThrow(/Fortran \(column-major\) order/)
    expect(() => decodeNpyFloat64(bytes(f8).subarray(0, 140))).toThrow(/truncated/)
  })
})
