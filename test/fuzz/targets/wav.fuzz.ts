import { decodeAudio, encodeWav, type WavEncoding } from '../../../main/dsp/io'
import type { FuzzTarget } from '../target'

/** WAV (PCM, float, extensible) through the content sniffer every sound file passes. */
const encodings: WavEncoding[] = ['pcm8', 'pcm16', 'pcm24', 'pcm32', 'float32', 'float64']

const target: FuzzTarget = {
  async seeds() {
    const tone = (channels: number) => ({
      sampleRate: 8000,
      channels: Array.from({ length: channels }, (_, c) => Float32Array.from({ length: 64 }, (_, i) => Math.sin((i * (c + 1)) / 5) * 0.5)),
    })
    return encodings.map((encoding, i) => encodeWav(tone(1 + (i % 3)), encoding))
  },
  async check(bytes) {
    await decodeAudio(bytes, 'fuzz.wav')
  },
}
export default target
