import { realFft, type RealFft } from './fft'
import { invalid, requireInteger } from './params'
import { fftWindow, type WindowName } from './window'

export type Samples = Float32Array | Float64Array

/**
 * Part of a longer signal, so a view of a long recording needs no copy: data[i] is sample
 * offset + i of a signal of `length` samples (zeros outside [0, length), the constant padding).
 */
export interface SignalSlice {
  data: Samples
  offset: number
  length: number
}

/** librosa.stft's parameters and defaults; padMode 'constant' is librosa's default since 0.10 and the only one here. */
export interface StftOptions {
  /** A power of two (fft.js). Default 2048. */
  nFft?: number
  /** Default floor(winLength / 4). */
  hopLength?: number
  /** Default nFft; the window is zero-padded to nFft, centred (librosa.util.pad_center). */
  winLength?: number
  window?: WindowName
  /** Pad nFft/2 zeros each side so frame t is centred on sample t * hopLength. Default true. */
  center?: boolean
  padMode?: 'constant'
}

export interface StftParams {
  nFft: number
  hopLength: number
  winLength: number
  window: WindowName
  center: boolean
}

/**
 * librosa.stft's complex (1 + nFft/2, frames) matrix, split into real and imaginary parts, each
 * row-major [bin][frame]: bin k of frame t is at k * frames + t.
 */
export interface Stft {
  bins: number
  frames: number
  re: Float32Array
  im: Float32Array
}

export function stftParams(options: StftOptions, defaultHop?: number): StftParams {
  const nFft = requireInteger('n_fft', options.nFft ?? 2048, 2)
  const winLength = requireInteger('win_length', options.winLength ?? nFft, 1)
  const hopLength = requireInteger('hop_length', options.hopLength ?? defaultHop ?? Math.floor(winLength / 4), 1)
  const padMode = options.padMode ?? 'constant'
  if (padMode !== 'constant') throw invalid(`pad_mode must be 'constant': got ${String(padMode)}`)
  return { nFft, hopLength, winLength, window: options.window ?? 'hann', center: options.center ?? true }
}

/** Frames of librosa.stft: 1 + len // hop when centred, else 1 + (len - nFft) // hop. */
export function frameCount(signalLength: number, params: StftParams): number {
  const { nFft, hopLength, center } = params
  if (center) return 1 + Math.floor(signalLength / hopLength)
  if (signalLength < nFft) {
    throw invalid(`n_fft=${nFft} is too large for a signal of ${signalLength} samples; use center=true or a smaller n_fft`)
  }
  return 1 + Math.floor((signalLength - nFft) / hopLength)
}

/** The samples [start, end) that frames [startFrame, endFrame) read, clipped to the signal. */
export function frameSampleRange(
  startFrame: number,
  endFrame: number,
  signalLength: number,
  params: StftParams,
): { start: number; end: number } {
  const lead = params.center ? params.nFft / 2 : 0
  const start = Math.min(signalLength, Math.max(0, startFrame * params.hopLength - lead))
  const end = Math.max(start, Math.min(signalLength, (endFrame - 1) * params.hopLength - lead + params.nFft))
  return { start, end }
}

/** Windows and transforms one frame at a time, reusing the FFT plan and buffers. */
export class Framer {
  readonly frames: number
  readonly plan: RealFft
  private readonly window: Float64Array
  private readonly buffer: Float64Array
  private readonly lead: number

  constructor(
    private readonly slice: SignalSlice,
    readonly params: StftParams,
  ) {
    this.plan = realFft(params.nFft)
    this.window = fftWindow(params.window, params.winLength, params.nFft)
    this.buffer = new Float64Array(params.nFft)
    this.frames = frameCount(slice.length, params)
    this.lead = params.center ? params.nFft / 2 : 0
  }

  /** Throws unless the slice holds every sample that frames [startFrame, endFrame) read. */
  checkCovers(startFrame: number, endFrame: number): void {
    const { start, end } = frameSampleRange(startFrame, endFrame, this.slice.length, this.params)
    const { offset, data } = this.slice
    if (start < end && (start < offset || end > offset + data.length)) {
      throw invalid(
        `frames [${startFrame}, ${endFrame}) read samples [${start}, ${end}) but the slice holds ` +
          `[${offset}, ${offset + data.length}); pass those samples (frameSampleRange)`,
      )
    }
  }

  /** rfft of windowed frame t (RealFft.forward's layout), valid until the next call. */
  spectrum(t: number): Float64Array {
    const { buffer, window, slice } = this
    const { data, offset, length } = slice
    const n = buffer.length
    const start = t * this.params.hopLength - this.lead
    if (start >= 0 && start + n <= length) {
      const base = start - offset
      for (let i = 0; i < n; i++) buffer[i] = data[base + i]! * window[i]!
    } else {
      for (let i = 0; i < n; i++) {
        const s = start + i
        buffer[i] = s >= 0 && s < length ? data[s - offset]! * window[i]! : 0
      }
    }
    return this.plan.forward(buffer)
  }
}

/** librosa.stft(y, n_fft, hop_length, win_length, window, center, pad_mode='constant'). */
export function stft(y: Samples, options: StftOptions = {}): Stft {
  const framer = new Framer({ data: y, offset: 0, length: y.length }, stftParams(options))
  const { frames } = framer
  const bins = framer.params.nFft / 2 + 1
  const re = new Float32Array(bins * frames)
  const im = new Float32Array(bins * frames)
  for (let t = 0; t < frames; t++) {
    const x = framer.spectrum(t)
    for (let k = 0, at = t; k < bins; k++, at += frames) {
      re[at] = x[2 * k]!
      im[at] = x[2 * k + 1]!
    }
  }
  return { bins, frames, re, im }
}

export interface IstftOptions {
  hopLength?: number
  winLength?: number
  window?: WindowName
  center?: boolean
  /** Trim or zero-pad the output to exactly this many samples (librosa's `length`). */
  length?: number
}

/** numpy.finfo(float32).tiny: librosa.istft divides only where the envelope exceeds it. */
const FLOAT32_TINY = 1.1754943508222875e-38

/**
 * librosa.istft: weighted overlap-add of the inverse FFTs, each multiplied by the window, divided
 * by the window's sum-square envelope (librosa.filters.window_sumsquare). Reconstructs stft's
 * input wherever the envelope is well above zero, so everywhere when centred.
 */
export function istft(spec: Stft, options: IstftOptions = {}): Float32Array {
  const nFft = 2 * (spec.bins - 1)
  const params = stftParams({ ...options, nFft })
  const { hopLength: hop, center } = params
  const length = options.length === undefined ? undefined : requireInteger('length', options.length, 0)
  const window = fftWindow(params.window, params.winLength, nFft)
  const lead = center ? nFft / 2 : 0
  const nFrames = length === undefined ? spec.frames : Math.min(spec.frames, Math.ceil((length + 2 * lead) / hop))
  const total = nFrames > 0 ? nFft + hop * (nFrames - 1) : 0
  const y = new Float64Array(total)
  const envelope = new Float64Array(total)
  const plan = realFft(nFft)
  const { spectrum } = plan
  for (let t = 0; t < nFrames; t++) {
    for (let k = 0, at = t; k < spec.bins; k++, at += spec.frames) {
      spectrum[2 * k] = spec.re[at]!
      spectrum[2 * k + 1] = spec.im[at]!
    }
    const frame = plan.inverse()
    for (let n = 0, at = t * hop; n < nFft; n++, at++) {
      const w = window[n]!
      y[at]! += w * frame[n]!
      envelope[at]! += w * w
    }
  }
  for (let i = 0; i < total; i++) if (envelope[i]! > FLOAT32_TINY) y[i]! /= envelope[i]!
  const end = length === undefined ? Math.max(lead, total - lead) : lead + length
  const out = new Float32Array(end - lead)
  out.set(y.subarray(lead, Math.min(end, total)))
  return out
}
