import type { Stft } from './stft'

/** |STFT|^power, laid out like the Stft: [bin][frame], bin k of frame t at k * frames + t. */
export interface Spectrogram {
  bins: number
  frames: number
  data: Float32Array
}

/** librosa's _spectrogram: np.abs(stft) ** power. */
export function spectrogram(spec: Stft, power: number): Spectrogram {
  const { re, im } = spec
  const data = new Float32Array(re.length)
  for (let i = 0; i < data.length; i++) {
    const p = re[i]! * re[i]! + im[i]! * im[i]!
    data[i] = power === 2 ? p : Math.pow(p, power / 2)
  }
  return { bins: spec.bins, frames: spec.frames, data }
}

/** power=1. */
export function magnitudeSpectrogram(spec: Stft): Spectrogram {
  return spectrogram(spec, 1)
}

/** power=2, what librosa.feature.melspectrogram weights. */
export function powerSpectrogram(spec: Stft): Spectrogram {
  return spectrogram(spec, 2)
}
