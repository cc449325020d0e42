import { centroid, LANDMARKS_68, type Point } from '../../imaging/face-landmarks/points'
import { bilinear, type GreyPixels } from '../../imaging/grey-image'
import { LIP_HEIGHT, LIP_WIDTH } from './mouth-image'

/*
 * The 92 x 50 lip crop of a full-face video frame, from the 68 face landmarks (iBUG 300-W layout).
 *
 * Centre: the mean of the 20 mouth landmarks 48-67 (outer and inner contours), the middle of the mouth
 * where mouth-image.ts puts it (the lip line at the crop's centre, give or take a speaker's 2 pixels).
 * Scale: the crop must hold the mouth as the fixture's rendered lips do, or the model sees mouths of a
 * size it was never trained on. There the outer half-width at rest is halfWidth (27..32, mean 29.5) times
 * 0.78 + 0.3 width - 0.22 round = 0.897 (width 0.5, round 0.15), a mouth 53 px wide: MOUTH_FILL = 0.58 of
 * the 92 px. The mouth's own width is no steady ruler (it is what the lips do while speaking: spread for
 * "ee", narrow for "oo"), so each frame is scaled by its eye distance, which speech does not move, and the
 * sequence's median ratio of mouth width (corners 48 and 54) to eye distance turns that into a mouth
 * width: crop width = eyeDistance * median(mouthWidth / eyeDistance) / MOUTH_FILL. A head that comes
 * closer grows the crop with it, a smile within the sequence is seen as a smile.
 * Roll: the crop is turned with the line through the eye centres, so a tilted head gives level lips.
 * Jitter: the landmarks of a still face move a pixel or two from frame to frame; centre, scale and angle
 * are averaged over the 2 RADIUS + 1 frames around each (a window that narrows symmetrically at the
 * sequence's ends, so steady motion is followed without lag or overshoot). Frames with no face take no
 * part; what they show instead is decided by the caller (the last good crop, lips.ts fillMissing).
 * Sampling: each crop pixel averages a grid of bilinear samples over its footprint in the frame, so a
 * large face shrunk to 92 x 50 does not alias.
 */

/** Fraction of the crop's width the mouth (corner to corner) fills at rest in the rendered lips. */
export const MOUTH_FILL = 0.58
/** Frames either side averaged against landmark jitter (5 frames, 0.2 s at 25 fps). */
export const SMOOTH_RADIUS = 2

/** One face's mouth and eyes as the crop needs them, in the frame's pixels. */
export interface LipMeasure {
  centre: Point
  /** Distance between the mouth corners (landmarks 48 and 54). */
  mouthWidth: number
  /** Distance between the eye centres. */
  eyeDistance: number
  /** Angle of the line from the image-left eye to the image-right eye, radians (y down). */
  angle: number
}

/** Where one frame's crop sits: centre, its width in the frame's pixels (height in ratio 50:92), its roll. */
export interface LipGeometry {
  x: number
  y: number
  width: number
  angle: number
}

const slice = (points: readonly Point[], [from, to]: readonly [number, number]) => points.slice(from, to)

/** The measure of one face from its 68 landmarks. */
export function measureLips(landmarks: readonly Point[]): LipMeasure {
  if (landmarks.length !== 68) throw new Error(`measureLips takes 68 landmarks, got ${landmarks.length}`)
  const left = centroid(slice(landmarks, LANDMARKS_68.leftEye))
  const right = centroid(slice(landmarks, LANDMARKS_68.rightEye))
  const [c48, c54] = [landmarks[48]!, landmarks[54]!]
  return {
    centre: centroid(slice(landmarks, LANDMARKS_68.mouth)),
    mouthWidth: Math.hypot(c54[0] - c48[0], c54[1] - c48[1]),
    eyeDistance: Math.hypot(right[0] - left[0], right[1] - left[1]),
    angle: Math.atan2(right[1] - left[1], right[0] - left[0]),
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * Each frame's crop from the measures of a sequence (null where no face was found): scaled by the eye
 * distance and the sequence's mouth-to-eye ratio, smoothed over the found frames around it. Null stays null.
 */
export function planLipCrops(measures: readonly (LipMeasure | null)[], radius = SMOOTH_RADIUS): (LipGeometry | null)[] {
  const found = measures.flatMap((m, index) => (m ? [{ index, m }] : []))
  const plan: (LipGeometry | null)[] = measures.map(() => null)
  if (found.length === 0) return plan
  const ratio = median(found.map(({ m }) => m.mouthWidth / m.eyeDistance))
  const raw = found.map(({ m }) => [m.centre[0], m.centre[1], (m.eyeDistance * ratio) / MOUTH_FILL, m.angle] as const)
  found.forEach(({ index }, j) => {
    const r = Math.min(radius, j, found.length - 1 - j)
    const mean = [0, 0, 0, 0]
    for (let k = j - r; k <= j + r; k++) raw[k]!.forEach((v, i) => (mean[i]! += v / (2 * r + 1)))
    plan[index] = { x: mean[0]!, y: mean[1]!, width: mean[2]!, angle: mean[3]! }
  })
  return plan
}

/** The 92 x 50 grey crop (row-major, 0..1) of `frame` at `g`. */
export function cropLips(frame: GreyPixels, g: LipGeometry): Float32Array {
  const s = g.width / LIP_WIDTH
  const grid = Math.max(1, Math.ceil(s))
  const cos = s * Math.cos(g.angle)
  const sin = s * Math.sin(g.angle)
  const out = new Float32Array(LIP_WIDTH * LIP_HEIGHT)
  for (let r = 0; r < LIP_HEIGHT; r++) {
    for (let c = 0; c < LIP_WIDTH; c++) {
      let sum = 0
      for (let i = 0; i < grid; i++) {
        const v = r + (i + 0.5) / grid - LIP_HEIGHT / 2
        for (let j = 0; j < grid; j++) {
          const u = c + (j + 0.5) / grid - LIP_WIDTH / 2
          sum += bilinear(frame, g.x + cos * u - sin * v, g.y + sin * u + cos * v)
        }
      }
      out[r * LIP_WIDTH + c] = Math.min(1, Math.max(0, sum / (grid * grid)))
    }
  }
  return out
}
