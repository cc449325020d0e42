import { cross, dot, normalize, sub, type Vec3 } from './vec3'

/** World directions of the screen's axes for a camera. */
export interface CameraBasis {
  /** Towards the right edge of the screen. */
  right: Vec3
  /** Towards the top edge. */
  up: Vec3
  /** Into the screen, from the camera to its target. */
  forward: Vec3
}

/** The basis of a camera at `position` looking at `target` with `up` as the screen's upward hint. */
export function cameraBasis(position: readonly number[], target: readonly number[], up: readonly number[]): CameraBasis {
  const forward = normalize(sub(target, position))
  const right = normalize(cross(forward, up))
  return { right, up: cross(right, forward), forward }
}

const positiveLetters = ['R', 'A', 'S'] as const
const negativeLetters = ['L', 'P', 'I'] as const
/** A second letter joins when its component is at least tan(22.5°) of the largest, i.e. the direction is 22.5° or more off an axis. */
const obliqueRatio = Math.tan(Math.PI / 8)

/**
 * The anatomical letter of a world direction: "R" for +x, "P" for -y; oblique directions get the two
 * strongest letters, strongest first ("RA").
 */
export function directionLetters(direction: readonly number[]): string {
  const order = [0, 1, 2].sort((a, b) => Math.abs(direction[b]!) - Math.abs(direction[a]!))
  const first = order[0]!
  const strongest = Math.abs(direction[first]!)
  if (strongest === 0) return ''
  let letters = ''
  for (const axis of order.slice(0, 2)) {
    const value = direction[axis]!
    if (axis !== first && Math.abs(value) < strongest * obliqueRatio) break
    letters += value >= 0 ? positiveLetters[axis] : negativeLetters[axis]
  }
  return letters
}

export interface ScreenLetters {
  left: string
  right: string
  top: string
  bottom: string
}

/** The letters at the edges of a view: which side of the patient lies towards each edge of the screen. */
export function screenLetters(basis: CameraBasis): ScreenLetters {
  return {
    left: directionLetters(basis.right.map((v) => -v)),
    right: directionLetters(basis.right),
    top: directionLetters(basis.up),
    bottom: directionLetters(basis.up.map((v) => -v)),
  }
}

export interface AxisGlyph {
  letter: 'R' | 'A' | 'S'
  /** Screen projection of the world unit axis: x to the right, y upwards, both in [-1, 1]. */
  x: number
  y: number
  /** Towards the viewer is negative; glyphs come sorted back to front for drawing. */
  depth: number
}

/** The R, A and S world axes as the corner indicator draws them for a camera. */
export function axesIndicator(basis: CameraBasis): AxisGlyph[] {
  const axes: Vec3[] = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ]
  return axes
    .map((axis, i) => ({ letter: positiveLetters[i]!, x: dot(axis, basis.right), y: dot(axis, basis.up), depth: dot(axis, basis.forward) }))
    .sort((a, b) => b.depth - a.depth)
}
