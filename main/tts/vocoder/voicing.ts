import { realFft } from '../../dsp/features/fft'
import { pitchWindowedSegment } from './pitch-window'

/*
 * D4C LoveTrain (M. Morise, "D4C, a band-aperiodicity estimator for high-quality speech synthesis",
 * Speech Communication 84, 2016, and WORLD's d4c.cpp): the voicing check of a frame that DIO calls voiced.
 * Under a Blackman window 3 periods long, the share of the 100..7900 Hz power that lies in 100..4000 Hz;
 * voiced speech keeps most of its power below 4 kHz, noise and fricatives do not. WORLD's threshold is 0.85.
 */

export const loveTrainThreshold = 0.85
const lowestF0 = 40

/** Per frame, the 100-4000 Hz share of the 100-7900 Hz power; 0 where f0 is 0. */
export function loveTrain(x: Float64Array, sampleRate: number, times: Float64Array, f0: Float64Array): Float64Array {
  const fftSize = 2 ** (1 + Math.floor(Math.log2((3 * sampleRate) / lowestF0 + 1)))
  const boundary0 = Math.ceil((100 * fftSize) / sampleRate)
  const boundary1 = Math.ceil((4000 * fftSize) / sampleRate)
  const boundary2 = Math.min(fftSize / 2, Math.ceil((7900 * fftSize) / sampleRate))
  const fft = realFft(fftSize)
  const frame = new Float64Array(fftSize)
  const share = new Float64Array(f0.length)
  for (let t = 0; t < f0.length; t++) {
    if (f0[t] === 0) continue
    pitchWindowedSegment(x, sampleRate, Math.max(f0[t]!, lowestF0), times[t]!, 'blackman', 3, frame)
    const spectrum = fft.forward(frame)
    let low = 0
    let all = 0
    for (let k = boundary0 + 1; k <= boundary2; k++) {
      const p = spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2
      all += p
      if (k <= boundary1) low += p
    }
    share[t] = all > 0 ? low / all : 0
  }
  return share
}
