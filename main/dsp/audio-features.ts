import { mixdown, type AudioData } from './audio-data'
import { logMelWithDelta, logMelSpectrogram } from './features'
import { resample } from './io'

export interface LogMelFeatureOptions {
  /** Target sample rate; the audio is resampled first when it differs. */
  sr: number
  nFft: number
  hopLength: number
  nMels: number
  /** Add the delta as a second channel. */
  delta: boolean
}

/** A float32 tensor in C order. */
export interface FeatureTensor {
  data: Float32Array
  shape: number[]
}

/**
 * The model input the papers' classifiers take (and `percept audio features` writes): the mono
 * mixdown, resampled to `sr`, as a log-mel spectrogram (librosa defaults otherwise), shape
 * (channels, n_mels, frames) with channel 0 the log-mel and channel 1, when asked, its delta.
 */
export async function logMelFeatures(audio: AudioData, options: LogMelFeatureOptions): Promise<FeatureTensor> {
  let mono = mixdown(audio)
  if (audio.sampleRate !== options.sr) mono = await resample(mono, audio.sampleRate, options.sr)
  const params = { nFft: options.nFft, hopLength: options.hopLength, nMels: options.nMels }
  if (!options.delta) {
    const mel = logMelSpectrogram(mono, options.sr, params)
    return { data: mel.data, shape: [1, mel.nMels, mel.frames] }
  }
  const mel = logMelWithDelta(mono, options.sr, params)
  const data = new Float32Array(mel.data.length * 2)
  data.set(mel.data)
  data.set(mel.delta, mel.data.length)
  return { data, shape: [2, mel.nMels, mel.frames] }
}
