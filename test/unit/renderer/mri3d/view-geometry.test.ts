import { describe, expect, it } from 'vitest'
import { boundsOfPositions, frameBounds, unionBounds } from '../../../../renderer/src/workspaces/mri/lib/3d/camera-framing'
import { clipPlaneEquation, clipRange, describeClip, keepsPoint, type ClipPlaneModel } from '../../../../renderer/src/workspaces/mri/lib/3d/clip-plane'
import { axesIndicator, cameraBasis, directionLetters, screenLetters } from '../../../../renderer/src/workspaces/mri/lib/3d/orientation-letters'
import { presetCamera, viewPresets, type ViewPreset } from '../../../../renderer/src/workspaces/mri/lib/3d/view-presets'

const target: [number, number, number] = [10, -20, 5]

function lettersOf(preset: ViewPreset) {
  const pose = presetCamera(preset, target, 300)
  return screenLetters(cameraBasis(pose.position, pose.target, pose.up))
}

describe('view presets (RAS+ world: +x Right, +y Anterior, +z Superior)', () => {
  it('puts the camera on the named side of the target', () => {
    const side = (preset: ViewPreset) => {
      const pose = presetCamera(preset, target, 300)
      return pose.position.map((v, i) => v - target[i]!)
    }
    expect(side('left')[0]).toBeLessThan(-299) // the patient's left is -x
    expect(side('right')[0]).toBeGreaterThan(299)
    expect(side('anterior')[1]).toBeGreaterThan(299)
    expect(side('posterior')[1]).toBeLessThan(-299)
    expect(side('superior')[2]).toBeGreaterThan(299)
    expect(side('inferior')[2]).toBeLessThan(-299)
    for (const preset of viewPresets) {
      const pose = presetCamera(preset.id, target, 300)
      expect(Math.hypot(...pose.position.map((v, i) => v - target[i]!))).toBeCloseTo(300, 6)
    }
  })

  it('shows the anatomy each viewpoint shows in clinical 3-D viewers', () => {
    // From the left the face points to the screen's left; from the right, to its right.
    expect(lettersOf('left')).toEqual({ left: 'A', right: 'P', top: 'S', bottom: 'I' })
    expect(lettersOf('right')).toEqual({ left: 'P', right: 'A', top: 'S', bottom: 'I' })
    // Facing the patient, the patient's left is on the viewer's right.
    expect(lettersOf('anterior')).toEqual({ left: 'R', right: 'L', top: 'S', bottom: 'I' })
    expect(lettersOf('posterior')).toEqual({ left: 'L', right: 'R', top: 'S', bottom: 'I' })
    // From above and below, the nose is at the top of the screen.
    expect(lettersOf('superior')).toEqual({ left: 'L', right: 'R', top: 'A', bottom: 'P' })
    expect(lettersOf('inferior')).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' })
  })

  it('names oblique directions with two letters, strongest first', () => {
    expect(directionLetters([1, 0, 0])).toBe('R')
    expect(directionLetters([0, -1, 0])).toBe('P')
    expect(directionLetters([1, 1, 0])).toBe('RA')
    expect(directionLetters([-0.5, 0, -1])).toBe('IL') // 26.6° off the axis
    expect(directionLetters([-0.3, 0, -1])).toBe('I') // 16.7°: under the 22.5° of a second letter
    expect(directionLetters([0.1, 0, -1])).toBe('I') // 5.7° off the axis
  })

  it('projects the world axes for the corner indicator', () => {
    const pose = presetCamera('anterior', target, 300)
    const glyphs = axesIndicator(cameraBasis(pose.position, pose.target, pose.up))
    const byLetter = Object.fromEntries(glyphs.map((g) => [g.letter, g]))
    expect(byLetter.R!.x).toBeCloseTo(-1, 6) // R points to the screen's left when facing the patient
    expect(byLetter.S!.y).toBeCloseTo(1, 6)
    expect(byLetter.A!.depth).toBeCloseTo(-1, 6) // A points at the viewer
    expect(glyphs[glyphs.length - 1]!.letter).toBe('A') // drawn last, on top
  })
})

describe('camera framing', () => {
  it('stands r / sin(fov / 2) away from the bounding sphere', () => {
    const box = { min: [-30, -40, -50] as [number, number, number], max: [30, 40, 50] as [number, number, number] }
    const radius = Math.hypot(60, 80, 100) / 2
    const square = frameBounds(box, 90, 1, 1)
    expect(square.distance).toBeCloseTo(radius / Math.sin(Math.PI / 4), 9)
    expect(square.target).toEqual([0, 0, 0])
    // A viewport twice as tall as wide: the horizontal half-angle atan(tan 45° / 2) limits.
    const tall = frameBounds(box, 90, 0.5, 1)
    expect(tall.distance).toBeCloseTo(radius / Math.sin(Math.atan(0.5)), 9)
    expect(tall.near).toBeLessThan(tall.distance - radius)
    expect(tall.far).toBeGreaterThan(tall.distance + radius)
  })

  it('boxes positions and unions boxes', () => {
    const a = boundsOfPositions([1, 2, 3, -4, 5, 6])
    expect(a).toEqual({ min: [-4, 2, 3], max: [1, 5, 6] })
    expect(boundsOfPositions([])).toBeNull()
    expect(unionBounds([a, null, { min: [0, 0, 0], max: [2, 2, 10] }])).toEqual({ min: [-4, 0, 0], max: [2, 5, 10] })
    expect(unionBounds([])).toBeNull()
  })
})

describe('clipping plane', () => {
  const plane = (patch: Partial<ClipPlaneModel>): ClipPlaneModel => ({ enabled: true, axis: 'R', offset: 0, flip: false, ...patch })

  it('hides the positive side of the axis, or the negative one when flipped', () => {
    expect(keepsPoint(plane({}), [-10, 0, 0])).toBe(true) // the left hemisphere stays
    expect(keepsPoint(plane({}), [10, 0, 0])).toBe(false)
    expect(keepsPoint(plane({ flip: true }), [10, 0, 0])).toBe(true)
    expect(keepsPoint(plane({ flip: true }), [-10, 0, 0])).toBe(false)
    expect(keepsPoint(plane({ axis: 'S', offset: 20 }), [99, 99, 19])).toBe(true)
    expect(keepsPoint(plane({ axis: 'S', offset: 20 }), [0, 0, 21])).toBe(false)
    expect(keepsPoint(plane({ axis: 'A', offset: -5, enabled: false }), [0, 50, 0])).toBe(true)
    expect(keepsPoint(plane({ axis: 'A', offset: -5 }), [0, -5, 0])).toBe(true) // on the plane
  })

  it('gives three.js the plane with its normal towards the kept side', () => {
    // THREE.Plane keeps normal · p + constant >= 0.
    expect(clipPlaneEquation(plane({ axis: 'A', offset: 12 }))).toEqual({ normal: [0, -1, 0], constant: 12 })
    expect(clipPlaneEquation(plane({ axis: 'A', offset: 12, flip: true }))).toEqual({ normal: [0, 1, 0], constant: -12 })
  })

  it('offers the surfaces extent along the axis and describes itself', () => {
    const box = { min: [-70.2, -100, -45] as [number, number, number], max: [70.4, 70, 80] as [number, number, number] }
    expect(clipRange(box, 'R')).toEqual({ min: -71, max: 71 })
    expect(clipRange(box, 'S')).toEqual({ min: -45, max: 80 })
    expect(describeClip(plane({ offset: 12 }))).toBe('Hides the right side of x = 12.0 mm')
    expect(describeClip(plane({ axis: 'S', flip: true, offset: -3.25 }))).toBe('Hides the inferior side of z = -3.3 mm')
    expect(describeClip(plane({ enabled: false }))).toBe('No clipping')
  })
})
