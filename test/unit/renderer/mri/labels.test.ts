import { describe, expect, it } from 'vitest'
import { labelLocation } from '../../../../renderer/src/workspaces/mri/lib/label-location'
import { LabelPalette, fallbackColor, hsvToRgb } from '../../../../renderer/src/workspaces/mri/lib/label-palette'
import { LabelSampler, sameGrid } from '../../../../renderer/src/workspaces/mri/lib/label-sampler'
import { planeLayout, planes } from '../../../../renderer/src/workspaces/mri/lib/planes'

const entries = [
  { label: 1, name: 'Precentral_L', color: [200, 10, 10] as [number, number, number] },
  { label: 2, name: 'Precentral_R', color: [10, 200, 10] as [number, number, number] },
  { label: 70000, name: 'Far label', color: [1, 2, 3] as [number, number, number] },
]

function rgba(palette: LabelPalette, label: number): number[] {
  const out = new Uint8Array(4)
  palette.writeRgba(label, out, 0)
  return [...out]
}

describe('the label palette', () => {
  it('gives each label its table colour, opaque; the background and hidden labels are transparent', () => {
    const palette = LabelPalette.from(entries, new Set([2]))
    expect(rgba(palette, 1)).toEqual([200, 10, 10, 255])
    expect(rgba(palette, 2)).toEqual([10, 200, 10, 0])
    expect(rgba(palette, 0)).toEqual([0, 0, 0, 0])
    expect(rgba(palette, 70000)).toEqual([1, 2, 3, 255])
    expect(palette.isVisible(1)).toBe(true)
    expect(palette.isVisible(2)).toBe(false)
    expect(palette.nameOf(1)).toBe('Precentral_L')
    expect(palette.nameOf(9)).toBe('Label 9')
    expect(palette.nameOf(0)).toBeNull()
  })

  it('colours a label the table does not name with a distinct, stable fallback', () => {
    const palette = LabelPalette.from(entries)
    const a = palette.colorOf(5)
    expect(a).toEqual(fallbackColor(5))
    expect(rgba(palette, 5)).toEqual([...a, 255])
    const colours = new Set(Array.from({ length: 50 }, (_, i) => fallbackColor(i + 3).join(',')))
    expect(colours.size).toBe(50)
  })

  it('converts HSV by the hexcone model', () => {
    expect(hsvToRgb(0, 1, 1)).toEqual([255, 0, 0])
    expect(hsvToRgb(120, 1, 1)).toEqual([0, 255, 0])
    expect(hsvToRgb(240, 1, 1)).toEqual([0, 0, 255])
    expect(hsvToRgb(60, 1, 1)).toEqual([255, 255, 0])
    expect(hsvToRgb(300, 0.5, 1)).toEqual([255, 128, 255])
    expect(hsvToRgb(77, 0, 0.5)).toEqual([128, 128, 128])
  })
})

describe('the label sampler', () => {
  // Labels on a 4 x 4 x 2 grid: voxel (x, y, z) holds 1 where x < 2, else 2, and 0 in the slice z = 1.
  const dims = [4, 4, 2] as const
  const voxels = new Int32Array(32)
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) voxels[x + 4 * y] = x < 2 ? 1 : 2
  const unit = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]

  it('on the same grid reads voxel for voxel and colours a slice in texel order', () => {
    const sampler = new LabelSampler({ dims, affine: unit }, { dims, affine: unit }, voxels)
    expect(sampler.sameGrid).toBe(true)
    expect(sampler.labelAt([1, 3, 0])).toBe(1)
    expect(sampler.labelAt([2, 0, 0])).toBe(2)
    expect(sampler.labelAt([2, 0, 1])).toBe(0)
    expect(sampler.labelAt([9, 0, 0])).toBe(0)
    const out = sampler.fillSlice(dims, planeLayout('axial', 'radiological'), 0, LabelPalette.from(entries), new Uint8Array(64))
    // Radiological: the first column is x = 3 (label 2), the last x = 0 (label 1).
    expect([...out.subarray(0, 4)]).toEqual([10, 200, 10, 255])
    expect([...out.subarray(12, 16)]).toEqual([200, 10, 10, 255])
  })

  it('on another grid reads through world mm, to the nearest label voxel', () => {
    // The image has 0.5 mm voxels over the same field (8 x 8 x 4), starting a quarter voxel earlier.
    const image = { dims: [8, 8, 4] as const, affine: [0.5, 0, 0, -0.25, 0, 0.5, 0, -0.25, 0, 0, 0.5, -0.25, 0, 0, 0, 1] }
    const sampler = new LabelSampler(image, { dims, affine: unit }, voxels)
    expect(sampler.sameGrid).toBe(false)
    expect(sameGrid(image, { dims, affine: unit })).toBe(false)
    // Image voxel 3 sits at 1.25 mm: label voxel 1 (label 1); voxel 4 at 1.75 mm: label voxel 2 (label 2).
    expect(sampler.labelAt([3, 0, 0])).toBe(1)
    expect(sampler.labelAt([4, 0, 0])).toBe(2)
    // z 1.75 mm rounds to label slice 2, outside the 2-slice grid.
    expect(sampler.labelAt([0, 0, 4])).toBe(0)
    const out = sampler.fillSlice(image.dims, planeLayout('axial', 'neurological'), 0, LabelPalette.from(entries), new Uint8Array(8 * 8 * 4))
    const labelsOfFirstRow = Array.from({ length: 8 }, (_, col) => out[col * 4 + 1] === 200 ? 2 : out[col * 4] === 200 ? 1 : 0)
    expect(labelsOfFirstRow).toEqual([1, 1, 1, 1, 2, 2, 2, 2])
  })
})

describe('the label sampler\'s two paths', () => {
  it('draws the same slices on its own grid (integer strides) as through world mm', () => {
    // A 5 x 6 x 7 grid of pseudo-random labels 0..9; the second placement differs by 1e-3 mm, which
    // is no longer "the same grid" but rounds to the same voxels.
    const dims = [5, 6, 7] as const
    const voxels = Int32Array.from({ length: 210 }, (_, i) => (i * 7919) % 10)
    const affine = [1.2, 0, 0, -3, 0, 0.9, 0, 4, 0, 0, 2.5, 1, 0, 0, 0, 1]
    const nudged = affine.map((v, i) => (i === 3 ? v + 1e-3 : v))
    const exact = new LabelSampler({ dims, affine }, { dims, affine }, voxels)
    const viaWorld = new LabelSampler({ dims, affine: nudged }, { dims, affine }, voxels)
    expect([exact.sameGrid, viaWorld.sameGrid]).toEqual([true, false])
    const palette = LabelPalette.from([{ label: 3, name: 'three', color: [3, 33, 133] }], new Set([5]))
    for (const convention of ['neurological', 'radiological'] as const) {
      for (const plane of planes) {
        const layout = planeLayout(plane, convention)
        for (const slice of [0, 2, dims[layout.slice] - 1]) {
          const a = exact.fillSlice(dims, layout, slice, palette, new Uint8Array(42 * 4 * 4))
          const b = viaWorld.fillSlice(dims, layout, slice, palette, new Uint8Array(42 * 4 * 4))
          expect([...a]).toEqual([...b])
        }
      }
    }
  })
})

describe('where a structure is', () => {
  it('is the structure\'s voxel nearest its centroid, even when the centroid lies outside it', () => {
    // An L of label 3 in a 5 x 5 x 1 grid: the bottom row and the left column. Its centroid (1.11, 1.11)
    // falls outside the L; the nearest voxels of the L are (1, 0) and (0, 1), the first found wins.
    const dims = [5, 5, 1] as const
    const voxels = new Int32Array(25)
    for (let i = 0; i < 5; i++) {
      voxels[i] = 3
      voxels[5 * i] = 3
    }
    expect(labelLocation(voxels, dims, 3)).toEqual([1, 0, 0])
    expect(labelLocation(voxels, dims, 4)).toBeNull()
    voxels[12] = 4
    expect(labelLocation(voxels, dims, 4)).toEqual([2, 2, 0])
  })
})
