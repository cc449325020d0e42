import { describe, expect, it } from 'vitest'
import { planeLayout } from '../../../../renderer/src/workspaces/mri/lib/planes'
import { extractSlice } from '../../../../renderer/src/workspaces/mri/lib/slice'

// A 3 x 4 x 5 grid whose voxel (x, y, z) holds x + 10 y + 100 z, so every value names its voxel.
const dims = [3, 4, 5] as const
const voxels = new Float32Array(3 * 4 * 5)
for (let z = 0; z < 5; z++) for (let y = 0; y < 4; y++) for (let x = 0; x < 3; x++) voxels[x + 3 * (y + 4 * z)] = x + 10 * y + 100 * z

/** The slice as rows from the screen's top to bottom, for reading. */
function topDown(out: Float32Array, width: number, height: number): number[][] {
  const rows: number[][] = []
  for (let row = height - 1; row >= 0; row--) rows.push([...out.subarray(row * width, row * width + width)])
  return rows
}

describe('slice extraction', () => {
  it('axial, neurological: x grows to the right, y (anterior) upward, at the given z', () => {
    const out = extractSlice(voxels, dims, planeLayout('axial', 'neurological'), 2, new Float32Array(12))
    expect(topDown(out, 3, 4)).toEqual([
      [230, 231, 232],
      [220, 221, 222],
      [210, 211, 212],
      [200, 201, 202],
    ])
  })

  it('axial, radiological: the same slice mirrored left to right', () => {
    const out = extractSlice(voxels, dims, planeLayout('axial', 'radiological'), 2, new Float32Array(12))
    expect(topDown(out, 3, 4)[0]).toEqual([232, 231, 230])
    expect(topDown(out, 3, 4)[3]).toEqual([202, 201, 200])
  })

  it('coronal: x across, z (superior) upward, at the given y', () => {
    const out = extractSlice(voxels, dims, planeLayout('coronal', 'neurological'), 1, new Float32Array(15))
    expect(topDown(out, 3, 5)).toEqual([
      [410, 411, 412],
      [310, 311, 312],
      [210, 211, 212],
      [110, 111, 112],
      [10, 11, 12],
    ])
  })

  it('sagittal: anterior (large y) on the left, superior upward, at the given x', () => {
    const out = extractSlice(voxels, dims, planeLayout('sagittal', 'radiological'), 1, new Float32Array(20))
    const rows = topDown(out, 4, 5)
    expect(rows[0]).toEqual([431, 421, 411, 401])
    expect(rows[4]).toEqual([31, 21, 11, 1])
  })

  it('reuses the buffer it is given, and blanks a slice outside the grid', () => {
    const buffer = new Float32Array(12).fill(7)
    expect(extractSlice(voxels, dims, planeLayout('axial', 'neurological'), 0, buffer)).toBe(buffer)
    expect(buffer[5]).toBe(12)
    extractSlice(voxels, dims, planeLayout('axial', 'neurological'), 5, buffer)
    expect([...buffer].every((value) => value === 0)).toBe(true)
    expect(() => extractSlice(voxels, dims, planeLayout('axial', 'neurological'), 0, new Float32Array(11))).toThrow(/12 are needed/)
  })
})
