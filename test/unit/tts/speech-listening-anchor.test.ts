import { describe, expect, it } from 'vitest'
import { lowPass } from '../../../main/tts/listening/low-pass'

const rate = 16000
const sine = (hz: number, seconds = 0.5): Float32Array => Float32Array.from({ length: rate * seconds }, (_, n) => Math.sin((2 * Math.PI * hz * n) / rate))
/** RMS in dB over the middle half (away from the edges, where the filter sees zeros). */
function middleRmsDb(x: Float32Array): number {
  const from = Math.floor(x.length / 4)
  const to = Math.floor((3 * x.length) / 4)
  let sum = 0
  for (let i = from; i < to; i++) sum += x[i]! ** 2
  return 10 * Math.log10(sum / (to - from))
}

describe('the MUSHRA low anchor (3.5 kHz low-pass)', () => {
  it('passes speech below 3.5 kHz unchanged and in place, and removes what lies above', () => {
    for (const hz of [200, 1000, 3000]) {
      const x = sine(hz)
      const y = lowPass(x, rate)
      expect(y.length).toBe(x.length)
      expect(Math.abs(middleRmsDb(y) - middleRmsDb(x))).toBeLessThan(0.05)
      // No delay: sample for sample the same wave in the middle.
      for (let n = 4000; n < 4010; n++) expect(y[n]).toBeCloseTo(x[n]!, 2)
    }
    for (const hz of [4500, 6000, 7500]) expect(middleRmsDb(lowPass(sine(hz), rate)) - middleRmsDb(sine(hz))).toBeLessThan(-60)
    // At the cutoff itself the windowed sinc is at half amplitude (-6 dB).
    expect(middleRmsDb(lowPass(sine(3500), rate)) - middleRmsDb(sine(3500))).toBeCloseTo(-6.02, 0)
  })
})
