import { powerToDbInPlace, type DbOptions } from './db'
import { delta, type DeltaOptions } from './delta'
import { applyMelToColumn, melFilterbank, type MelFilterbank, type MelOptions, type MelSpectrogram } from './mel'
import { invalid } from './params'
import { Framer, stftParams, type Samples, type SignalSlice, type StftOptions, type StftParams } from './stft'

/**
 * librosa.feature.melspectrogram's parameters and defaults (n_fft=2048, hop_length=512 whatever
 * n_fft is, window='hann', center=True, pad_mode='constant', power=2, filters.mel's htk=False and
 * norm='slaney'), plus power_to_db's (ref=1, amin=1e-10, top_db=80).
 */
export interface LogMelOptions extends StftOptions, Omit<MelOptions, 'sr' | 'nFft'>, DbOptions {}

/** Filterbanks melFrames built, by their parameters: building one took a tenth of a 4 s clip's log-mel. */
const banks = new Map<string, MelFilterbank>()

/** melFilterbank(options), built once per set of parameters (what it returns is only read). */
function cachedFilterbank(options: MelOptions): MelFilterbank {
  // String() tells undefined (the default, 'slaney') from null (no norm), as join() would not.
  const key = [options.sr, options.nFft, options.nMels, options.fMin, options.fMax, options.htk, options.norm].map(String).join('/')
  let bank = banks.get(key)
  if (!bank) {
    bank = melFilterbank(options)
    if (banks.size >= 16) banks.clear()
    banks.set(key, bank)
  }
  return bank
}

/**
 * The power mel spectrogram of frames [startFrame, endFrame) of `slice`, frame by frame: one FFT
 * plan and buffer, only each filter's nonzero bins, no full STFT held in memory.
 */
function melFrames(
  slice: SignalSlice,
  sr: number,
  options: LogMelOptions,
  startFrame: number,
  endFrame: number,
): MelSpectrogram & { startFrame: number } {
  const params = logMelStftParams(options)
  const framer = new Framer(slice, params)
  const bank = cachedFilterbank({ ...options, sr, nFft: params.nFft })
  if (!Number.isInteger(startFrame) || !(startFrame >= 0) || !(endFrame >= startFrame)) {
    throw invalid(`need integer frames 0 <= startFrame <= endFrame: got [${startFrame}, ${endFrame})`)
  }
  const first = Math.min(startFrame, framer.frames)
  const last = Math.min(Math.floor(endFrame), framer.frames)
  framer.checkCovers(first, last)
  const frames = last - first
  const power = new Float64Array(bank.bins)
  const data = new Float32Array(bank.nMels * frames)
  for (let t = first; t < last; t++) {
    const x = framer.spectrum(t)
    for (let k = 0; k < power.length; k++) power[k] = x[2 * k]! * x[2 * k]! + x[2 * k + 1]! * x[2 * k + 1]!
    applyMelToColumn(bank, power, data, t - first, frames)
  }
  return { nMels: bank.nMels, frames, data, startFrame: first }
}

/** The STFT parameters a log-mel uses (hop 512 by default), for frameCount and frameSampleRange. */
export function logMelStftParams(options: LogMelOptions = {}): StftParams {
  return stftParams(options, 512)
}

const whole = (y: Samples): SignalSlice => ({ data: y, offset: 0, length: y.length })

/** librosa.feature.melspectrogram(y=y, sr=sr, ...): power mel spectrogram [mel][frame]. */
export function melSpectrogram(y: Samples, sr: number, options: LogMelOptions = {}): MelSpectrogram {
  const { nMels, frames, data } = melFrames(whole(y), sr, options, 0, Infinity)
  return { nMels, frames, data }
}

/** power_to_db(melspectrogram(y, sr, ...)): [mel][frame] in dB, mel m of frame t at m * frames + t. */
export function logMelSpectrogram(y: Samples, sr: number, options: LogMelOptions = {}): MelSpectrogram {
  const mel = melSpectrogram(y, sr, options)
  powerToDbInPlace(mel.data, options)
  return mel
}

/** The log-mel spectrogram and its librosa.feature.delta (same [mel][frame] layout). */
export function logMelWithDelta(
  y: Samples,
  sr: number,
  options: LogMelOptions & { delta?: DeltaOptions } = {},
): MelSpectrogram & { delta: Float32Array } {
  const mel = logMelSpectrogram(y, sr, options)
  return { ...mel, delta: delta(mel.data, mel.nMels, mel.frames, options.delta) }
}

/**
 * Frames [startFrame, endFrame) of the log-mel spectrogram of the whole signal that `slice` is
 * part of, for a view of a long recording. The range is clipped to the signal's frames (the
 * result's startFrame says where it begins). The slice need hold only the samples
 * frameSampleRange(startFrame, endFrame, slice.length, logMelStftParams(options)) and is not
 * copied. Each frame equals the whole signal's before the dB step; top_db clips below the range's
 * own maximum (pass topDb: null to keep every value).
 */
export function logMelRange(
  slice: SignalSlice,
  sr: number,
  startFrame: number,
  endFrame: number,
  options: LogMelOptions = {},
): MelSpectrogram & { startFrame: number } {
  const mel = melFrames(slice, sr, options, startFrame, endFrame)
  powerToDbInPlace(mel.data, options)
  return mel
}
