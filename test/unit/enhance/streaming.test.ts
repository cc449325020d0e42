import { describe, expect, it } from 'vitest'
import { contextInput } from '../../../main/enhance/audio-input'
import { frameCount, HOP_LENGTH } from '../../../main/enhance/frames'
import { enhanceWithMask } from '../../../main/enhance/resynthesis'
import { frameSpectra, powerSpectra, SPECTRUM_BINS } from '../../../main/enhance/spectra'
import { STREAM_LATENCY_SAMPLES, STREAM_LATENCY_SECONDS, StreamingEnhancer } from '../../../main/enhance/streaming'
import { audioFeatures } from '../../../main/enhance/train/examples'
import { speechLike, uniformNoise } from './signals'

// A masker that depends on the whole 8 x 500 context (so a wrong row order or frame shows): a binary gain per
// bin from the current frame's feature against the mean of the 7 frames before it, bins past 500 kept.
function contextMask(input: Float32Array): Float32Array {
  const mask = new Float32Array(SPECTRUM_BINS).fill(1)
  for (let k = 0; k < 500; k++) {
    let past = 0
    for (let r = 0; r < 7; r++) past += input[r * 500 + k]!
    mask[k] = input[7 * 500 + k]! > past / 7 - 0.05 ? 1 : 0.2
  }
  return mask
}

const noisy = (n: number): Float32Array => {
  const speech = speechLike(n, 16_000)
  const noise = uniformNoise(n, 5)
  return Float32Array.from(speech, (s, i) => 0.3 * s + 0.05 * noise[i]!)
}

/** The whole-clip path with the same masker: features of every frame, the context of t >= 7, rows 0..6 ones. */
function offline(signal: Float32Array): Float64Array {
  const features = audioFeatures(powerSpectra(frameSpectra(signal)))
  const frames = frameCount(signal.length)
  const mask = new Float32Array(frames * SPECTRUM_BINS).fill(1)
  for (let t = 7; t < frames; t++) mask.set(contextMask(contextInput(features, frames, t)), t * SPECTRUM_BINS)
  return enhanceWithMask(signal, mask)
}

async function stream(signal: Float32Array, block: number): Promise<{ out: Float32Array; streamer: StreamingEnhancer; seen: number[] }> {
  const seen: number[] = []
  const streamer = new StreamingEnhancer(async (t, input) => {
    seen.push(t)
    return contextMask(input)
  })
  const parts: Float32Array[] = []
  for (let at = 0; at < signal.length; at += block) parts.push(await streamer.push(signal.subarray(at, at + block)))
  parts.push(streamer.finish())
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0))
  let at = 0
  for (const p of parts) (out.set(p, at), (at += p.length))
  return { out, streamer, seen }
}

describe('StreamingEnhancer', () => {
  it('states its latency: one frame, 1244 samples = 77.75 ms at 16 kHz', () => {
    expect(STREAM_LATENCY_SAMPLES).toBe(1244)
    expect(STREAM_LATENCY_SECONDS).toBeCloseTo(0.07775, 10)
  })

  it('gives the whole-clip result sample for sample, whatever the block size', async () => {
    const signal = noisy(16_000 + 123)
    const reference = offline(signal)
    for (const block of [311, 1000, 77]) {
      const { out, seen } = await stream(signal, block)
      expect(out.length).toBe(signal.length)
      let worst = 0
      for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i]! - reference[i]!))
      expect(worst).toBeLessThan(1e-6)
      // frames 7..last asked for a mask, in order, once each
      expect(seen).toEqual(Array.from({ length: frameCount(signal.length) - 7 }, (_, i) => i + 7))
    }
    // the mask did something: the output is not the input
    let changed = 0
    for (let i = 3000; i < 16_000; i++) changed = Math.max(changed, Math.abs(reference[i]! - signal[i]!))
    expect(changed).toBeGreaterThan(0.01)
  })

  it('releases a hop of output once the frame that completes it has arrived, never sooner', async () => {
    const signal = noisy(4000)
    const streamer = new StreamingEnhancer(async (_t, input) => contextMask(input))
    expect((await streamer.push(signal.subarray(0, 1243))).length).toBe(0)
    // sample 1244 completes frame 0: samples 0..310 are final, the first of them waited 1243 samples
    expect((await streamer.push(signal.subarray(1243, 1244))).length).toBe(HOP_LENGTH)
    expect((await streamer.push(signal.subarray(1244, 1244 + 310))).length).toBe(0)
    expect((await streamer.push(signal.subarray(1554, 1555))).length).toBe(HOP_LENGTH)
    // the rest at the end: every sample comes out once
    const rest = await streamer.push(signal.subarray(1555))
    expect(2 * HOP_LENGTH + rest.length + streamer.finish().length).toBe(4000)
  })
})
