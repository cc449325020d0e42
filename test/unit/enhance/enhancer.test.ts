import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PerceptError } from '../../../main/core/errors'
import { readLipsArgument } from '../../../main/enhance/enhance-file'
import { enhanceClip, type EnhanceModel } from '../../../main/enhance/enhancer'
import { resolveEnhanceModel } from '../../../main/enhance/model-choice'
import { frameSpectra, SPECTRUM_BINS } from '../../../main/enhance/spectra'
import { speechLike } from './signals'

const dir = mkdtempSync(join(tmpdir(), 'percept-enhancer-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A model whose mask keeps bins 1..100 and drops the rest, with two layers' rates; records what it was given. */
function lowPassModel(withLips = false): EnhanceModel & { calls: number[] } {
  const calls: number[] = []
  return {
    id: 'low-pass',
    kind: withLips ? 'multimodal' : 'unimodal',
    withLips,
    layers: ['a', 'b'],
    calls,
    async masks(_audio, _lips, n) {
      calls.push(n)
      const mask = new Float32Array(n * SPECTRUM_BINS)
      for (let i = 0; i < n; i++) for (let k = 0; k < SPECTRUM_BINS; k++) mask[i * SPECTRUM_BINS + k] = k < 100 ? 0.9 : 0.1
      const rates = new Float32Array(n * 2)
      for (let i = 0; i < n; i++) rates.set([0.25, 0.75], 2 * i)
      return { mask, rates }
    },
    release: async () => {},
  }
}

describe('enhanceClip', () => {
  it('masks frames 7.. in batches of 64, passes frames 0..6 unchanged, reports the firing rates', async () => {
    const signal = Float32Array.from(speechLike(16_000, 16_000))
    const model = lowPassModel()
    const clip = await enhanceClip(model, signal, null, 'binary')
    // 1 + floor((16000 - 1244) / 311) = 48 frames, 41 estimated: one batch of 41
    expect(clip.frames).toBe(48)
    expect(model.calls).toEqual([41])
    expect(Array.from(clip.mask.subarray(0, 7 * SPECTRUM_BINS)).every((v) => v === 1)).toBe(true)
    expect(clip.mask[7 * SPECTRUM_BINS + 99]).toBe(1)
    expect(clip.mask[7 * SPECTRUM_BINS + 100]).toBe(0)
    expect(clip.firingRates).toEqual({ a: 0.25, b: 0.75, network: 0.5 })
    // before frame 7 starts (sample 2177) only unmasked frames cover the signal: unchanged
    for (let i = 0; i < 2177; i += 97) expect(clip.enhanced[i]).toBeCloseTo(signal[i]!, 5)
    // later, bins above 100 (1.29 kHz) are gone: a 4 kHz tone beside a 300 Hz one loses > 30 dB, the 300 Hz one < 1 dB
    const tones = Float32Array.from({ length: 16_000 }, (_, n) => Math.sin((2 * Math.PI * 300 * n) / 16_000) + Math.sin((2 * Math.PI * 4000 * n) / 16_000))
    const toned = await enhanceClip(lowPassModel(), tones, null, 'binary')
    const band = (x: ArrayLike<number>, from: number, to: number): number => {
      const s = frameSpectra(Array.from({ length: 1244 }, (_, n) => x[8000 + n]!))
      let e = 0
      for (let k = from; k < to; k++) e += s.re[k]! ** 2 + s.im[k]! ** 2
      return e
    }
    expect(10 * Math.log10(band(tones, 300, 322) / band(toned.enhanced, 300, 322))).toBeGreaterThan(30)
    expect(Math.abs(10 * Math.log10(band(tones, 15, 32) / band(toned.enhanced, 15, 32)))).toBeLessThan(1)
    const soft = await enhanceClip(lowPassModel(), signal, null, 'soft')
    expect(soft.mask[7 * SPECTRUM_BINS + 100]).toBeCloseTo(0.1, 6)
  })

  it('refuses a clip under 8 frames and a multimodal model without lips, saying what to give', async () => {
    await expect(enhanceClip(lowPassModel(), new Float32Array(3000), null, 'binary', 'short.wav')).rejects.toThrow(/short.wav is 0.188 s .* at least 8 are needed, so give a clip of at least 3421 samples/)
    await expect(enhanceClip(lowPassModel(true), new Float32Array(16_000), null)).rejects.toThrow(/multimodal model: give the speaker's lip frames \(--lips/)
  })
})

describe('enhance run inputs', () => {
  it('asks for frames when --lips is a video file, and for a folder when it is another file', async () => {
    writeFileSync(join(dir, 'clip.mp4'), 'x')
    writeFileSync(join(dir, 'notes.txt'), 'x')
    await expect(readLipsArgument(join(dir, 'clip.mp4'), 16_000)).rejects.toThrow(/clip.mp4 is a video file: extract its frames first .* crop the lips to 92 x 50/)
    await expect(readLipsArgument(join(dir, 'notes.txt'), 16_000)).rejects.toThrow(/takes a folder of numbered 92 x 50 lip frames/)
    await expect(readLipsArgument(join(dir, 'nothing'), 16_000)).rejects.toThrow(PerceptError)
  })

  it('names the missing bundled model and how to get one', async () => {
    mkdirSync(join(dir, 'bundled', 'enhance'), { recursive: true })
    const error = await resolveEnhanceModel(undefined, join(dir, 'models'), join(dir, 'bundled'), true).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PerceptError)
    expect((error as PerceptError).code).toBe('NOT_FOUND')
    expect((error as Error).message).toMatch(/bundled multimodal model is not in this installation .*percept enhance train --dataset <corpus> --model multimodal/)
    await expect(resolveEnhanceModel('no-such', join(dir, 'models'), join(dir, 'bundled'), false)).rejects.toThrow(/No model "no-such"/)
  })
})
