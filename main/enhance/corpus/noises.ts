import { seededRandom } from '../../compute/seeded-random'
import { PerceptError } from '../../core/errors'
import { ENHANCE_SAMPLE_RATE } from '../frames'

/*
 * Synthetic background noises at 16 kHz, one generator per type, each repeatable from a seed. The types
 * follow CHiME-3's backgrounds (bus, cafe, street, pedestrian) plus babble, so a fixture's noise folder
 * reads like CHiME-3's:
 *   babble      - 6 talkers, each a chain of festival sentences with short gaps, summed at equal level.
 *   bus         - traffic-like: engine rumble (white noise low-passed twice at 120 Hz) with its firing
 *                 harmonics (a 35-55 Hz fundamental drifting slowly), swelling with slow gear and load
 *                 changes (0.05-0.2 Hz), and a faint rattle up to 1.5 kHz. Nearly all energy is below 500 Hz.
 *   cafe        - babble of 8 talkers plus crockery clinks (about 1.2 a second: 3 inharmonic partials at
 *                 2-7 kHz decaying in 30-120 ms).
 *   street      - a steady pink-ish roar (white noise through a 1-pole low-pass at 800 Hz) and distant
 *                 rumble, with vehicles passing (about one every 3 s): a rumble and tyre hiss (1-4 kHz)
 *                 swelling and fading over 1-2 s. Low-heavy but broader than bus.
 *   pedestrian  - a pedestrian area: distant babble (4 talkers, low-passed at 2 kHz), bouts of
 *                 footsteps (thumps of 100-800 Hz at about 2 steps a second) and light traffic rumble.
 * Each recording is scaled to an RMS of 0.1 (-20 dBFS), less where a peak would pass 0.99.
 */

export const NOISE_TYPES = ['babble', 'bus', 'cafe', 'street', 'pedestrian'] as const
export type NoiseType = (typeof NOISE_TYPES)[number]
const FS = ENHANCE_SAMPLE_RATE
const TARGET_RMS = 0.1

/** RBJ cookbook biquad (Direct Form I) in place. */
function biquad(x: Float64Array, kind: 'lowpass' | 'bandpass', hz: number, q: number): Float64Array {
  const w = (2 * Math.PI * hz) / FS
  const alpha = Math.sin(w) / (2 * q)
  const cos = Math.cos(w)
  const a0 = 1 + alpha
  const [b0, b1, b2] = kind === 'lowpass' ? [(1 - cos) / 2, 1 - cos, (1 - cos) / 2] : [alpha, 0, -alpha]
  const a1 = -2 * cos
  const a2 = 1 - alpha
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0
  for (let i = 0; i < x.length; i++) {
    const y = (b0 * x[i]! + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0
    x2 = x1
    x1 = x[i]!
    y2 = y1
    y1 = y
    x[i] = y
  }
  return x
}

function onePoleLowpass(x: Float64Array, hz: number): Float64Array {
  const a = Math.exp((-2 * Math.PI * hz) / FS)
  let y = 0
  for (let i = 0; i < x.length; i++) x[i] = y = (1 - a) * x[i]! + a * y
  return x
}

function white(n: number, random: () => number): Float64Array {
  return Float64Array.from({ length: n }, () => 2 * random() - 1)
}

function rms(x: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!
  return Math.sqrt(s / Math.max(1, x.length))
}

/** out += gain * x / rms(x) (x at unit RMS first, so the gains are level ratios). */
function addAt(out: Float64Array, x: ArrayLike<number>, gain: number): void {
  const r = rms(x)
  if (r === 0) return
  for (let i = 0; i < out.length; i++) out[i]! += (gain * x[i]!) / r
}

function normalised(x: Float64Array): Float32Array {
  let peak = 0
  for (const v of x) peak = Math.max(peak, Math.abs(v))
  const r = rms(x)
  const gain = r === 0 ? 0 : Math.min(TARGET_RMS / r, 0.99 / peak)
  return Float32Array.from(x, (v) => v * gain)
}

/** `talkers` voices, each sentences from `talk` back to back with 50-400 ms gaps from a random start, summed at equal RMS. */
function babble(talk: readonly ArrayLike<number>[], n: number, random: () => number, talkers: number): Float64Array {
  if (talk.length === 0) throw new PerceptError('VALIDATION', 'Babble needs at least one speech recording to build its talkers from.')
  const out = new Float64Array(n)
  for (let t = 0; t < talkers; t++) {
    const voice = new Float64Array(n)
    let at = -Math.floor(random() * talk[Math.floor(random() * talk.length)]!.length)
    while (at < n) {
      const sentence = talk[Math.floor(random() * talk.length)]!
      for (let i = Math.max(0, -at); i < sentence.length && at + i < n; i++) voice[at + i] = sentence[i]!
      at += sentence.length + Math.floor((0.05 + 0.35 * random()) * FS)
    }
    addAt(out, voice, 10 ** ((6 * random() - 3) / 20))
  }
  return out
}

/** Engine rumble, firing harmonics and slow swells (the bus type; also the background of street and pedestrian). */
function rumble(n: number, random: () => number): Float64Array {
  const noise = biquad(biquad(white(n, random), 'lowpass', 120, 0.707), 'lowpass', 120, 0.707)
  const engine = new Float64Array(n)
  const f0 = 35 + 20 * random()
  const drift = 0.03 + 0.05 * random()
  const phase0 = 2 * Math.PI * random()
  let phase = 0
  for (let i = 0; i < n; i++) {
    const t = i / FS
    phase += (2 * Math.PI * f0 * (1 + 0.15 * Math.sin(2 * Math.PI * drift * t + phase0))) / FS
    let s = 0
    for (let h = 1; h <= 4; h++) s += Math.sin(h * phase) / h
    engine[i] = s
  }
  const rattle = biquad(white(n, random), 'lowpass', 1500, 0.707)
  const out = new Float64Array(n)
  addAt(out, noise, 1)
  addAt(out, engine, 0.6)
  addAt(out, rattle, 0.05)
  const [s1, s2, p1, p2] = [0.05 + 0.05 * random(), 0.12 + 0.08 * random(), 2 * Math.PI * random(), 2 * Math.PI * random()]
  for (let i = 0; i < n; i++) {
    const t = i / FS
    out[i]! *= 1 + 0.45 * Math.sin(2 * Math.PI * s1 * t + p1) + 0.25 * Math.sin(2 * Math.PI * s2 * t + p2)
  }
  return out
}

function clinks(n: number, random: () => number): Float64Array {
  const out = new Float64Array(n)
  let at = 0
  for (;;) {
    at += Math.floor((-Math.log(1 - random()) / 1.2) * FS)
    if (at >= n) break
    const amplitude = 0.3 + 0.7 * random()
    for (let p = 0; p < 3; p++) {
      const hz = 2000 + 5000 * random()
      const tau = 0.03 + 0.09 * random()
      for (let i = 0; at + i < n && i < 5 * tau * FS; i++) out[at + i]! += (amplitude * Math.exp(-i / FS / tau) * Math.sin((2 * Math.PI * hz * i) / FS)) / 3
    }
  }
  return out
}

function passingVehicles(n: number, random: () => number): Float64Array {
  const out = new Float64Array(n)
  const body = biquad(white(n, random), 'lowpass', 300, 0.707)
  const hiss = biquad(white(n, random), 'bandpass', 2000, 0.6)
  addAt(body, hiss, 0.35 * rms(body))
  let at = -FS * random()
  for (;;) {
    at += (-Math.log(1 - random()) * 3) * FS
    if (at >= n + 2 * FS) break
    const width = (1 + random()) * FS
    const level = 0.5 + random()
    for (let i = Math.max(0, Math.floor(at - 3 * width)); i < Math.min(n, at + 3 * width); i++) out[i]! += level * Math.exp(-0.5 * ((i - at) / width) ** 2) * body[i]!
  }
  return out
}

function footsteps(n: number, random: () => number): Float64Array {
  const out = new Float64Array(n)
  const thump = biquad(biquad(white(Math.floor(0.06 * FS), random), 'lowpass', 800, 0.707), 'bandpass', 250, 0.8)
  for (let i = 0; i < thump.length; i++) thump[i]! *= Math.exp(-i / FS / 0.015)
  let at = Math.floor(random() * FS)
  while (at < n) {
    const steps = 4 + Math.floor(6 * random())
    const period = (0.45 + 0.1 * random()) * FS
    const level = 0.4 + 0.6 * random()
    for (let s = 0; s < steps && at < n; s++, at += Math.floor(period)) {
      for (let i = 0; i < thump.length && at + i < n; i++) out[at + i]! += level * (0.8 + 0.4 * random()) * thump[i]!
    }
    at += Math.floor((0.5 + 2 * random()) * FS)
  }
  return out
}

/**
 * `seconds` of noise of one type at 16 kHz, repeatable from `seed`. `talk` (16 kHz speech recordings) is
 * needed by babble, cafe and pedestrian and ignored by the others.
 */
export function synthesiseNoise(type: NoiseType, seconds: number, seed: number, talk: readonly ArrayLike<number>[] = []): Float32Array {
  if (!(seconds > 0 && seconds <= 600)) throw new PerceptError('VALIDATION', `A noise recording must last more than 0 and at most 600 s, got ${seconds}.`)
  if (!NOISE_TYPES.includes(type)) throw new PerceptError('VALIDATION', `Unknown noise type "${type}"; choose one of ${NOISE_TYPES.join(', ')}.`)
  const n = Math.round(seconds * FS)
  const random = seededRandom(seed)
  const out = new Float64Array(n)
  switch (type) {
    case 'babble':
      addAt(out, babble(talk, n, random, 6), 1)
      break
    case 'bus':
      addAt(out, rumble(n, random), 1)
      break
    case 'cafe':
      addAt(out, babble(talk, n, random, 8), 1)
      addAt(out, clinks(n, random), 0.35)
      break
    case 'street':
      addAt(out, onePoleLowpass(white(n, random), 800), 0.5)
      addAt(out, rumble(n, random), 0.6)
      addAt(out, passingVehicles(n, random), 1)
      break
    case 'pedestrian':
      addAt(out, biquad(babble(talk, n, random, 4), 'lowpass', 2000, 0.707), 1)
      addAt(out, footsteps(n, random), 0.6)
      addAt(out, rumble(n, random), 0.4)
      break
  }
  return normalised(out)
}
