import { describe, expect, it } from 'vitest'
import {
  invertMat4,
  multiplyMat4,
  resampleByIndexMap,
  resampleIsotropic,
  resampleToGrid,
  scaleTranslateMat4,
  transformPoint,
} from '../../../../main/imaging/preprocess'
import { voxelSize, voxelToWorld, type Mat4, type Vec3, type Volume } from '../../../../main/imaging/volume'
import {
  countLabel,
  diagonalAffine,
  ellipsoidArea,
  ellipsoidLabels,
  ellipsoidVolume,
  weightedCentroid,
  worldFunction,
  type Shell,
} from './phantom'

// An LPS-like affine: i to -x (2 mm), j to +z (3 mm), k to -y (1.5 mm).
const PERMUTED: Mat4 = [-2, 0, 0, 50, 0, 0, -1.5, 30, 0, 3, 0, -20, 0, 0, 0, 1]
const ramp = (w: Vec3): number => 3 * w[0] - 2 * w[1] + 0.5 * w[2] + 7

/** Calls fn(i, j, k, offset) for every voxel of a volume. */
function forEachVoxel(v: Volume, fn: (i: number, j: number, k: number, o: number) => void): void {
  let o = 0
  for (let k = 0; k < v.dims[2]; k++) for (let j = 0; j < v.dims[1]; j++) for (let i = 0; i < v.dims[0]; i++, o++) fn(i, j, k, o)
}

const unit = (m: Mat4, c: number): Vec3 => {
  const n = Math.hypot(m[c]!, m[4 + c]!, m[8 + c]!)
  return [m[c]! / n, m[4 + c]! / n, m[8 + c]! / n]
}

describe('resampleIsotropic', () => {
  it('reproduces a world-coordinate ramp exactly at the new voxel centres (trilinear)', () => {
    const source = worldFunction([20, 12, 16], PERMUTED, ramp)
    const out = resampleIsotropic(source, 1, { interpolation: 'trilinear' })
    expect(out.dims).toEqual([40, 36, 24])
    expect(out.data).toBeInstanceOf(Float32Array)
    voxelSize(out.affine).forEach((s) => expect(s).toBeCloseTo(1, 12))
    for (let c = 0; c < 3; c++) unit(out.affine, c).forEach((v, r) => expect(v).toBeCloseTo(unit(PERMUTED, c)[r]!, 12))

    const toSource = invertMat4(PERMUTED)
    let interior = 0, worstInside = 0, worstEdge = 0
    forEachVoxel(out, (i, j, k, o) => {
      const w = voxelToWorld(out.affine, i, j, k)
      const p = transformPoint(toSource, w)
      if (p.every((x, a) => x >= 0 && x <= source.dims[a]! - 1)) {
        interior++
        worstInside = Math.max(worstInside, Math.abs(out.data[o]! - ramp(w)))
      } else {
        // The outer half voxel of the field of view takes the edge voxel's value.
        const edge = p.map((x, a) => Math.min(Math.max(x, 0), source.dims[a]! - 1)) as Vec3
        worstEdge = Math.max(worstEdge, Math.abs(out.data[o]! - ramp(transformPoint(PERMUTED, edge))))
      }
    })
    expect(interior).toBeGreaterThan(out.data.length / 2)
    expect(worstInside).toBeLessThan(1e-3) // float32 storage of values up to ~250
    expect(worstEdge).toBeLessThan(1e-3)
  })

  it('turns 1 x 1 x 3 mm voxels into 1 mm ones with the field-of-view edges in place', () => {
    const source = worldFunction([40, 30, 10], diagonalAffine([1, 1, 3], [-20, -15, -15]), ramp)
    const out = resampleIsotropic(source, 1, { interpolation: 'trilinear' })
    expect(out.dims).toEqual([40, 30, 30])
    // The old grid's lower z edge is -15 - 1.5 = -16.5, so the first new centre is at -16.
    const expected = diagonalAffine([1, 1, 1], [-20, -15, -16])
    out.affine.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12))
  })

  it('keeps the field-of-view centre when n * old / new is not whole', () => {
    const affine = diagonalAffine([1.5, 1.5, 1.5], [10, 20, 30])
    const out = resampleIsotropic(worldFunction([7, 7, 7], affine, ramp), 2, { interpolation: 'nearest' })
    expect(out.dims).toEqual([5, 5, 5]) // round(7 * 1.5 / 2) = round(5.25)
    voxelToWorld(out.affine, 2, 2, 2).forEach((v, a) => expect(v).toBeCloseTo(voxelToWorld(affine, 3, 3, 3)[a]!, 12))
  })

  it('keeps a marker voxel at its world position (nearest and trilinear)', () => {
    const source = worldFunction([20, 12, 16], PERMUTED, () => 0)
    source.data[5 + 20 * (7 + 12 * 3)] = 100
    const marker = voxelToWorld(PERMUTED, 5, 7, 3)
    for (const interpolation of ['nearest', 'trilinear'] as const) {
      const out = resampleIsotropic(source, 0.5, { interpolation })
      expect(out.dims).toEqual([80, 72, 48])
      weightedCentroid(out).forEach((v, a) => expect(v).toBeCloseTo(marker[a]!, 9))
    }
  })

  it('keeps the label set, the integer type and each label volume within one voxel layer (nearest)', () => {
    const centre: Vec3 = [2, -3, 1]
    const shells: Shell[] = [
      { label: 1, radii: [30, 35, 40] },
      { label: 2, radii: [20, 25, 28] },
      { label: 3, radii: [10, 12, 15] },
    ]
    const cases = [
      { size: [1, 1, 2.5] as Vec3, dims: [80, 90, 40] as Vec3, mm: 1 },
      { size: [1, 1, 1] as Vec3, dims: [80, 90, 100] as Vec3, mm: 2 },
    ]
    for (const { size, dims, mm } of cases) {
      const origin = dims.map((n, a) => -((n - 1) / 2) * size[a]!) as Vec3
      const source = ellipsoidLabels(dims, diagonalAffine(size, origin), centre, shells)
      const out = resampleIsotropic(source, mm, { interpolation: 'nearest' })
      expect(out.data).toBeInstanceOf(Uint8Array)
      expect(out.datatype).toBe('uint8')
      expect(new Set(out.data)).toEqual(new Set([0, 1, 2, 3]))
      const layer = Math.max(...size, mm)
      shells.forEach((shell, s) => {
        const inner = shells[s + 1]
        const analytic = ellipsoidVolume(shell.radii) - (inner ? ellipsoidVolume(inner.radii) : 0)
        const surface = ellipsoidArea(shell.radii) + (inner ? ellipsoidArea(inner.radii) : 0)
        const measured = countLabel(out, shell.label) * mm ** 3
        expect(Math.abs(measured - analytic)).toBeLessThan(surface * layer)
      })
    }
  })
})

describe('resampleToGrid', () => {
  it('is the identity on the source grid', () => {
    const source = worldFunction([9, 8, 7], PERMUTED, ramp)
    const same = resampleToGrid(source, source.dims, source.affine, 'trilinear')
    same.data.forEach((v, i) => expect(v).toBeCloseTo(source.data[i]!, 3))
    expect(resampleToGrid(source, source.dims, source.affine, 'nearest').data).toEqual(source.data)
  })

  it('permutes and flips a label map exactly when the target grid is the same space with other axes', () => {
    const [nx, ny, nz] = [6, 5, 4]
    const source = ellipsoidLabels([nx, ny, nz], PERMUTED, [0, 0, 0], [])
    source.data.forEach((_, i) => (source.data[i] = i % 251))
    // Target (a, b, c) is source (nx - 1 - a, c, b).
    const swap: Mat4 = [-1, 0, 0, nx - 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1]
    const out = resampleToGrid(source, [nx, nz, ny], multiplyMat4(PERMUTED, swap), 'nearest')
    forEachVoxel(out, (a, b, c, o) => expect(out.data[o]).toBe(source.data[nx - 1 - a + nx * (c + ny * b)]))
  })

  it('gives the same values on the axis-aligned path as on the general one', () => {
    // The same scale-and-shift map, once as is and once with the target's j and k swapped.
    const source = worldFunction([11, 9, 7], PERMUTED, (w) => Math.sin(w[0] / 5) + Math.cos(w[1] / 7) * w[2])
    const dims: Vec3 = [25, 20, 16]
    const aligned: Mat4 = [0.45, 0, 0, -0.4, 0, 0.47, 0, -0.3, 0, 0, 0.5, -0.45, 0, 0, 0, 1]
    const swapped: Mat4 = [0.45, 0, 0, -0.4, 0, 0, 0.47, -0.3, 0, 0.5, 0, -0.45, 0, 0, 0, 1]
    for (const interpolation of ['trilinear', 'nearest'] as const) {
      const a = resampleByIndexMap(source, dims, PERMUTED, aligned, interpolation)
      const b = resampleByIndexMap(source, [25, 16, 20], PERMUTED, swapped, interpolation)
      let differ = 0
      forEachVoxel(a, (i, j, k, o) => {
        if (a.data[o] !== b.data[i + 25 * (k + 16 * j)]) differ++
      })
      expect(differ).toBe(0)
    }
  })

  it('samples a ramp on an oblique grid exactly inside the field of view and gives 0 outside it', () => {
    const source = worldFunction([20, 12, 16], PERMUTED, ramp)
    const t = Math.PI / 6
    const c = Math.cos(t) * 1.25, s = Math.sin(t) * 1.25
    // Rotated 30 degrees about z, 1.25 mm voxels, reaching past the source's field of view.
    const target: Mat4 = [c, -s, 0, 15, s, c, 0, -5, 0, 0, 1.25, -15, 0, 0, 0, 1]
    const out = resampleToGrid(source, [30, 30, 20], target, 'trilinear')
    const toSource = invertMat4(PERMUTED)
    let inside = 0, outside = 0, worst = 0, nonZeroOutside = 0
    forEachVoxel(out, (i, j, k, o) => {
      const w = voxelToWorld(target, i, j, k)
      const p = transformPoint(toSource, w)
      if (p.every((x, a) => x >= 0 && x <= source.dims[a]! - 1)) {
        inside++
        worst = Math.max(worst, Math.abs(out.data[o]! - ramp(w)))
      } else if (p.some((x, a) => x < -0.5 - 1e-3 || x > source.dims[a]! - 0.5 + 1e-3)) {
        outside++
        if (out.data[o] !== 0) nonZeroOutside++
      }
    })
    expect(inside).toBeGreaterThan(100)
    expect(outside).toBeGreaterThan(100)
    expect(worst).toBeLessThan(1e-3)
    expect(nonZeroOutside).toBe(0)
  })

  it('refuses RGB volumes and impossible grids', () => {
    const rgb: Volume = { dims: [2, 2, 2], affine: PERMUTED, data: new Uint8Array(24), components: 3, datatype: 'rgb24' }
    expect(() => resampleToGrid(rgb, [2, 2, 2], PERMUTED, 'nearest')).toThrow(/single-component/)
    const grey = worldFunction([2, 2, 2], PERMUTED, ramp)
    expect(() => resampleToGrid(grey, [0, 2, 2], PERMUTED, 'nearest')).toThrow(/dimensions/)
    expect(() => resampleIsotropic(grey, 0, { interpolation: 'nearest' })).toThrow(/voxel size/)
    expect(scaleTranslateMat4([1, 1, 1], [0, 0, 0])).toEqual(diagonalAffine([1, 1, 1]))
  })
})
