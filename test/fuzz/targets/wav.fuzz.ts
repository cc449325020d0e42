import { decodeAudio } from '../../../main/dsp/io'
import { wavSeeds } from '../audio-check'
import type { FuzzTarget } from '../target'

/** WAV (PCM, float, extensible) through the content sniffer every sound file passes. */
const target: FuzzTarget = {
  async seeds() {
    return wavSeeds(64, 0.5)
  },
  async check(bytes) {
    await decodeAudio(bytes, 'fuzz.wav')
  },
}
export default target
