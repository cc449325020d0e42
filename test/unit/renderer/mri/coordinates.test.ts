import { describe, expect, it } from 'vitest'
import { applyAffine, columnLengths, invertAffine, multiplyAffine } from '../../../../renderer/src/workspaces/mri/lib/affine'
import {
  clampIndex,
  displayToNative,
  displayToWorld,
  insideGrid,
  nativeDims,
  nativeToDisplay,
  worldToDisplay,
  type ToNative,
} from '../../../../renderer/src/workspaces/mri/lib/grid'

/** A rotation of `degrees` about an axis through the origin (Rodrigues), as a row-major 3x3. */
function rotation(axis: [number, number, number], degrees: number): number[] {
  const length = Math.hypot(...axis)
  const [x, y, z] = axis.map((v) => v / length) as [number, number, number]
  const t = (degrees * Math.PI) / 180
  const c = Math.cos(t)
  const s = Math.sin(t)
  const k = 1 - c
  return [c + x * x * k, x * y * k - z * s, x * z * k + y * s, y * x * k + z * s, c + y * y * k, y * z * k - x * s, z * x * k - y * s, z * y * k + x * s, c + z * z * k]
}

/** An oblique affine: rotation * diag(voxel sizes), then a translation. */
function obliqueAffine(sizes: [number, number, number], origin: [number, number, number]): number[] {
  const r = rotation([0.3, -0.5, 0.8], 23)
  const a: number[] = []
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) a.push(r[row * 3 + col]! * sizes[col]!)
    a.push(origin[row]!)
  }
  return [...a, 0, 0, 0, 1]
}

describe('affines', () => {
  const affine = obliqueAffine([0.9, 1.2, 3], [-90.5, 126.25, -72])

  it('the column lengths are the voxel sizes, whatever the rotation', () => {
    const [a, b, c] = columnLengths(affine)
    expect(a).toBeCloseTo(0.9, 12)
    expect(b).toBeCloseTo(1.2, 12)
    expect(c).toBeCloseTo(3, 12)
  })

  it('index -> world -> index round-trips through the inverse', () => {
    for (const index of [[0, 0, 0], [12.5, 200, 3], [-4, 7.25, 99]]) {
      const world = displayToWorld({ affine }, index)
      const back = worldToDisplay({ affine }, world)
      back.forEach((value, axis) => expect(value).toBeCloseTo(index[axis]!, 9))
    }
    const identity = multiplyAffine(invertAffine(affine), affine)
    identity.forEach((value, i) => expect(value).toBeCloseTo([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1][i]!, 12))
  })

  it('the origin is where index (0, 0, 0) lands, and one step along i moves by the first column', () => {
    expect(applyAffine(affine, 0, 0, 0)).toEqual([-90.5, 126.25, -72])
    const step = applyAffine(affine, 1, 0, 0).map((v, axis) => v - [-90.5, 126.25, -72][axis]!)
    expect(Math.hypot(...step)).toBeCloseTo(0.9, 12)
  })

  it('refuses a singular affine', () => {
    expect(() => invertAffine([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toThrow(/singular/)
  })
})

describe('display <-> native <-> world', () => {
  // A native LPS-like file stored as (j, k, i) -> the core permutes and flips to RAS+. Native axis a is
  // display axis axes[a], flipped where flip[a] (main/api/mri.ts).
  const toNative: ToNative = { axes: [1, 2, 0], flip: [true, false, true] }
  const displayDims = [40, 50, 30] as const
  const native = nativeDims(toNative, displayDims)
  const nativeAffine = obliqueAffine([1.1, 0.8, 2.5], [12, -30, 45])

  /** The display affine the core must send: native affine composed with display -> native index. */
  function displayAffine(): number[] {
    const p = new Array<number>(16).fill(0)
    for (let a = 0; a < 3; a++) {
      const axis = toNative.axes[a]!
      if (toNative.flip[a]) {
        p[a * 4 + axis] = -1
        p[a * 4 + 3] = displayDims[axis]! - 1
      } else {
        p[a * 4 + axis] = 1
      }
    }
    p[15] = 1
    return multiplyAffine(nativeAffine, p)
  }

  it('native dims follow the permutation', () => {
    expect(native).toEqual([50, 30, 40])
  })

  it('a display index and its native index are the same point in the world', () => {
    const affine = displayAffine()
    for (const index of [[0, 0, 0], [39, 49, 29], [7, 31, 12]]) {
      const n = displayToNative(toNative, displayDims, index)
      const viaDisplay = applyAffine(affine, index[0]!, index[1]!, index[2]!)
      const viaNative = applyAffine(nativeAffine, n[0], n[1], n[2])
      viaDisplay.forEach((value, axis) => expect(value).toBeCloseTo(viaNative[axis]!, 9))
      expect(nativeToDisplay(toNative, displayDims, n)).toEqual(index)
    }
    // Corners map to corners: display (0, 0, 0) is native (49, 0, 39).
    expect(displayToNative(toNative, displayDims, [0, 0, 0])).toEqual([49, 0, 39])
  })

  it('world -> display index -> world round-trips on the oblique grid', () => {
    const grid = { affine: displayAffine() }
    const world: [number, number, number] = [3.25, -17.5, 60.125]
    const index = worldToDisplay(grid, world)
    displayToWorld(grid, index).forEach((value, axis) => expect(value).toBeCloseTo(world[axis]!, 9))
  })

  it('inside tests and clamping use the voxels\' half-voxel reach', () => {
    expect(insideGrid(displayDims, [-0.5, 0, 0])).toBe(true)
    expect(insideGrid(displayDims, [-0.51, 0, 0])).toBe(false)
    expect(insideGrid(displayDims, [39.49, 49, 29])).toBe(true)
    expect(insideGrid(displayDims, [39.5, 49, 29])).toBe(false)
    expect(insideGrid(displayDims, [Number.NaN, 0, 0])).toBe(false)
    expect(clampIndex(displayDims, [-3, 24.6, 100])).toEqual([0, 25, 29])
  })
})
