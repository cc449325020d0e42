import { describe, expect, it } from 'vitest'
import { postFilteredSpectrum } from '../../../../main/tts/model/cepstral-post-filter'
import { CepstrumSpectra } from '../../../../main/tts/model/cepstrum-graph'
import { melCepstrumToSpectrum } from '../../../../main/tts/vocoder/mel-cepstrum'

describe('mel-cepstra to spectra in one graph run', () => {
  it('gives melCepstrumToSpectrum and postFilteredSpectrum frame by frame (float32 products: within 1e-5 in log power)', async () => {
    const frames = 5
    const mc = Float64Array.from({ length: frames * 60 }, (_, i) => {
      const m = i % 60
      const t = Math.floor(i / 60)
      return m === 0 ? -3 - 0.2 * t : (0.8 * Math.cos(m * (1.3 + 0.1 * t))) / (m + 1)
    })
    const graph = await CepstrumSpectra.open(59, 1025)
    try {
      const plain = await graph.spectra(mc, frames, 0)
      const sharp = await graph.spectra(mc, frames, 0.4)
      // The vocoder's bins only: exactly every other bin of the whole spectra.
      for (const [beta, whole] of [[0, plain], [0.4, sharp]] as const) {
        const halved = await graph.spectra(mc, frames, beta, 2)
        for (let t = 0; t < frames; t++) expect(Array.from(halved[t]!)).toEqual(Array.from(whole[t]!.filter((_, k) => k % 2 === 0)))
      }
      expect(plain).toHaveLength(frames)
      for (let t = 0; t < frames; t++) {
        const frame = mc.subarray(t * 60, (t + 1) * 60)
        const a = melCepstrumToSpectrum(frame, 1025)
        const b = postFilteredSpectrum(frame, 1025, 0.4)
        for (let k = 0; k < 1025; k++) {
          expect(Math.abs(Math.log(plain[t]![k]!) - Math.log(a[k]!))).toBeLessThan(1e-5)
          expect(Math.abs(Math.log(sharp[t]![k]!) - Math.log(b[k]!))).toBeLessThan(1e-5)
        }
      }
    } finally {
      await graph.release()
    }
  })
})
