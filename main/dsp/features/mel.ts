import { invalid, requireInteger, requirePositive } from './params'
import type { Spectrogram } from './spectrogram'

// librosa's Slaney mel scale (Auditory Toolbox): linear below 1 kHz, logarithmic above.
const F_SP = 200 / 3
const MIN_LOG_HZ = 1000
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP
const LOGSTEP = Math.log(6.4) / 27

/** librosa.hz_to_mel: Slaney by default, HTK (2595 log10(1 + f/700)) with htk. */
export function hzToMel(hz: number, htk = false): number {
  if (htk) return 2595 * Math.log10(1 + hz / 700)
  return hz >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOGSTEP : hz / F_SP
}

/** librosa.mel_to_hz, the inverse of hzToMel. */
export function melToHz(mel: number, htk = false): number {
  if (htk) return 700 * (10 ** (mel / 2595) - 1)
  return mel >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOGSTEP * (mel - MIN_LOG_MEL)) : F_SP * mel
}

/** librosa.mel_frequencies: nMels frequencies evenly spaced in mel from fMin to fMax (numpy.linspace). */
export function melFrequencies(nMels = 128, fMin = 0, fMax = 11025, htk = false): Float64Array {
  const lo = hzToMel(fMin, htk)
  const hi = hzToMel(fMax, htk)
  const step = nMels > 1 ? (hi - lo) / (nMels - 1) : 0
  const out = new Float64Array(nMels)
  for (let i = 0; i < nMels; i++) out[i] = melToHz(i * step + lo, htk)
  if (nMels > 1) out[nMels - 1] = melToHz(hi, htk) // linspace ends exactly on stop
  return out
}

/** librosa.fft_frequencies: numpy.fft.rfftfreq(n_fft, 1/sr), the centre of each of the 1 + nFft/2 bins. */
export function fftFrequencies(sr: number, nFft: number): Float64Array {
  const val = 1 / (nFft * (1 / sr))
  const out = new Float64Array(Math.floor(nFft / 2) + 1)
  for (let k = 0; k < out.length; k++) out[k] = k * val
  return out
}

/** librosa.filters.mel's parameters and defaults (htk=False, norm='slaney'). */
export interface MelOptions {
  sr: number
  nFft: number
  nMels?: number
  fMin?: number
  /** Default sr / 2. */
  fMax?: number
  htk?: boolean
  /** 'slaney' divides each triangle by its width in Hz / 2 (constant area); null leaves peaks at 1. */
  norm?: 'slaney' | null
}

/**
 * Weights [mel][bin] (nMels x (1 + nFft/2), row-major), as librosa.filters.mel returns. Each filter
 * is nonzero only on bins [start[m], end[m]), which is all that applying it reads.
 */
export interface MelFilterbank {
  nMels: number
  bins: number
  weights: Float32Array
  start: Int32Array
  end: Int32Array
}

/** librosa.filters.mel. Filters narrower than a bin come out empty (librosa warns; here they stay zero). */
export function melFilterbank(options: MelOptions): MelFilterbank {
  const sr = requirePositive('sr', options.sr)
  const nFft = requireInteger('n_fft', options.nFft, 2)
  const nMels = requireInteger('n_mels', options.nMels ?? 128, 1)
  const fMin = options.fMin ?? 0
  const fMax = options.fMax ?? sr / 2
  const htk = options.htk ?? false
  const norm = options.norm === undefined ? 'slaney' : options.norm
  if (!(fMin >= 0 && fMax > fMin)) throw invalid(`need 0 <= fmin < fmax: got fmin=${fMin}, fmax=${fMax}`)
  if (norm !== 'slaney' && norm !== null) throw invalid(`mel norm must be 'slaney' or null: got ${String(norm)}`)

  const freqs = fftFrequencies(sr, nFft)
  const bins = freqs.length
  const edges = melFrequencies(nMels + 2, fMin, fMax, htk)
  const weights = new Float32Array(nMels * bins)
  const start = new Int32Array(nMels)
  const end = new Int32Array(nMels)
  for (let m = 0; m < nMels; m++) {
    const [left, centre, right] = [edges[m]!, edges[m + 1]!, edges[m + 2]!]
    const scale = norm === 'slaney' ? 2 / (right - left) : 1
    let first = bins
    let last = 0
    for (let k = 0; k < bins; k++) {
      const f = freqs[k]!
      const w = Math.max(0, Math.min((f - left) / (centre - left), (right - f) / (right - centre)))
      if (w > 0) {
        weights[m * bins + k] = w * scale
        first = Math.min(first, k)
        last = k + 1
      }
    }
    start[m] = Math.min(first, last)
    end[m] = last
  }
  return { nMels, bins, weights, start, end }
}

/**
 * out[outAt + m * stride] = sum_k weights[m][k] * column[k]: one frame through the filterbank,
 * touching only each filter's nonzero bins.
 */
export function applyMelToColumn(
  bank: MelFilterbank,
  column: ArrayLike<number>,
  out: Float32Array,
  outAt: number,
  stride: number,
): void {
  const { weights, start, end, bins } = bank
  for (let m = 0; m < bank.nMels; m++) {
    const row = m * bins
    let sum = 0
    for (let k = start[m]!, stop = end[m]!; k < stop; k++) sum += weights[row + k]! * column[k]!
    out[outAt + m * stride] = sum
  }
}

/** [mel][frame], mel m of frame t at m * frames + t. */
export interface MelSpectrogram {
  nMels: number
  frames: number
  data: Float32Array
}

/** The mel-weighted power spectrogram: librosa.feature.melspectrogram's einsum of S and the filterbank. */
export function applyMel(bank: MelFilterbank, S: Spectrogram): MelSpectrogram {
  if (S.bins !== bank.bins) {
    throw invalid(`the filterbank has ${bank.bins} bins but the spectrogram ${S.bins}; build both with the same n_fft`)
  }
  const { frames } = S
  const column = new Float64Array(S.bins)
  const data = new Float32Array(bank.nMels * frames)
  for (let t = 0; t < frames; t++) {
    for (let k = 0; k < S.bins; k++) column[k] = S.data[k * frames + t]!
    applyMelToColumn(bank, column, data, t, frames)
  }
  return { nMels: bank.nMels, frames, data }
}
