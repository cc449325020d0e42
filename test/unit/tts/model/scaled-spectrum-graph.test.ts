import { describe, expect, it } from 'vitest'
import { ScaledSpectra } from '../../../../main/tts/model/scaled-spectrum-graph'

describe("the MDNN's 0..1 spectra to power in one graph run", () => {
  it('gives exp(offset + scaled * scale) bin by bin, as the JavaScript loop did (float32: within 1e-5 in log power)', async () => {
    const bins = 1025
    const frames = 7
    // Log-power ranges like a voice's: minima around -25, spans of 10 to 30.
    const offset = Float64Array.from({ length: bins }, (_, k) => -25 + 4 * Math.sin(k / 90))
    const scale = Float64Array.from({ length: bins }, (_, k) => 10 + 20 * (k / bins))
    const scaled = Float32Array.from({ length: frames * bins }, (_, i) => 0.5 + 0.45 * Math.sin(i * 0.013) * Math.cos(i * 0.0007))
    const graph = await ScaledSpectra.open(offset, scale)
    try {
      const power = await graph.spectra(scaled, frames)
      expect(power).toHaveLength(frames)
      for (let t = 0; t < frames; t++) {
        expect(power[t]).toHaveLength(bins)
        for (let k = 0; k < bins; k++) {
          const reference = offset[k]! + scaled[t * bins + k]! * scale[k]!
          expect(Math.abs(Math.log(power[t]![k]!) - reference)).toBeLessThan(1e-5)
        }
      }
    } finally {
      await graph.release()
    }
  })
})
