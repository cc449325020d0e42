import { PerceptError } from '../../core/errors'
import { realFft } from '../../dsp/features'
import { resample } from '../../dsp/io'

/*
 * Short-Time Objective Intelligibility, as Taal, Hendriks, Heusdens and Jensen define it (IEEE TASLP 19(7),
 * 2011) and as their reference stoi.m computes it, step by step:
 *  1. both signals at 10 kHz (resampled otherwise: here with the project's band-limited resampler, where
 *     stoi.m calls MATLAB's resample; pystoi likewise uses its own filter, a few 1e-3 of STOI apart);
 *  2. silent frames removed: 256-sample frames (symmetric Hann, MATLAB hanning(256)) every 128 samples,
 *     starting while start < length - 256; frames more than 40 dB below the clean signal's loudest frame
 *     are dropped from both signals, the rest overlap-added back (removeSilentFrames);
 *  3. STFT: the same frames and window, a 512-point FFT, bins 0..256 (stdft);
 *  4. 15 one-third-octave bands, centres 150 * 2^(k/3) Hz, edges 150 * 2^((2k -+ 1)/6) Hz snapped to the
 *     nearest FFT bin, a band holding bins [low, high) (thirdoct); band envelopes sqrt(sum |X|^2);
 *  5. every run of N = 30 consecutive frames (384 ms): the processed envelope normalised to the clean one's
 *     energy per band, clipped to at most (1 + 10^(-beta/20)) times the clean one, beta = -15 dB, then
 *     the correlation coefficient of the two 30-frame envelopes;
 *  6. STOI = the mean of those correlations over bands and segments.
 * Like pystoi we add numpy's float eps to the norms so that a silent band gives 0, not NaN.
 */

export const STOI_RATE = 10_000
const FRAME = 256
const HOP = 128
const NFFT = 512
const BANDS = 15
const MIN_FREQ = 150
const SEGMENT = 30
const BETA_DB = -15
const DYNAMIC_RANGE_DB = 40
const EPS = 2.220446049250313e-16

/** MATLAB's hanning(N): the symmetric Hann window without its zero end points, 0.5 (1 - cos(2 pi (n+1) / (N+1))). */
function matlabHanning(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => 0.5 * (1 - Math.cos((2 * Math.PI * (i + 1)) / (n + 1))))
}

const window = matlabHanning(FRAME)

/** Frame starts of stoi.m (1:K:(length(x)-N) in MATLAB's 1-based indexing). */
function frameStarts(length: number): number[] {
  const starts: number[] = []
  for (let s = 0; s < length - FRAME; s += HOP) starts.push(s)
  return starts
}

/** removeSilentFrames of stoi.m: both signals keep the frames where the clean one is within 40 dB of its loudest. */
export function removeSilentFrames(x: ArrayLike<number>, y: ArrayLike<number>): { x: Float64Array; y: Float64Array } {
  const starts = frameStarts(x.length)
  const level = starts.map((s) => {
    let sum = 0
    for (let n = 0; n < FRAME; n++) sum += (x[s + n]! * window[n]!) ** 2
    return 20 * Math.log10(Math.sqrt(sum) / Math.sqrt(FRAME))
  })
  const loudest = Math.max(...level)
  const kept = starts.filter((_, j) => level[j]! - loudest + DYNAMIC_RANGE_DB > 0)
  const length = kept.length ? (kept.length - 1) * HOP + FRAME : 0
  const xs = new Float64Array(length)
  const ys = new Float64Array(length)
  kept.forEach((s, count) => {
    const o = count * HOP
    for (let n = 0; n < FRAME; n++) {
      xs[o + n]! += x[s + n]! * window[n]!
      ys[o + n]! += y[s + n]! * window[n]!
    }
  })
  return { x: xs, y: ys }
}

/** thirdoct of stoi.m: for each band, the FFT bins [low, high) it sums. */
export function thirdOctaveBands(fs = STOI_RATE, nfft = NFFT, bands = BANDS, minFreq = MIN_FREQ): [number, number][] {
  const bins = nfft / 2 + 1
  const nearest = (hz: number): number => {
    let best = 0
    for (let k = 1; k < bins; k++) if (((k * fs) / nfft - hz) ** 2 < ((best * fs) / nfft - hz) ** 2) best = k
    return best
  }
  return Array.from({ length: bands }, (_, k) => [nearest(minFreq * 2 ** ((2 * k - 1) / 6)), nearest(minFreq * 2 ** ((2 * k + 1) / 6))])
}

const bandEdges = thirdOctaveBands()

/** One-third-octave band envelopes, row-major [band][frame], of a signal at 10 kHz. */
function bandEnvelopes(signal: Float64Array): { frames: number; env: Float64Array } {
  const starts = frameStarts(signal.length)
  const plan = realFft(NFFT)
  const frame = new Float64Array(NFFT)
  const env = new Float64Array(BANDS * starts.length)
  starts.forEach((s, m) => {
    for (let n = 0; n < FRAME; n++) frame[n] = signal[s + n]! * window[n]!
    const spectrum = plan.forward(frame)
    bandEdges.forEach(([low, high], j) => {
      let sum = 0
      for (let k = low; k < high; k++) sum += spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2
      env[j * starts.length + m] = Math.sqrt(sum)
    })
  })
  return { frames: starts.length, env }
}

/** STOI of `processed` against `clean`, both already at 10 kHz and of equal length. */
export function stoiAt10k(clean: ArrayLike<number>, processed: ArrayLike<number>): number {
  if (clean.length !== processed.length) {
    throw new PerceptError('VALIDATION', `STOI compares signals of equal length; got ${clean.length} and ${processed.length} samples. Trim or align them first.`)
  }
  const { x, y } = removeSilentFrames(clean, processed)
  const X = bandEnvelopes(x)
  const Y = bandEnvelopes(y)
  const frames = X.frames
  if (frames < SEGMENT) {
    throw new PerceptError(
      'VALIDATION',
      `STOI needs at least ${SEGMENT} frames (about 0.4 s) of speech that is not silent; this clean signal gives ${frames}. Use a longer clip.`,
    )
  }
  const clip = 1 + 10 ** (-BETA_DB / 20)
  const xs = new Float64Array(SEGMENT)
  const ys = new Float64Array(SEGMENT)
  let total = 0
  for (let m = SEGMENT - 1; m < frames; m++) {
    for (let j = 0; j < BANDS; j++) {
      const base = j * frames + m - SEGMENT + 1
      let ex = 0
      let ey = 0
      for (let i = 0; i < SEGMENT; i++) {
        xs[i] = X.env[base + i]!
        ys[i] = Y.env[base + i]!
        ex += xs[i]! ** 2
        ey += ys[i]! ** 2
      }
      const alpha = Math.sqrt(ex) / (Math.sqrt(ey) + EPS)
      let mx = 0
      let my = 0
      for (let i = 0; i < SEGMENT; i++) {
        ys[i] = Math.min(ys[i]! * alpha, xs[i]! * clip)
        mx += xs[i]!
        my += ys[i]!
      }
      mx /= SEGMENT
      my /= SEGMENT
      let sxy = 0
      let sxx = 0
      let syy = 0
      for (let i = 0; i < SEGMENT; i++) {
        const dx = xs[i]! - mx
        const dy = ys[i]! - my
        sxy += dx * dy
        sxx += dx * dx
        syy += dy * dy
      }
      total += sxy / ((Math.sqrt(sxx) + EPS) * (Math.sqrt(syy) + EPS))
    }
  }
  return total / (BANDS * (frames - SEGMENT + 1))
}

/** STOI of `processed` against `clean` at `sampleRate` (resampled to 10 kHz when it differs). */
export async function stoi(clean: Float32Array, processed: Float32Array, sampleRate: number): Promise<number> {
  if (sampleRate === STOI_RATE) return stoiAt10k(clean, processed)
  const [x, y] = await Promise.all([resample(clean, sampleRate, STOI_RATE), resample(processed, sampleRate, STOI_RATE)])
  return stoiAt10k(x, y)
}
