import { RealFft } from '../../dsp/features/fft'
import { PerceptError } from '../../core/errors'
import type { VocoderFeatures } from './defaults'
import { gaussianNoise } from './gaussian-noise'
import { MinimumPhase } from './minimum-phase'
import { RealInverseFft } from './real-inverse-fft'

/*
 * WORLD's synthesis (Morise, Yokomori, Ozawa, "WORLD: a vocoder-based high-quality speech synthesis
 * system for real-time applications", IEICE Trans. E99-D, 2016; synthesis.cpp), pulse by pulse:
 *   - pulses where the phase 2 pi sum(f0 / fs) wraps, F0 read per sample from the frames; unvoiced stretches
 *     get pulses at a fixed rate that only carry noise;
 *   - per pulse, the envelope S and aperiodicity ratio r = ap^2 of the time (two frames interpolated) give
 *     a periodic response, minimum phase with |H|^2 = S (1 - r), delayed by the pulse's fractional sample
 *     position and with its DC removed, scaled by sqrt(T) (T: samples to the next pulse), plus an aperiodic
 *     one, minimum phase with |H|^2 = S r, driven by T samples of white Gaussian noise;
 *   - their sum, one inverse FFT, is overlap-added at the pulse.
 * Choices of ours, for speed (issue 15's synthesis budget) with the same result to the ear:
 *   - frames are interpolated in the log domain (WORLD: in power), so no logarithm is taken per pulse;
 *   - unvoiced pulses at 200 Hz (WORLD: 500 Hz), the noise segments one frame period long, not 2 ms;
 *   - the DC removal subtracts the response's whole DC as a raised cosine spanning the FFT frame, which in
 *     the frequency domain touches bins 0 and 1 only (WORLD does it in the time domain);
 *   - `fftSize` may be smaller than the analysis FFT (the log envelope is read at the coarser bins): the
 *     minimum-phase responses of CheapTrick's smooth envelopes are far shorter than 1024 samples at 16 kHz.
 * What does not depend on the spectra (pulses, noise segments, voicing) is planned first (planSynthesis), so
 * that ranges of pulses can be made apart and added (synthesisePulses; vocoder-pool.ts uses two threads).
 */

export interface SynthesisOptions {
  /** Samples of output; by default the frames' span. */
  length?: number
  /** The FFT of the per-pulse responses: a power of two, at most the analysis FFT (2 * (bins - 1)); 1024 by default. */
  fftSize?: number
  /** Seed of the noise, so a synthesis repeats exactly. */
  seed?: number
}

const unvoicedPulseHz = 200
/** 64 ms responses: on festival speech the same MCD as 2048 (1.71 vs 1.72 dB) at about 60 % of the time; 512 lost 0.4 dB. */
const defaultFftSize = 1024
const safeMin = 0.001
const safeMax = 0.999999999999
const tiny = 1e-12

/**
 * What a synthesis does, fixed before any pulse is made: the pulses, each one's noise segment (its length
 * and where it starts in the seeded noise) and which frames are voiced; so any range of pulses can be made
 * apart from the rest (vocoder-pool.ts makes two at once) and their sum is the whole synthesis.
 */
export interface SynthesisPlan {
  frames: number
  /** Bins of the envelope and aperiodicity (analysis FFT / 2 + 1). */
  bins: number
  fftSize: number
  seed: number
  /** Samples per frame. */
  hop: number
  length: number
  pulses: Pulses
  /** Samples of noise of each pulse's segment (up to the next pulse, at most fftSize). */
  noiseSize: Int32Array
  /** Normals of noise drawn before each pulse. */
  noiseStart: Float64Array
  /** 1 where a frame's periodic part is on (voiced, not fully aperiodic). */
  periodicOn: Uint8Array
}

export function planSynthesis(features: VocoderFeatures, options: SynthesisOptions = {}): SynthesisPlan {
  const { f0, spectrum, aperiodicity, sampleRate, framePeriodMs } = features
  const frames = f0.length
  const bins = frames === 0 ? 1025 : spectrum[0]!.length
  const analysisFft = 2 * (bins - 1)
  const { fftSize = Math.min(analysisFft, defaultFftSize), seed = 1 } = options
  if (frames > 0) checkInputs(features, bins, fftSize, analysisFft)
  const hop = (sampleRate * framePeriodMs) / 1000
  const length = options.length ?? Math.round(frames * hop)
  const periodicOn = new Uint8Array(frames)
  for (let t = 0; t < frames; t++) {
    const ap0 = Math.min(safeMax, Math.max(safeMin, aperiodicity[t]![0]!))
    periodicOn[t] = f0[t]! > 0 && ap0 * ap0 <= 0.999 ? 1 : 0
  }
  const pulses = frames === 0 ? { index: new Int32Array(0), shift: new Float64Array(0), voiced: new Uint8Array(0) } : pulseTrain(f0, hop, sampleRate, length)
  const count = pulses.index.length
  const noiseSize = new Int32Array(count)
  const noiseStart = new Float64Array(count)
  for (let i = 0, drawn = 0; i < count; i++) {
    const at = pulses.index[i]!
    noiseSize[i] = Math.max(1, Math.min(fftSize, (i + 1 < count ? pulses.index[i + 1]! : length) - at))
    noiseStart[i] = drawn
    drawn += noiseSize[i]!
  }
  return { frames, bins, fftSize, seed, hop, length, pulses, noiseSize, noiseStart, periodicOn }
}

export function synthesise(features: VocoderFeatures, options: SynthesisOptions = {}): Float32Array {
  const plan = planSynthesis(features, options)
  const out = new Float64Array(plan.length)
  synthesisePulses(features, plan, 0, plan.pulses.index.length, out)
  return Float32Array.from(out)
}

/** The first and last frame that pulses from..to-1 read. */
export function framesOfPulses(plan: SynthesisPlan, from: number, to: number): [number, number] {
  if (to <= from) return [0, -1]
  const first = Math.min(plan.frames - 1, Math.floor(plan.pulses.index[from]! / plan.hop))
  const last = Math.min(plan.frames - 1, Math.floor(plan.pulses.index[to - 1]! / plan.hop) + 1)
  return [first, last]
}

/**
 * Pulses from..to-1 overlap-added into `out`, whose sample 0 is the synthesis's sample `origin`; the
 * envelope and aperiodicity arrays may start at frame `firstFrame` (what framesOfPulses names is enough).
 */
export function synthesisePulses(
  frameData: Pick<VocoderFeatures, 'spectrum' | 'aperiodicity'>,
  plan: SynthesisPlan,
  from: number,
  to: number,
  out: Float64Array,
  origin = 0,
  firstFrame = 0,
): void {
  const { spectrum, aperiodicity } = frameData
  const { frames, fftSize, hop, length, pulses, noiseSize, periodicOn } = plan
  const half = fftSize / 2
  const stride = (plan.bins - 1) / half
  if (to <= from) return

  // Per frame, the two log amplitudes, read at the synthesis bins: made when a pulse first needs the frame,
  // into three rotating slots (pulses move forward, and a pulse reads frames t and t + 1), so a sentence
  // allocates no per-frame arrays.
  const slotFrame = [-1, -1, -1]
  const periodicSlots = [0, 1, 2].map(() => new Float64Array(half + 1))
  const aperiodicSlots = [0, 1, 2].map(() => new Float64Array(half + 1))
  const slotOf = (t: number): number => {
    const slot = t % 3
    if (slotFrame[slot] === t) return slot
    slotFrame[slot] = t
    const p = periodicSlots[slot]!
    const a = aperiodicSlots[slot]!
    const envelope = spectrum[t - firstFrame]!
    const ratios = aperiodicity[t - firstFrame]!
    for (let k = 0; k <= half; k++) {
      const s = envelope[k * stride]!
      const ap = Math.min(safeMax, Math.max(safeMin, ratios[k * stride]!))
      const ratio = ap * ap
      p[k] = 0.5 * Math.log(s * (1 - ratio) + tiny)
      a[k] = 0.5 * Math.log(s * ratio + tiny)
    }
    return slot
  }

  const fft = new RealFft(fftSize)
  const minimumPhase = new MinimumPhase(fftSize)
  const inverse = new RealInverseFft(fftSize)
  const noise = gaussianNoise(plan.seed, plan.noiseStart[from]!)
  const log = new Float64Array(half + 1)
  const periodic = new Float64Array(fftSize + 2)
  const aperiodic = new Float64Array(fftSize + 2)
  const segment = new Float64Array(fftSize)
  const sum = inverse.spectrum
  for (let i = from; i < to; i++) {
    const at = pulses.index[i]!
    const size = noiseSize[i]!
    const u = Math.min(frames - 1, at / hop)
    const t0 = Math.floor(u)
    const t1 = Math.min(frames - 1, t0 + 1)
    const w = u - t0
    const voiced = pulses.voiced[i] === 1 && periodicOn[w < 0.5 ? t0 : t1] === 1
    const s0 = slotOf(t0)
    const s1 = slotOf(t1)

    // The noise segment's spectrum times the aperiodic response.
    let mean = 0
    for (let n = 0; n < size; n++) mean += segment[n] = noise()
    mean /= size
    for (let n = 0; n < size; n++) segment[n]! -= mean
    segment.fill(0, size)
    const noiseSpectrum = fft.forward(segment)
    lerp(aperiodicSlots[s0]!, aperiodicSlots[s1]!, w, log)
    minimumPhase.spectrum(log, aperiodic)
    for (let k = 0; k <= half; k++) {
      const ar = aperiodic[2 * k]!
      const ai = aperiodic[2 * k + 1]!
      const nr = noiseSpectrum[2 * k]!
      const ni = noiseSpectrum[2 * k + 1]!
      sum[2 * k] = ar * nr - ai * ni
      sum[2 * k + 1] = ar * ni + ai * nr
    }
    if (voiced) {
      lerp(periodicSlots[s0]!, periodicSlots[s1]!, w, log)
      minimumPhase.spectrum(log, periodic)
      // DC removed: a raised cosine over the frame, of area 1, holds DC in bin 0 and half of it in bin 1.
      const dc = periodic[0]!
      periodic[0] = 0
      periodic[2]! -= dc / 2
      // The fractional delay exp(-i w_k shift), by a rotation per bin.
      const step = (-2 * Math.PI * pulses.shift[i]!) / fftSize
      const cs = Math.cos(step)
      const sn = Math.sin(step)
      let rr = Math.sqrt(size)
      let ri = 0
      for (let k = 0; k <= half; k++) {
        const pr = periodic[2 * k]!
        const pi = periodic[2 * k + 1]!
        sum[2 * k]! += pr * rr - pi * ri
        sum[2 * k + 1]! += pr * ri + pi * rr
        const nr = rr * cs - ri * sn
        ri = rr * sn + ri * cs
        rr = nr
      }
    }
    const response = inverse.inverse()
    // response[0] belongs at the pulse; the wrapped tail (n >= N/2) just before it.
    const end = Math.min(length, at + half)
    for (let n = at, j = 0; n < end; n++, j++) out[n - origin]! += response[j]!
    const start = Math.max(0, at - half)
    for (let n = start, j = fftSize - (at - start); n < at; n++, j++) out[n - origin]! += response[j]!
  }
}

function lerp(a: Float64Array, b: Float64Array, w: number, out: Float64Array): void {
  if (a === b || w === 0) return void out.set(a)
  for (let k = 0; k < out.length; k++) out[k] = a[k]! + w * (b[k]! - a[k]!)
}

export interface Pulses {
  index: Int32Array
  /** Fractional delay past `index`, samples. */
  shift: Float64Array
  voiced: Uint8Array
}

/** Pulse positions from the phase of the per-sample F0 (held across voicing edges, 200 Hz where unvoiced). */
export function pulseTrain(f0: Float64Array, hop: number, sampleRate: number, length: number): Pulses {
  const frames = f0.length
  const index: number[] = []
  const shift: number[] = []
  const voiced: number[] = []
  let phase = 0
  for (let n = 0; n < length; n++) {
    const u = Math.min(frames - 1, n / hop)
    const t0 = Math.floor(u)
    const t1 = Math.min(frames - 1, t0 + 1)
    const w = u - t0
    const a = f0[t0]!
    const b = f0[t1]!
    const near = w < 0.5 ? a : b
    const current = near === 0 ? 0 : a > 0 && b > 0 ? a + w * (b - a) : near
    const increment = (2 * Math.PI * (current > 0 ? current : unvoicedPulseHz)) / sampleRate
    if (n === 0) {
      index.push(0)
      shift.push(0)
      voiced.push(current > 0 ? 1 : 0)
    }
    const next = phase + increment
    if (next < 2 * Math.PI) {
      phase = next
      continue
    }
    // The phase reaches 2 pi a fraction x = (2 pi - phase) / increment of the way from n to n + 1.
    const x = (2 * Math.PI - phase) / increment
    if (n + 1 < length) {
      index.push(x >= 1 ? n + 1 : n)
      shift.push(x >= 1 ? 0 : x)
      voiced.push(current > 0 ? 1 : 0)
    }
    phase = next - 2 * Math.PI
  }
  return { index: Int32Array.from(index), shift: Float64Array.from(shift), voiced: Uint8Array.from(voiced) }
}

function checkInputs(features: VocoderFeatures, bins: number, fftSize: number, analysisFft: number): void {
  const { f0, spectrum, aperiodicity, sampleRate, framePeriodMs } = features
  if (!(sampleRate > 0) || !(framePeriodMs > 0)) throw new PerceptError('VALIDATION', `Synthesis needs a positive sample rate and frame period (got ${sampleRate} Hz, ${framePeriodMs} ms).`)
  if (spectrum.length !== f0.length || aperiodicity.length !== f0.length) {
    throw new PerceptError('VALIDATION', `F0, spectral envelope and aperiodicity must have one entry per frame (got ${f0.length}, ${spectrum.length} and ${aperiodicity.length}).`)
  }
  if (!Number.isInteger(Math.log2(analysisFft)) || spectrum.some((s) => s.length !== bins) || aperiodicity.some((a) => a.length !== bins)) {
    throw new PerceptError('VALIDATION', `Every frame's envelope and aperiodicity must have the same 2^k + 1 bins (the first has ${bins}).`)
  }
  if (!Number.isInteger(Math.log2(fftSize)) || fftSize > analysisFft || fftSize < 64) {
    throw new PerceptError('VALIDATION', `The synthesis FFT size must be a power of two from 64 to ${analysisFft} (got ${fftSize}).`)
  }
  if (f0.some((v) => !(v >= 0) || !Number.isFinite(v))) throw new PerceptError('VALIDATION', 'F0 values must be finite and 0 or more (0 = unvoiced).')
}
