/** Decoded audio as every dsp function takes it: one float32 array per channel, full scale +-1. */
export interface AudioData {
  sampleRate: number
  /** Channel-major, all the same length. */
  channels: Float32Array[]
}

/** Frames (samples per channel). */
export function frameCount(audio: AudioData): number {
  return audio.channels[0]?.length ?? 0
}

/** The mean of the channels (librosa's to_mono); the channel itself when there is one. */
export function mixdown(audio: AudioData): Float32Array {
  const [first, ...rest] = audio.channels
  if (!first) return new Float32Array(0)
  if (rest.length === 0) return first
  const out = new Float32Array(first)
  for (const channel of rest) for (let i = 0; i < out.length; i++) out[i]! += channel[i]!
  const scale = 1 / audio.channels.length
  for (let i = 0; i < out.length; i++) out[i]! *= scale
  return out
}
