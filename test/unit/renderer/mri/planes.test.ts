import { describe, expect, it } from 'vitest'
import { orientationLetters, planeLayout, planes, sliceShape, type Convention, type Plane } from '../../../../renderer/src/workspaces/mri/lib/planes'
import { fitView, planeExtent, screenToIndex } from '../../../../renderer/src/workspaces/mri/lib/viewport'

describe('orientation letters', () => {
  // The display grid is RAS+; what each edge must read, by convention.
  const expected: Record<Convention, Record<Plane, [string, string, string, string]>> = {
    neurological: { axial: ['L', 'R', 'A', 'P'], coronal: ['L', 'R', 'S', 'I'], sagittal: ['A', 'P', 'S', 'I'] },
    radiological: { axial: ['R', 'L', 'A', 'P'], coronal: ['R', 'L', 'S', 'I'], sagittal: ['A', 'P', 'S', 'I'] },
  }

  it.each((['neurological', 'radiological'] as const).flatMap((convention) => planes.map((plane) => [convention, plane] as const)))(
    '%s %s: left, right, top, bottom',
    (convention, plane) => {
      const letters = orientationLetters(plane, convention)
      expect([letters.left, letters.right, letters.top, letters.bottom]).toEqual(expected[convention][plane])
    },
  )

  it('every view shows each of its two in-plane directions once, opposite letters on opposite edges', () => {
    const opposite: Record<string, string> = { R: 'L', L: 'R', A: 'P', P: 'A', S: 'I', I: 'S' }
    for (const convention of ['neurological', 'radiological'] as const) {
      for (const plane of planes) {
        const { left, right, top, bottom } = orientationLetters(plane, convention)
        expect(opposite[left]).toBe(right)
        expect(opposite[top]).toBe(bottom)
      }
    }
  })

  it('slices along z, y and x: axial, coronal, sagittal', () => {
    expect(planes.map((plane) => planeLayout(plane, 'neurological').slice)).toEqual([2, 1, 0])
    expect(sliceShape([10, 20, 30], planeLayout('coronal', 'radiological'))).toEqual({ width: 10, height: 30 })
    expect(sliceShape([10, 20, 30], planeLayout('sagittal', 'radiological'))).toEqual({ width: 20, height: 30 })
  })
})

describe('screen to display index', () => {
  const dims = [64, 80, 50]
  const spacing = [1, 1, 2]
  const size = { width: 400, height: 300 }

  function clickX(plane: Plane, convention: Convention, x: number, y = 150): number[] {
    const layout = planeLayout(plane, convention)
    const extent = planeExtent(dims, spacing, layout)
    const view = fitView(extent, size)
    return screenToIndex(layout, dims, extent, view, size, x, y, 10)
  }

  it('neurological: a click on the screen left (the patient\'s left) lands on a smaller x than one on the right', () => {
    for (const plane of ['axial', 'coronal'] as const) {
      const left = clickX(plane, 'neurological', 150)[0]!
      const right = clickX(plane, 'neurological', 250)[0]!
      expect(left).toBeLessThan(right)
    }
  })

  it('radiological: the screen left is the patient\'s right, a larger x', () => {
    for (const plane of ['axial', 'coronal'] as const) {
      const left = clickX(plane, 'radiological', 150)[0]!
      const right = clickX(plane, 'radiological', 250)[0]!
      expect(left).toBeGreaterThan(right)
    }
  })

  it('the same screen point maps to mirror x indices in the two conventions', () => {
    const neuro = clickX('axial', 'neurological', 170)[0]!
    const radio = clickX('axial', 'radiological', 170)[0]!
    expect(neuro + radio).toBeCloseTo(dims[0]! - 1, 9)
  })

  it('up on screen is anterior (axial) and superior (coronal, sagittal); left is anterior on sagittal', () => {
    const at = (plane: Plane, x: number, y: number) => clickX(plane, 'radiological', x, y)
    expect(at('axial', 200, 100)[1]!).toBeGreaterThan(at('axial', 200, 200)[1]!)
    expect(at('coronal', 200, 100)[2]!).toBeGreaterThan(at('coronal', 200, 200)[2]!)
    expect(at('sagittal', 200, 100)[2]!).toBeGreaterThan(at('sagittal', 200, 200)[2]!)
    expect(at('sagittal', 150, 150)[1]!).toBeGreaterThan(at('sagittal', 250, 150)[1]!)
    // The slice axis carries the slice.
    expect(at('axial', 200, 150)[2]).toBe(10)
    expect(at('sagittal', 200, 150)[0]).toBe(10)
  })
})
