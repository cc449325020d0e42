import { describe, expect, it } from 'vitest'
import { cropLips, measureLips, MOUTH_FILL, planLipCrops, type LipMeasure } from '../../../../main/enhance/corpus/lip-crop'
import { LIP_HEIGHT, LIP_WIDTH, renderMouth, type SpeakerLook } from '../../../../main/enhance/corpus/mouth-image'
import type { Point } from '../../../../main/imaging/face-landmarks/points'
import { bilinear } from '../../../../main/imaging/grey-image'
import { seededRandom } from '../../../../main/compute/seeded-random'

// The lip crop's geometry without the detector: a rendered mouth placed in a larger frame at a known
// centre, scale and roll must come back from cropLips; the sequence plan must follow steady motion exactly,
// damp jitter, scale by the eye distance and leave frames without a face alone.

const look: SpeakerLook = { skin: 0.65, lip: 0.35, halfWidth: 30, maxOpen: 12, upperLip: 4, lowerLip: 5, dx: 0, dy: 0 }
const mouth = { height: LIP_HEIGHT, width: LIP_WIDTH, data: renderMouth({ open: 0.6, width: 0.6, round: 0.1 }, look) }

/** A 400 x 300 frame showing `mouth` scaled by s and turned by angle about (cx, cy), skin around it. */
function frameWithMouth(cx: number, cy: number, s: number, angle: number) {
  const [width, height] = [400, 300]
  const data = new Float32Array(width * height)
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)]
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      const [dx, dy] = [c + 0.5 - cx, r + 0.5 - cy]
      const u = (dx * cos + dy * sin) / s + LIP_WIDTH / 2
      const v = (-dx * sin + dy * cos) / s + LIP_HEIGHT / 2
      data[r * width + c] = u < 0 || v < 0 || u > LIP_WIDTH || v > LIP_HEIGHT ? look.skin : bilinear(mouth, u, v)
    }
  }
  return { width, height, data }
}

const meanAbs = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length

describe('cropLips', () => {
  it('brings back a mouth shown twice as large and turned by 0.2 rad, and misses it when placed 8 px off, unturned or at another scale', () => {
    const frame = frameWithMouth(203.5, 141.25, 2, 0.2)
    const crop = cropLips(frame, { x: 203.5, y: 141.25, width: 2 * LIP_WIDTH, angle: 0.2 })
    expect(crop).toHaveLength(LIP_WIDTH * LIP_HEIGHT)
    const right = meanAbs(crop, mouth.data)
    expect(right).toBeLessThan(0.01)
    for (const wrong of [{ x: 211.5 }, { angle: 0 }, { width: 1.6 * LIP_WIDTH }]) {
      expect(meanAbs(cropLips(frame, { x: 203.5, y: 141.25, width: 2 * LIP_WIDTH, angle: 0.2, ...wrong }), mouth.data)).toBeGreaterThan(3 * right)
    }
  })

  it('keeps values in 0..1 when the crop runs off the frame (edges repeat)', () => {
    const crop = cropLips(frameWithMouth(30, 20, 1, 0), { x: 5, y: 5, width: LIP_WIDTH, angle: 0 })
    expect(crop.every((v) => v >= 0 && v <= 1)).toBe(true)
  })
})

/** 68 landmarks with the eyes centred at `left` and `right` and the mouth corners `half` either side of `mouth`. */
function landmarks(left: Point, right: Point, mouth: Point, half: number): Point[] {
  const points: Point[] = Array.from({ length: 68 }, () => [0, 0] as const)
  for (let i = 36; i < 42; i++) points[i] = [left[0] + (i % 2 ? 3 : -3), left[1]]
  for (let i = 42; i < 48; i++) points[i] = [right[0] + (i % 2 ? 3 : -3), right[1]]
  // outer contour 48-59 from the left corner (48) round to the right one (54), inner 60-67: symmetric rings
  for (let j = 0; j < 12; j++) points[48 + j] = [mouth[0] - half * Math.cos((2 * Math.PI * j) / 12), mouth[1] + 8 * Math.sin((2 * Math.PI * j) / 12)]
  for (let j = 0; j < 8; j++) points[60 + j] = [mouth[0] - 0.7 * half * Math.cos((2 * Math.PI * j) / 8), mouth[1] + 4 * Math.sin((2 * Math.PI * j) / 8)]
  return points
}

describe('measureLips', () => {
  it('takes the centre from landmarks 48-67, the mouth width from 48 to 54, the eye distance and roll from the eye centres', () => {
    const m = measureLips(landmarks([100, 80], [160, 86], [130, 150], 25))
    expect(m.centre[0]).toBeCloseTo(130, 6)
    expect(m.centre[1]).toBeCloseTo(150, 6)
    expect(m.mouthWidth).toBeCloseTo(50, 9)
    expect(m.eyeDistance).toBeCloseTo(Math.hypot(60, 6), 9)
    expect(m.angle).toBeCloseTo(Math.atan2(6, 60), 9)
  })
})

describe('planLipCrops', () => {
  const measure = (x: number, y: number, mouthWidth: number, eyeDistance = 60, angle = 0): LipMeasure => ({ centre: [x, y], mouthWidth, eyeDistance, angle })

  it('follows steady motion exactly, the ends included', () => {
    const plan = planLipCrops(Array.from({ length: 9 }, (_, k) => measure(100 + 3 * k, 80 - 2 * k, 45, 60 + k, 0.01 * k)))
    plan.forEach((g, k) => {
      expect(g!.x).toBeCloseTo(100 + 3 * k, 9)
      expect(g!.y).toBeCloseTo(80 - 2 * k, 9)
      expect(g!.width).toBeCloseTo(((60 + k) * (45 / (60 + 4))) / MOUTH_FILL, 9)
      expect(g!.angle).toBeCloseTo(0.01 * k, 9)
    })
  })

  it('sizes every crop by the eye distance and the median mouth-to-eye ratio, whatever the mouth does in that frame', () => {
    const widths = [40, 52, 45, 60, 42, 47, 44]
    const plan = planLipCrops(widths.map((w) => measure(100, 80, w)))
    for (const g of plan) expect(g!.width).toBeCloseTo((60 * (45 / 60)) / MOUTH_FILL, 9)
  })

  it('damps landmark jitter and leaves frames without a face null', () => {
    const random = seededRandom(4)
    const measures: (LipMeasure | null)[] = Array.from({ length: 40 }, (_, k) => measure(100 + k + 2 * (random() - 0.5), 80 + 2 * (random() - 0.5), 45))
    measures[10] = null
    measures[25] = null
    const plan = planLipCrops(measures)
    expect(plan[10]).toBeNull()
    expect(plan[25]).toBeNull()
    let rawError = 0
    let smoothError = 0
    for (let k = 3; k < 37; k++) {
      if (!measures[k]) continue
      rawError += (measures[k]!.centre[0] - (100 + k)) ** 2 + (measures[k]!.centre[1] - 80) ** 2
      smoothError += (plan[k]!.x - (100 + k)) ** 2 + (plan[k]!.y - 80) ** 2
    }
    expect(smoothError).toBeLessThan(0.4 * rawError)
  })

  it('gives all null for a sequence with no face', () => {
    expect(planLipCrops([null, null])).toEqual([null, null])
  })
})
