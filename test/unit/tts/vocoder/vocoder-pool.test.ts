import { afterAll, describe, expect, it } from 'vitest'
import type { VocoderFeatures } from '../../../../main/tts/vocoder/defaults'
import { gaussianNoise } from '../../../../main/tts/vocoder/gaussian-noise'
import { framesOfPulses, planSynthesis, synthesise, synthesisePulses } from '../../../../main/tts/vocoder/synthesis'
import { partMadeInThread, setVocoderWorkerEntry, synthesiseInParallel } from '../../../../main/tts/vocoder/vocoder-pool'
import { fs } from './signals'

afterAll(() => setVocoderWorkerEntry(undefined))

/** 2 s of speech-like frames: F0 gliding 100 -> 220 Hz with an unvoiced stretch, a moving formant, mixed aperiodicity. */
function speechLike(frames = 400): VocoderFeatures {
  const bins = 1025
  return {
    sampleRate: fs,
    framePeriodMs: 5,
    f0: Float64Array.from({ length: frames }, (_, t) => (t > 150 && t < 200 ? 0 : 100 + (120 * t) / frames)),
    spectrum: Array.from({ length: frames }, (_, t) => Float64Array.from({ length: bins }, (_, k) => 1e-3 * Math.exp(-(((k - 100 - t / 2) / 60) ** 2)) + 1e-6)),
    aperiodicity: Array.from({ length: frames }, (_, t) => Float64Array.from({ length: bins }, (_, k) => Math.min(1, 0.001 + k / bins + (t > 150 && t < 200 ? 1 : 0)))),
  }
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): { difference: number; peak: number } {
  let difference = 0
  let peak = 0
  for (let i = 0; i < a.length; i++) (difference = Math.max(difference, Math.abs(a[i]! - b[i]!))), (peak = Math.max(peak, Math.abs(a[i]!)))
  return { difference, peak }
}

describe('noise from any place in the sequence', () => {
  it('gives, after skipping k numbers, the numbers k, k+1, ... of the whole sequence (k odd or even, large or small)', () => {
    const whole = gaussianNoise(7)
    const sequence = Array.from({ length: 5000 }, () => whole())
    for (const skip of [0, 1, 2, 3, 1001, 4990]) {
      const part = gaussianNoise(7, skip)
      for (let i = skip; i < Math.min(5000, skip + 10); i++) expect(part()).toBe(sequence[i])
    }
    expect(gaussianNoise(8, 3)()).not.toBe(sequence[3])
  })
})

describe('synthesis in parts', () => {
  it('adds up to the whole synthesis when pulses are made in ranges from the frames each range reads', () => {
    const features = speechLike()
    const whole = synthesise(features)
    const plan = planSynthesis(features)
    const count = plan.pulses.index.length
    const out = new Float64Array(plan.length)
    const cuts = [0, 57, Math.floor(count / 2), count - 3, count]
    for (let c = 0; c + 1 < cuts.length; c++) {
      const [first, last] = framesOfPulses(plan, cuts[c]!, cuts[c + 1]!)
      const window = { spectrum: features.spectrum.slice(first, last + 1), aperiodicity: features.aperiodicity.slice(first, last + 1) }
      const origin = Math.max(0, plan.pulses.index[cuts[c]!]! - plan.fftSize / 2)
      const part = new Float64Array(plan.length - origin)
      synthesisePulses(window, plan, cuts[c]!, cuts[c + 1]!, part, origin, first)
      for (let n = 0; n < part.length; n++) out[origin + n]! += part[n]!
    }
    const { difference, peak } = maxDifference(whole, out)
    expect(peak).toBeGreaterThan(0.01)
    expect(difference).toBeLessThan(1e-6 * peak)
  })
})

describe('synthesiseInParallel', () => {
  it('makes the same samples as synthesise, the second part in the vocoder thread', async () => {
    const features = speechLike()
    const whole = synthesise(features, { seed: 3 })
    const parallel = await synthesiseInParallel(features, { seed: 3 })
    expect(partMadeInThread()).toBe(true)
    expect(parallel.length).toBe(whole.length)
    const { difference, peak } = maxDifference(whole, parallel)
    expect(difference).toBeLessThan(1e-6 * peak)
    // Another seed is other noise: the comparison above can tell samples apart.
    expect(maxDifference(whole, await synthesiseInParallel(features, { seed: 4 })).difference).toBeGreaterThan(1e-3 * peak)
  }, 60_000)

  it('makes everything in this thread, the same samples, where the vocoder thread cannot start', async () => {
    await setVocoderWorkerEntry({ url: new URL('file:///nonexistent/vocoder-worker.js') })
    const features = speechLike(300)
    const parallel = await synthesiseInParallel(features)
    expect(partMadeInThread()).toBe(false)
    const { difference, peak } = maxDifference(synthesise(features), parallel)
    expect(difference).toBeLessThan(1e-6 * peak)
  })
})
