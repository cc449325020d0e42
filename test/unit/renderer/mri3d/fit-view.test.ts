import { describe, expect, it } from 'vitest'
import type { Framing } from '../../../../renderer/src/workspaces/mri/lib/3d/camera-framing'
import { frameBounds } from '../../../../renderer/src/workspaces/mri/lib/3d/camera-framing'
import { keepsPoint, type ClipPlaneModel } from '../../../../renderer/src/workspaces/mri/lib/3d/clip-plane'
import { fitPoints } from '../../../../renderer/src/workspaces/mri/lib/3d/fit-view'
import type { CameraBasis } from '../../../../renderer/src/workspaces/mri/lib/3d/orientation-letters'
import { add, scale, type Vec3 } from '../../../../renderer/src/workspaces/mri/lib/3d/vec3'

/** The view from the left (the 3-D view's default): the camera at -x looks along +x, Anterior to the left of the screen, Superior up. */
const fromLeft: CameraBasis = { right: [0, -1, 0], up: [0, 0, 1], forward: [1, 0, 0] }
const fov = 30

/** Where each point lands on screen, in -1..1 of the half-width and half-height, for a camera placed by `framing`. */
function screenBox(points: readonly number[], basis: CameraBasis, framing: Framing, aspect: number): { uLo: number; uHi: number; vLo: number; vHi: number } {
  const tanY = Math.tan((fov * Math.PI) / 360)
  const eye = add(framing.target, scale(basis.forward, -framing.distance))
  const box = { uLo: Infinity, uHi: -Infinity, vLo: Infinity, vHi: -Infinity }
  for (let i = 0; i < points.length; i += 3) {
    const rel = [points[i]! - eye[0], points[i + 1]! - eye[1], points[i + 2]! - eye[2]]
    const along = (axis: Vec3) => rel[0]! * axis[0] + rel[1]! * axis[1] + rel[2]! * axis[2]
    const depth = along(basis.forward)
    const u = along(basis.right) / depth / (tanY * aspect)
    const v = along(basis.up) / depth / tanY
    box.uLo = Math.min(box.uLo, u)
    box.uHi = Math.max(box.uHi, u)
    box.vLo = Math.min(box.vLo, v)
    box.vHi = Math.max(box.vHi, v)
  }
  return box
}

/** The surface of an ellipsoid with semi-axes (a, b, c) mm around `centre`, sampled on a latitude/longitude grid. */
function ellipsoid(centre: Vec3, [a, b, c]: Vec3, steps = 48): number[] {
  const points: number[] = []
  for (let i = 0; i <= steps; i++) {
    const theta = (Math.PI * i) / steps
    for (let j = 0; j < steps * 2; j++) {
      const phi = (Math.PI * j) / steps
      points.push(centre[0] + a * Math.sin(theta) * Math.cos(phi), centre[1] + b * Math.sin(theta) * Math.sin(phi), centre[2] + c * Math.cos(theta))
    }
  }
  return points
}

/** A brain-sized ellipsoid: 140 mm wide (x), 172 mm long (y), 120 mm tall (z), off the origin as an atlas is. */
const brain = ellipsoid([2, -18, 12], [70, 86, 60])

describe('fitting the view to the visible surfaces', () => {
  it('fills the limiting dimension of a wide pane to 1 / margin, centred, with every point inside', () => {
    const aspect = 383 / 211
    const framing = fitPoints(brain, fromLeft, fov, aspect, 1.1)!
    const box = screenBox(brain, fromLeft, framing, aspect)
    // Seen from the left the brain is 172 x 120 mm: in a pane 1.8 times as wide as tall its height limits.
    expect(box.vHi - box.vLo).toBeCloseTo(2 / 1.1, 3)
    expect(box.uHi - box.uLo).toBeLessThan(2 / 1.1)
    expect(box.uHi + box.uLo).toBeCloseTo(0, 3)
    expect(box.vHi + box.vLo).toBeCloseTo(0, 3)
    // The target sits at the centre of the brain, so orbiting turns it in place.
    expect(framing.target[0]).toBeCloseTo(2, 6)
    expect(framing.target[1]).toBeCloseTo(-18, 1)
    expect(framing.target[2]).toBeCloseTo(12, 1)
    expect(framing.near).toBeLessThan(framing.distance - 70)
    expect(framing.far).toBeGreaterThan(framing.distance + 70)
  })

  it('lets the width limit in a tall pane', () => {
    const framing = fitPoints(brain, fromLeft, fov, 0.5, 1.05)!
    const box = screenBox(brain, fromLeft, framing, 0.5)
    expect(box.uHi - box.uLo).toBeCloseTo(2 / 1.05, 3)
    expect(box.vHi - box.vLo).toBeLessThan(2 / 1.05)
  })

  it('fills the pane far more than the bounding sphere did', () => {
    const aspect = 383 / 211
    const sphere = frameBounds({ min: [-68, -104, -48], max: [72, 68, 72] }, fov, aspect, 1.1)
    const old = screenBox(brain, fromLeft, sphere, aspect)
    const fit = screenBox(brain, fromLeft, fitPoints(brain, fromLeft, fov, aspect, 1.1)!, aspect)
    expect((old.vHi - old.vLo) / 2).toBeLessThan(0.6)
    expect((fit.vHi - fit.vLo) / 2).toBeGreaterThan(0.9)
  })

  it('fits what a clipping plane leaves: the left hemisphere seen from above is half as wide and centred anew', () => {
    const fromAbove: CameraBasis = { right: [1, 0, 0], up: [0, 1, 0], forward: [0, 0, -1] }
    const clip: ClipPlaneModel = { enabled: true, axis: 'R', offset: 2, flip: false }
    const kept: number[] = []
    for (let i = 0; i < brain.length; i += 3) if (keepsPoint(clip, [brain[i]!, brain[i + 1]!, brain[i + 2]!])) kept.push(brain[i]!, brain[i + 1]!, brain[i + 2]!)
    const aspect = 1
    const whole = fitPoints(brain, fromAbove, fov, aspect, 1.1)!
    const half = fitPoints(kept, fromAbove, fov, aspect, 1.1)!
    const box = screenBox(kept, fromAbove, half, aspect)
    // 172 mm long, 70 wide: the length limits, and the half stands in the middle of the screen.
    expect(box.vHi - box.vLo).toBeCloseTo(2 / 1.1, 3)
    expect(box.uHi + box.uLo).toBeCloseTo(0, 3)
    expect(half.target[0]).toBeLessThan(-25)
    expect(whole.target[0]).toBeCloseTo(2, 1)
  })

  it('gives a single point a camera in front of it, and nothing a null', () => {
    const framing = fitPoints([5, 6, 7], fromLeft, fov, 1)!
    expect(framing.target).toEqual([5, 6, 7])
    expect(framing.distance).toBeGreaterThan(0)
    expect(framing.near).toBeGreaterThan(0)
    expect(fitPoints([], fromLeft, fov, 1)).toBeNull()
  })
})
