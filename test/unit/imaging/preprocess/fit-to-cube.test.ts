import { describe, expect, it } from 'vitest'
import { applyFit, fitToCube, inverseFit, planFit, type FitTransform } from '../../../../main/imaging/preprocess'
import { voxelSize, voxelToWorld, type Mat4, type Vec3, type Volume } from '../../../../main/imaging/volume'
import { countLabel, diagonalAffine, dice, ellipsoidLabels, mismatches, type Shell } from './phantom'

const SHELLS: Shell[] = [
  { label: 1, radii: [30, 36, 26] },
  { label: 2, radii: [18, 24, 16] },
  { label: 3, radii: [8, 10, 7] },
]

/** Labels on a grid of `dims` voxels of `size` mm centred on the world origin, ellipsoids about `centre`. */
function phantom(dims: Vec3, size: Vec3, centre: Vec3 = [4, -6, 3], affine?: Mat4): Volume {
  const origin = dims.map((n, a) => -((n - 1) / 2) * size[a]!) as Vec3
  return ellipsoidLabels(dims, affine ?? diagonalAffine(size, origin), centre, SHELLS)
}

/** A lone marker of label 9 in front of, right of and above the ellipsoids, to tell the axes apart. */
function withMarker(v: Volume, at: Vec3): Volume {
  v.data[at[0] + v.dims[0] * (at[1] + v.dims[1] * at[2])] = 9
  return v
}

describe('fitToCube and inverseFit', () => {
  it('restores a label map exactly when the cube only pads (scale 1)', () => {
    const source = withMarker(phantom([100, 120, 90], [1, 1, 1]), [80, 95, 70])
    const { volume, transform } = fitToCube(source, 128, { voxelMm: 1, interpolation: 'nearest' })
    expect(transform.scale).toEqual([1, 1, 1])
    expect(volume.dims).toEqual([128, 128, 128])
    expect(volume.data).toBeInstanceOf(Uint8Array)
    for (const label of [1, 2, 3, 9]) expect(countLabel(volume, label)).toBe(countLabel(source, label))
    const back = inverseFit(volume, transform, { interpolation: 'nearest' })
    expect(back.dims).toEqual(source.dims)
    expect(back.affine).toEqual(source.affine)
    expect(mismatches(back.data, source.data)).toBe(0)
  })

  it('restores it exactly when the cube crops only background, also after a trip through JSON', () => {
    // 160^3 grid, structures within a 73 x 89 x 65 box: a 96^3 cube at 1 mm drops only zeros.
    const source = withMarker(phantom([160, 160, 160], [1, 1, 1]), [100, 110, 95])
    const { volume, transform } = fitToCube(source, 96, { voxelMm: 1, interpolation: 'nearest' })
    expect(transform.bbox).not.toBeNull()
    const parsed = JSON.parse(JSON.stringify(transform)) as FitTransform
    expect(mismatches(inverseFit(volume, parsed).data, source.data)).toBe(0)
  })

  it('is a whole-grid pad at scale 1 when the longest axis already has n voxels (centred on the grid)', () => {
    const source = phantom([128, 100, 90], [1, 1, 1])
    const { volume, transform } = fitToCube(source, 128, { centreOn: 'grid', interpolation: 'nearest' })
    expect(transform.scale).toEqual([1, 1, 1])
    expect(transform.bbox).toBeNull()
    expect(transform.origin).toEqual([0, -14, -19]) // (128 - 100) / 2 and (128 - 90) / 2 voxels of padding
    expect(mismatches(inverseFit(volume, transform).data, source.data)).toBe(0)
  })

  it('maps a resized label map back with Dice above 0.95 for every label', () => {
    // 1 x 1 x 1.5 mm voxels, fitted into 64^3 (about 1.1 mm cube voxels).
    const source = phantom([110, 130, 80], [1, 1, 1.5])
    const { volume, transform } = fitToCube(source, 64, { interpolation: 'nearest' })
    expect(transform.scale[0]).toBeGreaterThan(1)
    const back = inverseFit(volume, transform)
    for (const label of [1, 2, 3]) expect(dice(back, source, label)).toBeGreaterThan(0.95)
  })

  it('builds an isotropic cube on the source axes around the bounding box, keeping the aspect', () => {
    const size: Vec3 = [1, 1, 1.5]
    const source = phantom([110, 130, 80], size)
    const transform = planFit(source, 64)
    // The outer ellipsoid spans 2 * 36 mm along y, the longest: its box sets the cube voxel size.
    const box = transform.bbox!
    const extent = [0, 1, 2].map((a) => (box.max[a]! - box.min[a]! + 1) * size[a]!)
    expect(transform.voxelMm).toBeCloseTo(Math.max(...extent) / 64, 12)
    expect(extent[1]).toBe(Math.max(...extent))
    voxelSize(transform.cubeAffine).forEach((s) => expect(s).toBeCloseTo(transform.voxelMm, 12))
    // Same axis directions: the cube affine is diagonal and positive like the source's.
    ;[1, 2, 4, 6, 8, 9].forEach((i) => expect(transform.cubeAffine[i]).toBe(0))
    // The cube's centre is the box's centre in world mm.
    const boxCentre = voxelToWorld(source.affine, ...([0, 1, 2].map((a) => (box.min[a]! + box.max[a]!) / 2) as Vec3))
    voxelToWorld(transform.cubeAffine, 31.5, 31.5, 31.5).forEach((v, a) => expect(v).toBeCloseTo(boxCentre[a]!, 9))
  })

  it('puts a marker of a flipped (LPS-like) grid at the same world position in the cube', () => {
    // i to -x, j to -y, k to +z, 1.2 mm: the source's own axes stay the cube's axes.
    const affine: Mat4 = [-1.2, 0, 0, 60, 0, -1.2, 0, 70, 0, 0, 1.2, -50, 0, 0, 0, 1]
    const source = withMarker(phantom([100, 110, 90], [1.2, 1.2, 1.2], [0, 0, 0], affine), [20, 15, 70])
    const marker = voxelToWorld(affine, 20, 15, 70)
    const { volume, transform } = fitToCube(source, 100, { interpolation: 'nearest', centreOn: 'grid' })
    const hit = volume.data.indexOf(9)
    expect(hit).toBeGreaterThanOrEqual(0)
    const i = hit % 100, j = Math.floor(hit / 100) % 100, k = Math.floor(hit / 10000)
    const world = voxelToWorld(transform.cubeAffine, i, j, k)
    const halfDiagonal = (Math.sqrt(3) / 2) * Math.max(transform.voxelMm, 1.2)
    expect(Math.hypot(world[0] - marker[0], world[1] - marker[1], world[2] - marker[2])).toBeLessThan(halfDiagonal)
    expect(transform.cubeAffine[0]).toBeLessThan(0) // still pointing left
  })

  it('applies a planned fit to a second volume on the same grid (an image and its labels)', () => {
    const labels = phantom([100, 120, 90], [1, 1, 1])
    const data = new Float32Array(labels.data.length)
    for (let i = 0; i < data.length; i++) data[i] = labels.data[i]! * 10
    const image: Volume = { ...labels, data, datatype: 'float32' }
    const transform = planFit(image, 64)
    const cubeImage = applyFit(image, transform)
    const cubeLabels = applyFit(labels, transform, { interpolation: 'nearest' })
    expect(cubeImage.data).toBeInstanceOf(Float32Array)
    // Where the label cube says 3 deep inside, the image cube reads 30.
    const centre = 32 + 64 * (32 + 64 * 32)
    expect(cubeLabels.data[centre]).toBe(3)
    expect(cubeImage.data[centre]).toBeCloseTo(30, 5)
  })

  it('falls back to the grid for an empty volume and refuses mismatched inputs', () => {
    const empty: Volume = { dims: [10, 12, 8], affine: diagonalAffine([1, 1, 1]), data: new Uint8Array(960), components: 1, datatype: 'uint8' }
    const transform = planFit(empty, 16)
    expect(transform.bbox).toBeNull()
    expect(transform.voxelMm).toBeCloseTo(12 / 16, 12)
    expect(() => inverseFit(empty, transform)).toThrow(/16\^3/)
    expect(() => applyFit({ ...empty, dims: [12, 10, 8] }, transform)).toThrow(/planned for 10 x 12 x 8/)
    const damaged = { ...transform, scale: [1, 0, 1] } as FitTransform
    const cube: Volume = { ...empty, dims: [16, 16, 16], data: new Uint8Array(16 ** 3) }
    expect(() => inverseFit(cube, damaged)).toThrow(/damaged/)
    expect(() => planFit(empty, 0)).toThrow(/whole number/)
  })
})
