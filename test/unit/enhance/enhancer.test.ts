import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PerceptError } from '../../../main/core/errors'
import { contextInput } from '../../../main/enhance/audio-input'
import type { LipInput } from '../../../main/enhance/corpus/lips'
import { readLipsArgument, streamClip } from '../../../main/enhance/enhance-file'
import { ENHANCE_BATCH, enhanceClip, warmUpEnhancer, type EnhanceModel } from '../../../main/enhance/enhancer'
import { applyMask, overlapAdd } from '../../../main/enhance/resynthesis'
import { resolveEnhanceModel } from '../../../main/enhance/model-choice'
import { frameSpectra, powerSpectra, SPECTRUM_BINS } from '../../../main/enhance/spectra'
import { audioFeatures } from '../../../main/enhance/train/examples'
import { maskGain } from '../../../main/enhance/train/mask-gain'
import { speechLike, uniformNoise } from './signals'

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
  it('masks frames 7.. in batches of 32, passes frames 0..6 unchanged, reports the firing rates', async () => {
    const signal = Float32Array.from(speechLike(16_000, 16_000))
    const model = lowPassModel()
    const clip = await enhanceClip(model, signal, null, 'binary')
    // 1 + floor((16000 - 1244) / 311) = 48 frames, 41 estimated: a batch of 32, then one of 9
    expect(ENHANCE_BATCH).toBe(32)
    expect(clip.frames).toBe(48)
    expect(model.calls).toEqual([32, 9])
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

/** Gains of one frame that read the whole 8 x 500 context and the lips (so a wrong frame, row or lip crop shows). */
function contextGains(audio: Float32Array, lips: Float32Array | null, out: Float32Array): void {
  const lip = lips ? lips[17]! + lips[4000]! : 0
  for (let k = 0; k < SPECTRUM_BINS; k++) {
    const b = k % 500
    const v = 4 * audio[7 * 500 + b]! - audio[b]! - audio[3 * 500 + b]! - audio[6 * 500 + ((b + 3) % 500)]! + 0.3 * lip
    out[k] = 1 / (1 + Math.exp(-8 * (v - 0.6)))
  }
}

/** A model computing contextGains frame by frame (whatever the batch), with rates from its inputs. */
function contextModel(withLips: boolean): EnhanceModel & { calls: number[] } {
  const calls: number[] = []
  return {
    id: 'context',
    kind: withLips ? 'multimodal' : 'unimodal',
    withLips,
    layers: ['a'],
    calls,
    async masks(audio, lips, n) {
      calls.push(n)
      const mask = new Float32Array(n * SPECTRUM_BINS)
      const rates = new Float32Array(n)
      for (let i = 0; i < n; i++) {
        contextGains(audio.subarray(i * 4000, (i + 1) * 4000), lips ? lips.subarray(i * 4600, (i + 1) * 4600) : null, mask.subarray(i * SPECTRUM_BINS))
        rates[i] = audio[i * 4000 + 7 * 500 + 20]!
      }
      return { mask, rates }
    },
    release: async () => {},
  }
}

/** Lips of a 25 fps video for `samples` at 16 kHz: every video frame a different grey pattern, frame t at video floor((311 t + 622) / 640). */
function testLips(samples: number): LipInput {
  const frames = 1 + Math.floor((samples - 1244) / 311)
  const videoFrames = Math.ceil((samples / 16_000) * 25)
  const noise = uniformNoise(videoFrames * 4600, 8)
  return {
    width: 92,
    height: 50,
    videoFrames,
    frames: Float32Array.from(noise, (v) => 0.5 + 0.5 * v),
    stftFrames: frames,
    stftToVideo: Int32Array.from({ length: frames }, (_, t) => Math.min(videoFrames - 1, Math.floor((t * 311 + 622) / 640))),
    replacedFrames: [],
    pastVideoEnd: 0,
    notes: [],
  }
}

describe('enhanceClip against the straightforward computation', () => {
  // The fast path (features of the input bins only, contexts as slices, batches, one-pass resynthesis)
  // pinned to the steps spelt out: audioFeatures of all 622 bins, contextInput per frame, the model one
  // frame at a time, applyMask, then overlapAdd.
  const samples = 20_000 // 1 + floor((20000 - 1244) / 311) = 61 frames, 54 masked: batches of 32 and 22
  const signal = Float32Array.from(speechLike(samples, 16_000), (s, i) => 0.3 * s + 0.02 * uniformNoise(samples, 3)[i]!)

  async function reference(withLips: boolean, lips: LipInput | null, kind: 'binary' | 'soft'): Promise<{ enhanced: Float64Array; mask: Float32Array; rate: number }> {
    const spectra = frameSpectra(signal)
    const features = audioFeatures(powerSpectra(spectra))
    const mask = new Float32Array(spectra.frames * SPECTRUM_BINS).fill(1)
    let rate = 0
    for (let t = 7; t < spectra.frames; t++) {
      const input = contextInput(features, spectra.frames, t)
      const lip = withLips ? lips!.frames.subarray(lips!.stftToVideo[t]! * 4600, (lips!.stftToVideo[t]! + 1) * 4600) : null
      const gains = new Float32Array(SPECTRUM_BINS)
      contextGains(input, lip, gains)
      for (let k = 0; k < SPECTRUM_BINS; k++) mask[t * SPECTRUM_BINS + k] = kind === 'binary' ? (gains[k]! >= 0.5 ? 1 : 0) : gains[k]!
      rate += Math.fround(input[7 * 500 + 20]!)
    }
    return { enhanced: overlapAdd(applyMask(spectra, mask), samples), mask, rate: rate / (spectra.frames - 7) }
  }

  for (const withLips of [false, true]) {
    for (const kind of ['soft', 'binary'] as const) {
      it(`${withLips ? 'multimodal' : 'unimodal'}, ${kind} mask: the same mask, samples and rates, whole and streaming`, async () => {
        const lips = withLips ? testLips(samples) : null
        const expected = await reference(withLips, lips, kind)
        const model = contextModel(withLips)
        const clip = await enhanceClip(model, signal, lips, kind)
        expect(model.calls).toEqual([32, 22])
        expect(Array.from(clip.mask)).toEqual(Array.from(expected.mask))
        const masked = expected.mask.subarray(7 * SPECTRUM_BINS)
        // the mask is neither all kept nor all dropped
        expect(masked.filter((g) => g >= 0.5).length / masked.length).toBeGreaterThan(0.05)
        expect(masked.filter((g) => g < 0.5).length / masked.length).toBeGreaterThan(0.05)
        let worst = 0
        for (let i = 0; i < samples; i++) worst = Math.max(worst, Math.abs(clip.enhanced[i]! - expected.enhanced[i]!))
        expect(worst).toBeLessThan(1e-12)
        expect(clip.firingRates.a).toBeCloseTo(expected.rate, 6)
        const streamed = await streamClip(contextModel(withLips), signal, lips, kind)
        worst = 0
        for (let i = 0; i < samples; i++) worst = Math.max(worst, Math.abs(streamed.enhanced[i]! - expected.enhanced[i]!))
        expect(worst).toBeLessThan(1e-6) // float32 output
        expect(streamed.firingRates.a).toBeCloseTo(expected.rate, 6)
      })
    }
  }

  it("applies the package's input mapping and gain floor, whole and streaming", async () => {
    // a package trained with a mapping of its own and a -10 dB floor (train/mask-gain.ts)
    const feature = { floor: 1e-6, scale: 0.2, offset: 0.4 }
    const gainFloor = 10 ** (-10 / 20)
    const spectra = frameSpectra(signal)
    const features = Float32Array.from(powerSpectra(spectra), (p) => Math.log10(p + feature.floor) * feature.scale + feature.offset)
    for (const kind of ['soft', 'binary'] as const) {
      const mask = new Float32Array(spectra.frames * SPECTRUM_BINS).fill(1)
      const gains = new Float32Array(SPECTRUM_BINS)
      for (let t = 7; t < spectra.frames; t++) {
        contextGains(contextInput(features, spectra.frames, t), null, gains)
        for (let k = 0; k < SPECTRUM_BINS; k++) mask[t * SPECTRUM_BINS + k] = maskGain(gains[k]!, kind, gainFloor)
      }
      const expected = overlapAdd(applyMask(spectra, mask), samples)
      const model = { ...contextModel(false), feature, gainFloor }
      const clip = await enhanceClip(model, signal, null, kind)
      expect(Array.from(clip.mask)).toEqual(Array.from(mask))
      // nothing below the floor, and the floor reached (the default mapping would give other gains)
      expect(Math.min(...clip.mask)).toBeCloseTo(gainFloor, kind === 'binary' ? 6 : 1)
      const streamed = await streamClip(model, signal, null, kind)
      let worst = 0
      for (let i = 0; i < samples; i++) worst = Math.max(worst, Math.abs(clip.enhanced[i]! - expected[i]!), Math.abs(streamed.enhanced[i]! - expected[i]!))
      expect(worst).toBeLessThan(1e-6)
    }
    const plain = await enhanceClip(contextModel(false), signal, null, 'soft')
    const mapped = await enhanceClip({ ...contextModel(false), feature, gainFloor: 0 }, signal, null, 'soft')
    expect(Array.from(plain.mask)).not.toEqual(Array.from(mapped.mask))
  })

  it('warms up on a second of noise in the batches a clip uses, lips included for a multimodal model', async () => {
    const model = contextModel(true)
    expect(await warmUpEnhancer(model)).toBeGreaterThan(0)
    expect(model.calls).toEqual([32, 9])
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
