import { describe, expect, it } from 'vitest'
import { boxBetween, photoPoint } from '../../../../renderer/src/workspaces/faces/lib/box-drawing'

describe('a face box drawn on a photo', () => {
  const photo = { width: 480, height: 360 }
  // The photo drawn at half size, 240 x 180, from (100, 50) on the screen.
  const rect = { left: 100, top: 50, width: 240, height: 180 }

  it('maps screen points to the photo pixels under them, clamped inside the photo', () => {
    expect(photoPoint({ x: 100, y: 50 }, rect, photo)).toEqual({ x: 0, y: 0 })
    expect(photoPoint({ x: 160, y: 95 }, rect, photo)).toEqual({ x: 120, y: 90 })
    expect(photoPoint({ x: 400, y: 20 }, rect, photo)).toEqual({ x: 480, y: 0 })
  })

  it('makes a whole-pixel box from any two opposite corners, within the photo', () => {
    expect(boxBetween({ x: 120.4, y: 90.6 }, { x: 60.2, y: 200.1 }, photo)).toEqual({ x: 60, y: 90, width: 61, height: 111 })
    expect(boxBetween({ x: 400, y: 300 }, { x: 480, y: 360 }, photo)).toEqual({ x: 400, y: 300, width: 80, height: 60 })
  })

  it('takes a drag under 8 photo pixels a side for a click, not a box', () => {
    expect(boxBetween({ x: 10, y: 10 }, { x: 17, y: 40 }, photo)).toBeNull()
    expect(boxBetween({ x: 10, y: 10 }, { x: 18, y: 18 }, photo)).toEqual({ x: 10, y: 10, width: 8, height: 8 })
  })
})
