import type { MouthShape } from './visemes'

/*
 * A simple grey mouth picture, 92 x 50 like the paper's lip crops: skin, two lips (the ring between an
 * outer and an inner contour, the lower lip fuller) and the dark inner mouth, with the upper teeth showing
 * as a light band once the mouth opens. The contours are half-ellipses, edges anti-aliased over about a
 * pixel. The shape comes from the viseme model:
 *   inner half-height = open * maxOpen; inner half-width = outer half-width * (0.82 - 0.3 round);
 *   outer half-width = halfWidth * (0.78 + 0.3 width - 0.22 round) (rounding narrows the mouth);
 *   lip thickness grows with rounding (protruded lips look fuller from the front).
 * A speaker's look (skin and lip grey, size, thickness, where the mouth sits) varies a little, seeded.
 */

export const LIP_WIDTH = 92
export const LIP_HEIGHT = 50

export interface SpeakerLook {
  skin: number
  lip: number
  /** Outer half-width in pixels at width 0.5, no rounding. */
  halfWidth: number
  /** Inner half-height at open = 1, pixels. */
  maxOpen: number
  upperLip: number
  lowerLip: number
  /** Mouth centre offset from the image centre, pixels. */
  dx: number
  dy: number
}

/** A look drawn from `random` (seeded): small variations around a middle face. */
export function drawSpeakerLook(random: () => number): SpeakerLook {
  const between = (a: number, b: number) => a + (b - a) * random()
  return {
    skin: between(0.55, 0.72),
    lip: between(0.3, 0.44),
    halfWidth: between(27, 32),
    maxOpen: between(11.5, 14),
    upperLip: between(3, 4.5),
    lowerLip: between(4.5, 6),
    dx: between(-2, 2),
    dy: between(-1.5, 1.5),
  }
}

const INNER = 0.07
const TEETH = 0.82

/**
 * Coverage of a pixel by the inside of an ellipse, a 1 px ramp across the boundary: the signed distance
 * to it taken to first order, (f - 1) / |grad f| with f = (x/a)^2 + (y/b)^2.
 */
function inside(x: number, y: number, a: number, b: number): number {
  if (a <= 0 || b <= 0) return 0
  const f = (x / a) ** 2 + (y / b) ** 2
  const gradient = 2 * Math.hypot(x / (a * a), y / (b * b))
  const distance = gradient > 0 ? (f - 1) / gradient : -Math.min(a, b)
  return Math.min(1, Math.max(0, 0.5 - distance))
}

/** The mouth as grey values in [0, 1], row-major LIP_HEIGHT x LIP_WIDTH. */
export function renderMouth(shape: MouthShape, look: SpeakerLook): Float32Array {
  const out = new Float32Array(LIP_WIDTH * LIP_HEIGHT)
  const cx = LIP_WIDTH / 2 + look.dx
  const cy = LIP_HEIGHT / 2 + look.dy
  const outerA = look.halfWidth * (0.78 + 0.3 * shape.width - 0.22 * shape.round)
  const innerA = outerA * (0.82 - 0.3 * shape.round)
  const innerB = shape.open * look.maxOpen
  const fuller = 1 + 0.4 * shape.round
  const upperB = innerB + look.upperLip * fuller
  const lowerB = innerB + look.lowerLip * fuller
  for (let r = 0; r < LIP_HEIGHT; r++) {
    const y = r + 0.5 - cy
    for (let c = 0; c < LIP_WIDTH; c++) {
      const x = c + 0.5 - cx
      const upper = y < 0
      // a soft shadow under the lower lip gives the face some relief
      const skin = look.skin - (y > 0 ? 0.06 * Math.exp(-(((y - lowerB - 3) / 3) ** 2)) * Math.max(0, 1 - Math.abs(x) / outerA) : 0)
      const lips = inside(x, y, outerA, upper ? upperB : lowerB)
      const mouth = inside(x, y, innerA, Math.max(innerB, 0.35))
      // the lip line stays visible (darker) while the mouth is shut
      const gap = innerB < 0.35 ? 0.55 : 1
      const teeth = upper && innerB > 3 && y > -innerB && y < -innerB + 0.35 * innerB ? 1 : 0
      const cavity = teeth ? TEETH : INNER
      let v = skin + lips * (look.lip - skin)
      v += mouth * gap * (cavity - v)
      out[r * LIP_WIDTH + c] = Math.min(1, Math.max(0, v))
    }
  }
  return out
}
