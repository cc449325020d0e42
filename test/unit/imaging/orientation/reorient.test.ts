import { describe, expect, it } from 'vitest'
import { orientationCode, parseOrientationCode } from '../../../../main/imaging/orientation'
import { displayToNative, invertMapping, nativeToDisplay, permuteAxes, reorient, reorientToRas } from '../../../../main/imaging/reorient'
import { voxelIndex, voxelToWorld, type Mat4, type Vec3, type Volume, type VoxelArray } from '../../../../main/imaging/volume'

/** Every orientation code: 6 axis orders x 8 sign choices. */
function allCodes(): string[] {
  const letters = [
    ['R', 'L'],
    ['A', 'P'],
    ['S', 'I'],
  ]
  const orders = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ]
  const codes: string[] = []
  for (const order of orders) {
    for (let signs = 0; signs < 8; signs++) codes.push(order.map((w, a) => letters[w]![(signs >> a) & 1]).join(''))
  }
  return codes
}

/** A 3 x 4 x 5 grid in orientation `code`, voxel sizes 1.5, 2, 3 mm, offset (10, -20, 30), data = index. */
function gridVolume(code: string): Volume {
  const directions = parseOrientationCode(code)!
  const sizes: Vec3 = [1.5, 2, 3]
  const affine: Mat4 = [0, 0, 0, 10, 0, 0, 0, -20, 0, 0, 0, 30, 0, 0, 0, 1]
  directions.forEach((d, a) => {
    affine[4 * d.world + a] = d.sign * sizes[a]!
  })
  const dims: Vec3 = [3, 4, 5]
  const data = new Int16Array(60).map((_, n) => n)
  return { dims, affine, data, components: 1, datatype: 'int16' }
}

function expectClose(a: readonly number[], b: readonly number[], tolerance = 1e-9): void {
  expect(a.length).toBe(b.length)
  a.forEach((v, n) => expect(Math.abs(v - b[n]!)).toBeLessThanOrEqual(tolerance))
}

describe('reorient', () => {
  it('takes every one of the 48 orientations to RAS with every voxel at its world position', () => {
    const codes = allCodes()
    expect(new Set(codes).size).toBe(48)
    for (const code of codes) {
      const native = gridVolume(code)
      expect(orientationCode(native.affine)).toBe(code)
      const { volume, axes, flip } = reorientToRas(native)
      expect(orientationCode(volume.affine)).toBe('RAS')
      for (let z = 0; z < volume.dims[2]; z++) {
        for (let y = 0; y < volume.dims[1]; y++) {
          for (let x = 0; x < volume.dims[0]; x++) {
            const n = displayToNative(native.dims, { axes, flip }, [x, y, z])
            expect(volume.data[voxelIndex(volume.dims, x, y, z)]).toBe(native.data[voxelIndex(native.dims, ...n)])
            expectClose(voxelToWorld(volume.affine, x, y, z), voxelToWorld(native.affine, ...n))
            expect(nativeToDisplay(native.dims, { axes, flip }, n)).toEqual([x, y, z])
          }
        }
      }
      // The RAS grid has positive voxel sizes on the diagonal.
      expect([volume.affine[0], volume.affine[5], volume.affine[10]].every((v) => v > 0)).toBe(true)
    }
  })

  it('reports which native axis each display axis came from and whether it is flipped', () => {
    expect(reorientToRas(gridVolume('LPS'))).toMatchObject({ axes: [0, 1, 2], flip: [true, true, false] })
    // PSR: i runs Posterior, j Superior, k Right. Display x (R) is native k, y (A) is native i reversed, z (S) native j.
    const psr = reorientToRas(gridVolume('PSR'))
    expect(psr).toMatchObject({ axes: [2, 0, 1], flip: [false, true, false] })
    expect(psr.volume.dims).toEqual([5, 3, 4])
  })

  it('goes back exactly to the native grid', () => {
    for (const code of ['LPS', 'PSR', 'AIL', 'SLA']) {
      const native = gridVolume(code)
      const back = reorient(reorientToRas(native).volume, code).volume
      expect(back.dims).toEqual(native.dims)
      expect(Array.from(back.data)).toEqual(Array.from(native.data))
      expectClose(back.affine, native.affine)
    }
  })

  it('goes back exactly by the inverted mapping, even for a grid turned 45°', () => {
    const c = Math.SQRT1_2
    // i and j both at 45° between x and y: the orientation code alone cannot say which is which.
    const turned: Volume = { ...gridVolume('RAS'), affine: [-c, c, 0, 0, -c, -c, 0, 0, 0, 0, -2, 0, 0, 0, 0, 1] }
    for (const native of [turned, gridVolume('PSR'), gridVolume('ILA')]) {
      const display = reorientToRas(native)
      const back = permuteAxes(display.volume, invertMapping(display)).volume
      expect(back.dims).toEqual(native.dims)
      expect(Array.from(back.data)).toEqual(Array.from(native.data))
      expectClose(back.affine, native.affine)
    }
    expect(invertMapping({ axes: [2, 0, 1], flip: [false, true, false] })).toEqual({ axes: [1, 2, 0], flip: [true, false, false] })
  })

  it('returns a volume already in the target orientation as it is', () => {
    const native = gridVolume('RAS')
    const result = reorientToRas(native)
    expect(result.volume).toBe(native)
    expect(result).toMatchObject({ axes: [0, 1, 2], flip: [false, false, false] })
  })

  it('moves the three bytes of an RGB voxel together', () => {
    const base = gridVolume('LAS')
    const data = new Uint8Array(180).map((_, n) => n % 251)
    const rgb: Volume = { ...base, data, components: 3, datatype: 'rgb24' }
    const { volume, axes, flip } = reorientToRas(rgb)
    expect(volume.data).toBeInstanceOf(Uint8Array)
    for (const v of [
      [0, 0, 0],
      [2, 3, 4],
      [1, 2, 3],
    ] as Vec3[]) {
      const n = voxelIndex(rgb.dims, ...displayToNative(rgb.dims, { axes, flip }, v))
      const d = voxelIndex(volume.dims, ...v)
      expect(Array.from(volume.data.subarray(3 * d, 3 * d + 3))).toEqual(Array.from(data.subarray(3 * n, 3 * n + 3)))
    }
  })

  it('copies every voxel type bit for bit', () => {
    const base = gridVolume('PSR')
    const arrays: VoxelArray[] = [
      Uint8Array.from(base.data, (v) => v + 100),
      Int8Array.from(base.data, (v) => v - 30),
      Uint16Array.from(base.data, (v) => v * 1000),
      Int32Array.from(base.data, (v) => v * -70000),
      Float32Array.from(base.data, (v) => (v === 7 ? NaN : v === 8 ? -0 : v / 3)),
      Float64Array.from(base.data, (v) => (v === 7 ? NaN : v === 8 ? -0 : Math.PI * v)),
    ]
    for (const data of arrays) {
      const { volume, axes, flip } = reorientToRas({ ...base, data })
      expect(volume.data.constructor).toBe(data.constructor)
      const bytes = data.BYTES_PER_ELEMENT
      const asBytes = (array: VoxelArray, n: number): number[] => Array.from(new Uint8Array(array.buffer, array.byteOffset + n * bytes, bytes))
      for (let n = 0; n < 60; n++) {
        const v: Vec3 = [n % 5, Math.floor(n / 5) % 3, Math.floor(n / 15)]
        expect(asBytes(volume.data, n)).toEqual(asBytes(data, voxelIndex(base.dims, ...displayToNative(base.dims, { axes, flip }, v))))
      }
    }
  })

  it('refuses a code that is not one', () => {
    expect(() => reorient(gridVolume('RAS'), 'RLS')).toThrow(RangeError)
  })
})
