import { RealFft } from '../../dsp/features/fft'
import { PerceptError } from '../../core/errors'
import { f0CeilHz, f0FloorHz, frameCountFor, framePeriodMs } from './defaults'
import { interp1, matlabRound } from './interpolate'
import { nuttallWindow } from './pitch-window'
import { stoneMask } from './stonemask'
import { loveTrain, loveTrainThreshold } from './voicing'

/*
 * F0 with voicing: DIO (M. Morise, H. Kawahara, H. Katayose, "Fast and reliable F0 estimation method based
 * on the period extraction of vocal fold vibration of singing voice and speech", AES 35th conf., 2009),
 * refined by StoneMask (stonemask.ts), voicing checked by D4C's LoveTrain (voicing.ts). DIO was chosen over
 * Harvest for being simpler and faster; StoneMask supplies the precision DIO's interval estimates lack.
 * DIO, as WORLD writes it:
 *   - the signal, mean removed and high-passed at 50 Hz, is low-passed in bands (channelsInOctave per octave
 *     from the floor up): a Nuttall window 4 * round(fs / boundary / 2) long is the low-pass of the band
 *     whose upper F0 is `boundary`, leaving it nearly a sinusoid when F0 lies in [boundary / 2, boundary];
 *   - in each band four event series give interval-based F0 estimates: negative- and positive-going zero
 *     crossings, peaks and dips (crossings of the derivative), each interpolated to the frame times;
 *   - the band's candidate is their mean and its score their spread relative to it; a candidate outside
 *     the band, or out of [floor, ceil], is void;
 *   - per frame the best-scored candidate is kept, then four fixing passes: a jump of over `allowedRange`
 *     (relative) between frames voids the frame; voiced runs shorter than the window of
 *     2 * round(1000 / period / floor) + 1 frames are voided; voiced runs are extended both ways by the
 *     candidates closest to the extrapolated contour while within `allowedRange`.
 */

export interface F0Options {
  floor?: number
  ceil?: number
  framePeriodMs?: number
  channelsInOctave?: number
  /** Largest relative F0 step between frames in a voiced run (DIO's allowed_range). */
  allowedRange?: number
  /** LoveTrain's threshold: frames whose 100-4000 Hz share of the 100-7900 Hz power is at or below it are unvoiced; 0 keeps DIO's decision. */
  voicingThreshold?: number
}

export interface F0Track {
  /** Frame times, seconds. */
  times: Float64Array
  /** Hz, 0 where unvoiced. */
  f0: Float64Array
}

const noScore = 1e12
const lowCutHz = 50

function checkOptions(sampleRate: number, floor: number, ceil: number, periodMs: number): void {
  if (!(sampleRate >= 4000)) throw new PerceptError('VALIDATION', `F0 analysis needs a sample rate of 4 kHz or more (got ${sampleRate} Hz).`)
  if (!(floor > 0 && ceil > floor && ceil <= sampleRate / 4)) {
    throw new PerceptError('VALIDATION', `The F0 range must satisfy 0 < floor < ceiling <= fs / 4 (got ${floor}..${ceil} Hz at ${sampleRate} Hz).`)
  }
  if (!(periodMs > 0)) throw new PerceptError('VALIDATION', `The frame period must be positive (got ${periodMs} ms).`)
}

/** DIO + StoneMask + LoveTrain: the vocoder's F0 track. */
export function estimateF0(x: Float64Array, sampleRate: number, options: F0Options = {}): F0Track {
  const raw = dio(x, sampleRate, options)
  const f0 = stoneMask(x, sampleRate, raw.times, raw.f0)
  const threshold = options.voicingThreshold ?? loveTrainThreshold
  if (threshold > 0) {
    const share = loveTrain(x, sampleRate, raw.times, f0)
    for (let t = 0; t < f0.length; t++) if (share[t]! <= threshold) f0[t] = 0
  }
  return { times: raw.times, f0 }
}

/** DIO alone: the coarse F0 contour. */
export function dio(x: Float64Array, sampleRate: number, options: F0Options = {}): F0Track {
  const { floor = f0FloorHz, ceil = f0CeilHz, framePeriodMs: period = framePeriodMs, channelsInOctave = 2, allowedRange = 0.1 } = options
  checkOptions(sampleRate, floor, ceil, period)
  const frames = frameCountFor(x.length, sampleRate, period)
  const times = Float64Array.from({ length: frames }, (_, t) => (t * period) / 1000)
  const bands = 1 + Math.floor(Math.log2(ceil / floor) * channelsInOctave)
  const boundaries = Float64Array.from({ length: bands }, (_, i) => floor * 2 ** ((i + 1) / channelsInOctave))
  if (x.length < 2) return { times, f0: new Float64Array(frames) }

  const lowCut = matlabRound(sampleRate / lowCutHz) * 2 + 1
  const longest = 4 * (1 + Math.floor(sampleRate / boundaries[0]! / 2))
  const fftSize = 2 ** (Math.floor(Math.log2(x.length + lowCut + longest)) + 1)
  const fft = new RealFft(fftSize) // not the shared cache: a long signal's plan is large and used once
  const signal = spectrumForEstimation(x, sampleRate, fft, lowCut)

  const candidates: Float64Array[] = []
  const scores: Float64Array[] = []
  const filtered = new Float64Array(fftSize)
  for (const boundary of boundaries) {
    const halfAverage = matlabRound(sampleRate / boundary / 2)
    lowPass(signal, halfAverage, fft, x.length, filtered)
    const { candidate, score } = bandCandidates(filtered, x.length, sampleRate, boundary, floor, ceil, times)
    candidates.push(candidate)
    scores.push(score)
  }
  const best = new Float64Array(frames)
  for (let t = 0; t < frames; t++) {
    let lowest = scores[0]![t]!
    best[t] = candidates[0]![t]!
    for (let b = 1; b < bands; b++) {
      if (scores[b]![t]! < lowest) {
        lowest = scores[b]![t]!
        best[t] = candidates[b]![t]!
      }
    }
  }
  return { times, f0: fixContour(best, candidates, period, floor, allowedRange) }
}

/** The spectrum of x with its mean removed, high-passed by 1 - (Hann of `length` normalised). */
function spectrumForEstimation(x: Float64Array, sampleRate: number, fft: RealFft, length: number): Float64Array {
  const n = fft.size
  const y = new Float64Array(n)
  let mean = 0
  for (let i = 0; i < x.length; i++) mean += x[i]!
  mean /= x.length
  for (let i = 0; i < x.length; i++) y[i] = x[i]! - mean
  const signal = fft.forward(y).slice(0, n + 2)
  // The zero-phase high-pass, laid out circularly about index 0.
  const filter = new Float64Array(n)
  const half = (length - 1) / 2
  let sum = 0
  const hann = new Float64Array(length)
  for (let i = 1; i <= length; i++) sum += hann[i - 1] = 0.5 - 0.5 * Math.cos((i * 2 * Math.PI) / (length + 1))
  for (let i = 0; i < length; i++) filter[(i - half + n) % n] = -hann[i]! / sum
  filter[0]! += 1
  const response = fft.forward(filter)
  multiplyInto(signal, response, n)
  return signal
}

function multiplyInto(a: Float64Array, b: Float64Array, n: number): void {
  for (let k = 0; k <= n / 2; k++) {
    const ar = a[2 * k]!
    const ai = a[2 * k + 1]!
    const br = b[2 * k]!
    const bi = b[2 * k + 1]!
    a[2 * k] = ar * br - ai * bi
    a[2 * k + 1] = ar * bi + ai * br
  }
}

/** The signal low-passed by a Nuttall window of 4 * halfAverage samples, its delay removed. */
function lowPass(signal: Float64Array, halfAverage: number, fft: RealFft, length: number, out: Float64Array): void {
  const n = fft.size
  const window = new Float64Array(n)
  window.set(nuttallWindow(4 * halfAverage))
  const response = fft.forward(window)
  fft.spectrum.set(signal.subarray(0, n + 2))
  multiplyInto(fft.spectrum, response, n)
  const filtered = fft.inverse()
  const delay = 2 * halfAverage
  for (let i = 0; i < length; i++) out[i] = filtered[i + delay] ?? 0
}

interface Intervals {
  locations: Float64Array
  f0: Float64Array
}

/** F0 from successive negative-going zero crossings (interpolated to the sub-sample), at their midpoints. */
function zeroCrossingIntervals(s: Float64Array, length: number, sampleRate: number): Intervals {
  const fine: number[] = []
  for (let i = 0; i < length - 1; i++) {
    if (s[i]! > 0 && s[i + 1]! <= 0) fine.push(i + s[i]! / (s[i]! - s[i + 1]!))
  }
  const count = Math.max(0, fine.length - 1)
  const locations = new Float64Array(count)
  const f0 = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    f0[i] = sampleRate / (fine[i + 1]! - fine[i]!)
    locations[i] = (fine[i]! + fine[i + 1]!) / 2 / sampleRate
  }
  return { locations, f0 }
}

function bandCandidates(filtered: Float64Array, length: number, sampleRate: number, boundary: number, floor: number, ceil: number, times: Float64Array): { candidate: Float64Array; score: Float64Array } {
  const s = filtered.slice(0, length)
  const negative = zeroCrossingIntervals(s, length, sampleRate)
  for (let i = 0; i < length; i++) s[i] = -s[i]!
  const positive = zeroCrossingIntervals(s, length, sampleRate)
  const d = new Float64Array(length - 1)
  for (let i = 0; i < length - 1; i++) d[i] = s[i]! - s[i + 1]!
  const peak = zeroCrossingIntervals(d, length - 1, sampleRate)
  for (let i = 0; i < length - 1; i++) d[i] = -d[i]!
  const dip = zeroCrossingIntervals(d, length - 1, sampleRate)
  const frames = times.length
  const candidate = new Float64Array(frames)
  const score = new Float64Array(frames).fill(noScore)
  const series = [negative, positive, peak, dip]
  // Each series needs three or more intervals to interpolate (WORLD's CheckEvent(count - 2)).
  if (series.some((e) => e.f0.length < 3)) return { candidate, score }
  const interpolated = series.map((e) => interp1(e.locations, e.f0, times))
  for (let t = 0; t < frames; t++) {
    const v = interpolated.map((a) => a[t]!)
    const mean = (v[0]! + v[1]! + v[2]! + v[3]!) / 4
    const spread = Math.sqrt(((v[0]! - mean) ** 2 + (v[1]! - mean) ** 2 + (v[2]! - mean) ** 2 + (v[3]! - mean) ** 2) / 3)
    if (mean > boundary || mean < boundary / 2 || mean > ceil || mean < floor) continue
    candidate[t] = mean
    // WORLD divides the spread by the candidate: a relative score, comparable across bands.
    score[t] = spread / (mean + 1e-12)
  }
  return { candidate, score }
}

function fixContour(best: Float64Array, candidates: Float64Array[], periodMs: number, floor: number, allowedRange: number): Float64Array {
  const frames = best.length
  const range = Math.floor(0.5 + 1000 / periodMs / floor) * 2 + 1
  if (frames <= range) return new Float64Array(frames)
  // Step 1: void the edges and any frame that jumps from the one before.
  const base = new Float64Array(frames)
  for (let t = range; t < frames - range; t++) base[t] = best[t]!
  const step1 = new Float64Array(frames)
  for (let t = range; t < frames; t++) step1[t] = Math.abs((base[t]! - base[t - 1]!) / (1e-12 + base[t]!)) < allowedRange ? base[t]! : 0
  // Step 2: void a frame unless all within +-(range - 1) / 2 are voiced.
  const step2 = step1.slice()
  const centre = (range - 1) / 2
  for (let t = centre; t < frames - centre; t++) {
    for (let j = -centre; j <= centre; j++) {
      if (step1[t + j] === 0) {
        step2[t] = 0
        break
      }
    }
  }
  // Steps 3 and 4: extend each voiced run forwards from its end, backwards from its start.
  const ends: number[] = []
  const starts: number[] = []
  for (let t = 1; t < frames; t++) {
    if (step2[t] === 0 && step2[t - 1] !== 0) ends.push(t - 1)
    else if (step2[t - 1] === 0 && step2[t] !== 0) starts.push(t)
  }
  const step3 = step2.slice()
  ends.forEach((end, i) => {
    const limit = i === ends.length - 1 ? frames - 1 : ends[i + 1]!
    for (let t = end; t < limit; t++) {
      step3[t + 1] = closestCandidate(step3[t]!, t > 0 ? step3[t - 1]! : 0, candidates, t + 1, allowedRange)
      if (step3[t + 1] === 0) break
    }
  })
  const step4 = step3.slice()
  for (let i = starts.length - 1; i >= 0; i--) {
    const limit = i === 0 ? 1 : starts[i - 1]!
    for (let t = starts[i]!; t > limit; t--) {
      step4[t - 1] = closestCandidate(step4[t]!, t + 1 < frames ? step4[t + 1]! : 0, candidates, t - 1, allowedRange)
      if (step4[t - 1] === 0) break
    }
  }
  return step4
}

/** The candidate at `frame` closest to the contour extrapolated from `current` and `past`, or 0 when none is within range. */
function closestCandidate(current: number, past: number, candidates: Float64Array[], frame: number, allowedRange: number): number {
  const reference = past > 0 ? (current * 3 - past) / 2 : current
  if (!(reference > 0)) return 0
  let best = candidates[0]![frame]!
  let error = Math.abs(reference - best)
  for (let b = 1; b < candidates.length; b++) {
    const e = Math.abs(reference - candidates[b]![frame]!)
    if (e < error) {
      error = e
      best = candidates[b]![frame]!
    }
  }
  return Math.abs(1 - best / reference) > allowedRange ? 0 : best
}
