import { realFft } from '../../dsp/features/fft'
import { vocoderFftSize } from './defaults'
import { interp1, matlabRound } from './interpolate'
import { nuttallWindow, pitchWindowedSegment } from './pitch-window'
import { dcCorrection, linearSmoothing } from './spectral-smoothing'
import { loveTrain, loveTrainThreshold } from './voicing'

/*
 * D4C (M. Morise, "D4C, a band-aperiodicity estimator for high-quality speech synthesis", Speech
 * Communication 84, 2016; WORLD's d4c.cpp). Per voiced frame at F0 f0:
 *   1. the "static group delay": two Blackman windows 4 periods long at t -+ 1/(4 f0); for each, the
 *      centroid Re(X conj(X_n)) with X_n the spectrum of n * x_w(n) (a group delay times power); their
 *      sum (DC corrected) over the Hann-windowed power (DC corrected, smoothed over f0), smoothed over f0/2,
 *      minus its own smoothing over f0. For a periodic signal it is flat; noise makes it ripple;
 *   2. per coarse band centred every 3 kHz (Nuttall window 2 * 3 kHz wide), the band's ripple spectrum:
 *      the power spectrum of the windowed group delay, sorted; the aperiodicity in dB is the power
 *      outside the strongest `boundary` bins over the total: 10 log10(P_sorted[N/2 - b - 1] / P_sum);
 *   3. corrected by (f0 - 100) / 50 dB and capped at 0 dB.
 * The coarse values, with -60 dB at 0 Hz and ~0 dB at Nyquist, are interpolated linearly (in dB) to the
 * 1025 bins and returned as amplitude ratios 10^(dB/20). Unvoiced frames, and those LoveTrain judges
 * unvoiced, are fully aperiodic (1 - 1e-12, as WORLD).
 * At 16 kHz there is one coarse band: floor(min(15000, fs/2 - 3000) / 3000) = floor(5000 / 3000) = 1.
 */

export const bandSpacingHz = 3000
const upperLimitHz = 15000
const lowestF0 = 47
const fullyAperiodic = 1 - 1e-12
const tiny = 1e-12

/** How many coarse bands D4C measures at `sampleRate` (WORLD's GetNumberOfAperiodicities). */
export const coarseBandCount = (sampleRate: number): number => Math.floor(Math.min(upperLimitHz, sampleRate / 2 - bandSpacingHz) / bandSpacingHz)

/** The coarse band centres, Hz. */
export const coarseBandCentres = (sampleRate: number): number[] => Array.from({ length: coarseBandCount(sampleRate) }, (_, i) => bandSpacingHz * (i + 1))

export interface D4COptions {
  fftSize?: number
  /** LoveTrain's threshold (voicing.ts); 0 turns the check off. */
  threshold?: number
}

export interface D4CResult {
  /** Per frame, 1025 amplitude ratios (fftSize / 2 + 1). */
  aperiodicity: Float64Array[]
  /** Per frame, the coarse bands in dB (0 where unvoiced). */
  coarse: Float64Array[]
}

export function d4c(x: Float64Array, sampleRate: number, times: Float64Array, f0: Float64Array, options: D4COptions = {}): D4CResult {
  const { fftSize = vocoderFftSize, threshold = loveTrainThreshold } = options
  const bands = coarseBandCount(sampleRate)
  const analysisSize = 2 ** (1 + Math.floor(Math.log2((4 * sampleRate) / lowestF0 + 1)))
  const windowLength = Math.floor((bandSpacingHz * analysisSize) / sampleRate) * 2 + 1
  const window = nuttallWindow(windowLength)
  const share = threshold > 0 ? loveTrain(x, sampleRate, times, f0) : null
  const axis = Float64Array.from({ length: fftSize / 2 + 1 }, (_, k) => (k * sampleRate) / fftSize)
  const coarseAxis = Float64Array.from([0, ...coarseBandCentres(sampleRate), sampleRate / 2])
  const aperiodicity: Float64Array[] = []
  const coarse: Float64Array[] = []
  for (let t = 0; t < f0.length; t++) {
    const bandDb = new Float64Array(bands)
    coarse.push(bandDb)
    if (f0[t] === 0 || (share && share[t]! <= threshold)) {
      aperiodicity.push(new Float64Array(fftSize / 2 + 1).fill(fullyAperiodic))
      continue
    }
    const current = Math.max(lowestF0, f0[t]!)
    const groupDelay = staticGroupDelay(x, sampleRate, current, times[t]!, analysisSize)
    coarseAperiodicity(groupDelay, sampleRate, analysisSize, window, bandDb)
    for (let b = 0; b < bands; b++) bandDb[b] = Math.min(0, bandDb[b]! + (current - 100) / 50)
    aperiodicity.push(expandBands(bandDb, coarseAxis, axis))
  }
  return { aperiodicity, coarse }
}

/** Band values in dB to amplitude ratios on `axis` (Hz): linear in dB between -60 dB at 0 Hz, the bands and 0 dB at Nyquist. */
export function expandBands(bandDb: ArrayLike<number>, coarseAxis: Float64Array, axis: Float64Array): Float64Array {
  const knots = Float64Array.from([-60, ...Array.from(bandDb), -tiny])
  const out = interp1(coarseAxis, knots, axis)
  for (let k = 0; k < out.length; k++) out[k] = 10 ** (out[k]! / 20)
  return out
}

function centroid(x: Float64Array, sampleRate: number, f0: number, position: number, fftSize: number): Float64Array {
  const fft = realFft(fftSize)
  const frame = new Float64Array(fftSize)
  pitchWindowedSegment(x, sampleRate, f0, position, 'blackman', 4, frame)
  const extent = matlabRound((2 * sampleRate) / f0) * 2
  let power = 0
  for (let i = 0; i <= extent; i++) power += frame[i]! ** 2
  const scale = power > 0 ? 1 / Math.sqrt(power) : 0
  for (let i = 0; i <= extent; i++) frame[i]! *= scale
  const plain = fft.forward(frame).slice(0, fftSize + 2)
  for (let i = 0; i < fftSize; i++) frame[i]! *= i + 1
  const weighted = fft.forward(frame)
  const out = new Float64Array(fftSize / 2 + 1)
  for (let k = 0; k <= fftSize / 2; k++) out[k] = weighted[2 * k]! * plain[2 * k]! + weighted[2 * k + 1]! * plain[2 * k + 1]!
  return out
}

function staticGroupDelay(x: Float64Array, sampleRate: number, f0: number, position: number, fftSize: number): Float64Array {
  const a = centroid(x, sampleRate, f0, position - 0.25 / f0, fftSize)
  const b = centroid(x, sampleRate, f0, position + 0.25 / f0, fftSize)
  for (let k = 0; k < a.length; k++) a[k]! += b[k]!
  dcCorrection(a, f0, sampleRate, fftSize)

  const fft = realFft(fftSize)
  const frame = new Float64Array(fftSize)
  pitchWindowedSegment(x, sampleRate, f0, position, 'hann', 4, frame)
  const spectrum = fft.forward(frame)
  const power = new Float64Array(fftSize / 2 + 1)
  for (let k = 0; k < power.length; k++) power[k] = spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2
  dcCorrection(power, f0, sampleRate, fftSize)
  linearSmoothing(power, f0, sampleRate, fftSize)

  for (let k = 0; k < a.length; k++) a[k] = a[k]! / (Math.max(0, power[k]!) + tiny)
  linearSmoothing(a, f0 / 2, sampleRate, fftSize)
  const smoother = linearSmoothing(a, f0, sampleRate, fftSize, new Float64Array(a.length))
  for (let k = 0; k < a.length; k++) a[k]! -= smoother[k]!
  return a
}

function coarseAperiodicity(groupDelay: Float64Array, sampleRate: number, fftSize: number, window: Float64Array, out: Float64Array): void {
  const boundary = matlabRound((fftSize * 8) / window.length)
  const half = (window.length - 1) / 2
  const fft = realFft(fftSize)
  const frame = new Float64Array(fftSize)
  const power = new Float64Array(fftSize / 2 + 1)
  for (let b = 0; b < out.length; b++) {
    const centre = Math.floor((bandSpacingHz * (b + 1) * fftSize) / sampleRate)
    frame.fill(0)
    for (let j = 0; j < window.length; j++) frame[j] = groupDelay[centre - half + j]! * window[j]!
    const spectrum = fft.forward(frame)
    for (let k = 0; k < power.length; k++) power[k] = spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2
    power.sort()
    for (let k = 1; k < power.length; k++) power[k]! += power[k - 1]!
    const all = power[power.length - 1]!
    out[b] = all > 0 ? 10 * Math.log10(Math.max(power[power.length - 1 - boundary - 1]!, 1e-300) / all) : 0
  }
}
