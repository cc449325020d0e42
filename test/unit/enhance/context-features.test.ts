import { describe, expect, it } from 'vitest'
import { contextInput } from '../../../main/enhance/audio-input'
import { contextBatch, CONTEXT_SIZE, frameInputFeatures, inputFeatures } from '../../../main/enhance/context-features'
import { RFFT_VALUES } from '../../../main/enhance/frame-rfft'
import { frameSpectra, powerSpectra } from '../../../main/enhance/spectra'
import { audioFeatures } from '../../../main/enhance/train/examples'
import { speechLike, uniformNoise } from './signals'

// The enhancer's inputs cut from the spectra must be the training inputs (examples.ts: audioFeatures of
// every bin, then contextInput frame by frame) to the last bit, or the model sees other numbers than it learnt on.
describe('context features', () => {
  const signal = Float64Array.from(speechLike(9000, 16_000), (s, i) => 0.3 * s + 0.01 * uniformNoise(9000, 2)[i]!)
  const spectra = frameSpectra(signal)
  const frames = spectra.frames
  const reference = audioFeatures(powerSpectra(spectra))

  it('gives every frame t >= 7 the 8 x 500 context contextInput builds from audioFeatures, bit for bit', () => {
    expect(frames).toBe(25)
    const features = inputFeatures(spectra)
    expect(features.length).toBe(frames * 500)
    const batch = contextBatch(features, 9, 13, new Float32Array(13 * CONTEXT_SIZE))
    for (let i = 0; i < 13; i++) {
      expect(Array.from(batch.subarray(i * CONTEXT_SIZE, (i + 1) * CONTEXT_SIZE))).toEqual(Array.from(contextInput(reference, frames, 9 + i)))
    }
    // the features vary (a constant would pass the comparison above for a wrong row as well)
    expect(new Set(batch.subarray(0, CONTEXT_SIZE)).size).toBeGreaterThan(3000)
  })

  it('computes one frame from its interleaved rfft as from the whole spectra', () => {
    const t = 12
    const spectrum = new Float64Array(RFFT_VALUES)
    for (let k = 0; k < 623; k++) {
      spectrum[2 * k] = spectra.re[t * 623 + k]!
      spectrum[2 * k + 1] = spectra.im[t * 623 + k]!
    }
    const row = new Float32Array(510)
    frameInputFeatures(spectrum, row, 10)
    expect(Array.from(row.subarray(10))).toEqual(Array.from(reference.subarray(t * 622, t * 622 + 500)))
  })

  it('refuses frames without a full context', () => {
    const features = inputFeatures(spectra)
    expect(() => contextBatch(features, 6, 1, new Float32Array(CONTEXT_SIZE))).toThrow(/no full contexts for frames 6..6/)
    expect(() => contextBatch(features, 20, 6, new Float32Array(6 * CONTEXT_SIZE))).toThrow(/no full contexts/)
  })
})
