import type { AlignInterval } from './grid-align'

/*
 * A viseme model: what the lips do for each phone, so that rendered lips move with the sound.
 * Each phone (festival's US English phone set, "radio"; kal_diphone and the HTS voice both use it) sets a
 * target for three articulatory parameters, each 0..1:
 *   open  - the gap between the lips (0: closed, 1: jaw wide open);
 *   width - the spread between the mouth corners (0: narrow, 1: spread as in a smile);
 *   round - rounding and protrusion (0: none, 1: "oo").
 * Bilabials (p b m) close the lips; labiodentals (f v) nearly; open vowels (aa ae aw ay) open wide;
 * rounded vowels and w (uw uh ow w) are narrow and round; front vowels (iy ih ey) spread; the
 * post-alveolars (sh zh ch jh) and r protrude. Diphthongs move from a first target to a second across
 * their duration (halves). A pause rests with the lips together.
 *
 * Co-articulation: the lips never jump between targets; they anticipate the next phone and carry over the
 * last. The targets, a step function at 1 ms, are smoothed by a Gaussian of sigma 20 ms (about the
 * time constant of lip movements; a 60 ms bilabial between open vowels still closes to below 0.2), then
 * sampled at each video frame's centre, (k + 0.5) / 25 s for 25 fps.
 */

export interface MouthShape {
  open: number
  width: number
  round: number
}

type Target = readonly [open: number, width: number, round: number]

const REST: Target = [0, 0.5, 0.15]
/** Used for a phone the table does not know: a neutral half-open mouth. */
export const UNKNOWN_TARGET: Target = [0.3, 0.5, 0.2]

/** One target, or two for a diphthong (first half, second half). */
export const VISEME_TABLE: Readonly<Record<string, readonly Target[]>> = {
  pau: [REST], sil: [REST], 'h#': [REST], sp: [REST],
  // bilabials: lips closed
  p: [[0, 0.5, 0.1]], b: [[0, 0.5, 0.1]], m: [[0, 0.5, 0.1]], em: [[0, 0.5, 0.1]],
  // labiodentals: lower lip to the upper teeth
  f: [[0.08, 0.5, 0]], v: [[0.08, 0.5, 0]],
  // dentals, alveolars, velars: the tongue works, the lips rest slightly apart
  th: [[0.2, 0.55, 0]], dh: [[0.2, 0.55, 0]],
  t: [[0.2, 0.55, 0]], d: [[0.2, 0.55, 0]], n: [[0.2, 0.55, 0]], l: [[0.25, 0.55, 0]], dx: [[0.2, 0.55, 0]],
  en: [[0.2, 0.55, 0]], el: [[0.25, 0.55, 0]], nx: [[0.2, 0.55, 0]],
  s: [[0.12, 0.62, 0]], z: [[0.12, 0.62, 0]],
  k: [[0.3, 0.5, 0.05]], g: [[0.3, 0.5, 0.05]], ng: [[0.3, 0.5, 0.05]],
  hh: [[0.4, 0.55, 0.05]], hv: [[0.4, 0.55, 0.05]],
  // post-alveolars and r: protruded
  sh: [[0.18, 0.35, 0.6]], zh: [[0.18, 0.35, 0.6]], ch: [[0.18, 0.35, 0.6]], jh: [[0.18, 0.35, 0.6]],
  r: [[0.22, 0.35, 0.5]], er: [[0.3, 0.4, 0.45]], axr: [[0.3, 0.4, 0.45]],
  // glides
  w: [[0.1, 0.2, 0.9]], y: [[0.15, 0.7, 0]],
  // monophthongs
  iy: [[0.22, 0.9, 0]], ih: [[0.35, 0.8, 0]], eh: [[0.55, 0.75, 0]], ae: [[0.78, 0.75, 0]],
  aa: [[0.95, 0.6, 0.05]], ah: [[0.65, 0.6, 0.1]], ax: [[0.4, 0.55, 0.1]], ao: [[0.75, 0.4, 0.6]],
  uh: [[0.35, 0.35, 0.7]], uw: [[0.2, 0.2, 1]],
  // diphthongs: from, to
  ey: [[0.5, 0.7, 0], [0.3, 0.85, 0]],
  ay: [[0.9, 0.6, 0.05], [0.3, 0.85, 0]],
  aw: [[0.9, 0.6, 0.05], [0.25, 0.25, 0.9]],
  ow: [[0.55, 0.4, 0.6], [0.25, 0.25, 0.9]],
  oy: [[0.6, 0.35, 0.7], [0.3, 0.85, 0]],
}

export const COARTICULATION_SIGMA_S = 0.02
export const VIDEO_FPS = 25
/** Resolution of the target step function. */
const STEP_S = 0.001

export interface MouthTrack {
  /** One shape per video frame, at (k + 0.5) / fps s. */
  shapes: MouthShape[]
  /** Phone names the table does not know (given the neutral target), each once. */
  unknownPhones: string[]
}

/** The video frames of a clip of `seconds` at `fps`: round(seconds * fps), GRID's 75 for 3 s. */
export function videoFrameCount(seconds: number, fps = VIDEO_FPS): number {
  return Math.round(seconds * fps)
}

/** Targets as three step functions sampled every 1 ms over [0, duration). */
function targetSteps(phones: readonly AlignInterval[], duration: number, unknown: Set<string>): Float64Array[] {
  const n = Math.max(1, Math.ceil(duration / STEP_S))
  const curves = [new Float64Array(n), new Float64Array(n), new Float64Array(n)]
  for (let i = 0; i < n; i++) for (let p = 0; p < 3; p++) curves[p]![i] = REST[p]!
  for (const phone of phones) {
    let targets = VISEME_TABLE[phone.label.toLowerCase()]
    if (!targets) {
      unknown.add(phone.label)
      targets = [UNKNOWN_TARGET]
    }
    const from = Math.max(0, Math.round(phone.start / STEP_S))
    const to = Math.min(n, Math.round(phone.end / STEP_S))
    for (let i = from; i < to; i++) {
      const target = targets.length === 1 || i - from < (to - from) / 2 ? targets[0]! : targets[1]!
      for (let p = 0; p < 3; p++) curves[p]![i] = target[p]!
    }
  }
  return curves
}

/** Gaussian smoothing of a 1 ms curve, the edges extended with the end values (rest at both ends). */
function smooth(curve: Float64Array, sigma: number): Float64Array {
  const radius = Math.ceil((3 * sigma) / STEP_S)
  const kernel = Float64Array.from({ length: 2 * radius + 1 }, (_, j) => Math.exp(-0.5 * (((j - radius) * STEP_S) / sigma) ** 2))
  const total = kernel.reduce((a, b) => a + b, 0)
  const out = new Float64Array(curve.length)
  for (let i = 0; i < curve.length; i++) {
    let s = 0
    for (let j = -radius; j <= radius; j++) s += kernel[j + radius]! * curve[Math.min(curve.length - 1, Math.max(0, i + j))]!
    out[i] = s / total
  }
  return out
}

/** The mouth shape at every video frame of a clip of `duration` seconds, from its phone timings. */
export function mouthTrack(phones: readonly AlignInterval[], duration: number, options: { fps?: number; sigma?: number } = {}): MouthTrack {
  const fps = options.fps ?? VIDEO_FPS
  const unknown = new Set<string>()
  const curves = targetSteps(phones, duration, unknown).map((c) => smooth(c, options.sigma ?? COARTICULATION_SIGMA_S))
  const frames = videoFrameCount(duration, fps)
  const shapes: MouthShape[] = []
  for (let k = 0; k < frames; k++) {
    const i = Math.min(curves[0]!.length - 1, Math.floor((k + 0.5) / fps / STEP_S))
    shapes.push({ open: curves[0]![i]!, width: curves[1]![i]!, round: curves[2]![i]! })
  }
  return { shapes, unknownPhones: [...unknown] }
}
