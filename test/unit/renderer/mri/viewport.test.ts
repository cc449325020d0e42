import { describe, expect, it } from 'vitest'
import { planeLayout } from '../../../../renderer/src/workspaces/mri/lib/planes'
import {
  fitView,
  indexToPlane,
  panBy,
  planeExtent,
  planeToScreen,
  screenToIndex,
  screenToPlane,
  visiblePlane,
  zoomAt,
} from '../../../../renderer/src/workspaces/mri/lib/viewport'

describe('the slice viewport', () => {
  const dims = [100, 120, 40]
  const spacing = [1, 1, 3]
  const size = { width: 500, height: 400 }

  it('keeps the physical aspect: a coronal slice of 1 x 3 mm voxels is 100 mm wide and 120 mm high', () => {
    const extent = planeExtent(dims, spacing, planeLayout('coronal', 'radiological'))
    expect(extent).toEqual({ width: 100, height: 120, texelWidth: 1, texelHeight: 3 })
    const view = fitView(extent, size, 1)
    // The height limits: 400 px for 120 mm.
    expect(view.pxPerMm).toBeCloseTo(400 / 120, 12)
    expect(view).toMatchObject({ centerU: 50, centerW: 60 })
    const bounds = visiblePlane(view, size)
    expect(bounds.top - bounds.bottom).toBeCloseTo(120, 9)
    expect(bounds.right - bounds.left).toBeCloseTo(150, 9)
  })

  it('screen and plane coordinates round-trip; screen y grows downward, w upward', () => {
    const view = { centerU: 40, centerW: 70, pxPerMm: 2.5 }
    const [u, w] = screenToPlane(view, size, 123, 321)
    expect(planeToScreen(view, size, u, w)).toEqual([123, 321])
    expect(screenToPlane(view, size, 250, 200)).toEqual([40, 70])
    expect(screenToPlane(view, size, 250, 100)[1]).toBe(70 + 100 / 2.5)
  })

  it('zooms around the pointer: the plane point under it stays under it', () => {
    const view = { centerU: 40, centerW: 70, pxPerMm: 2.5 }
    const before = screenToPlane(view, size, 80, 330)
    const zoomed = zoomAt(view, size, 1.7, 80, 330)
    expect(zoomed.pxPerMm).toBeCloseTo(4.25, 12)
    const after = screenToPlane(zoomed, size, 80, 330)
    expect(after[0]).toBeCloseTo(before[0], 9)
    expect(after[1]).toBeCloseTo(before[1], 9)
  })

  it('pans with the pointer', () => {
    const view = { centerU: 40, centerW: 70, pxPerMm: 2 }
    const before = planeToScreen(view, size, 10, 20)
    const after = planeToScreen(panBy(view, 30, -12), size, 10, 20)
    expect(after[0] - before[0]).toBeCloseTo(30, 12)
    expect(after[1] - before[1]).toBeCloseTo(-12, 12)
  })

  it('a voxel centre drawn on screen maps back to that voxel in both conventions', () => {
    for (const convention of ['neurological', 'radiological'] as const) {
      for (const plane of ['axial', 'coronal', 'sagittal'] as const) {
        const layout = planeLayout(plane, convention)
        const extent = planeExtent(dims, spacing, layout)
        const view = fitView(extent, size)
        const index = [17, 101, 33]
        const [u, w] = indexToPlane(layout, dims, extent, index)
        const [x, y] = planeToScreen(view, size, u, w)
        const back = screenToIndex(layout, dims, extent, view, size, x, y, index[layout.slice]!)
        back.forEach((value, axis) => expect(value).toBeCloseTo(index[axis]!, 9))
      }
    }
  })

  it('the slice\'s left edge is half a voxel before the first column\'s centre', () => {
    const layout = planeLayout('axial', 'neurological')
    const extent = planeExtent(dims, spacing, layout)
    const view = fitView(extent, size, 1)
    const [x] = planeToScreen(view, size, 0, 0)
    expect(screenToIndex(layout, dims, extent, view, size, x, 200, 0)[0]).toBeCloseTo(-0.5, 9)
  })
})
