// Audio features following librosa's definitions and defaults (see each module).
export { RealFft, realFft } from './fft'
export { BluesteinFft, bluesteinFft } from './bluestein-fft'
export { fftWindow, getWindow, padCenter, type WindowName } from './window'
export {
  Framer,
  frameCount,
  frameSampleRange,
  istft,
  stft,
  stftParams,
  type IstftOptions,
  type Samples,
  type SignalSlice,
  type Stft,
  type StftOptions,
  type StftParams,
} from './stft'
export { magnitudeSpectrogram, powerSpectrogram, spectrogram, type Spectrogram } from './spectrogram'
export {
  applyMel,
  applyMelToColumn,
  fftFrequencies,
  hzToMel,
  melFilterbank,
  melFrequencies,
  melToHz,
  type MelFilterbank,
  type MelOptions,
  type MelSpectrogram,
} from './mel'
export { powerToDb, powerToDbInPlace, type DbOptions } from './db'
export { delta, savgolWeights, type DeltaOptions } from './delta'
export {
  logMelRange,
  logMelSpectrogram,
  logMelStftParams,
  logMelWithDelta,
  melSpectrogram,
  type LogMelOptions,
} from './logmel'
export { decodeNpy, encodeNpy, writeNpy } from './npy'
