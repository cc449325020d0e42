import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeWav, encodeWav } from '../../main/dsp/io'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'
import { writeTinyCorpus } from '../unit/enhance/train/tiny-corpus'

// `percept enhance train --out` then `percept enhance run --model` as a user chains them, on the built app:
// trial-sized Unimodal and Multimodal networks trained for an epoch on a tiny corpus, then files enhanced
// with them, whole and streaming, and every bad input the command must name.
let home: string
let cleanup: () => void
const cli = (args: string[]) => runCli(['enhance', ...args], { PERCEPT_HOME: join(home, 'workspace') })
const wav = (path: string) => decodeWav(new Uint8Array(readFileSync(path)))
let noisy: string
let lips: string

beforeAll(async () => {
  requireBuild()
  ;({ home, cleanup } = tempHome('percept-cli-enhance-run-'))
  writeTinyCorpus(join(home, 'corpus'), { utterances: 4, seconds: 0.5, seed: 9 })
  noisy = join(home, 'corpus', 'speakers', 's1', 'audio', 'utt0.wav')
  lips = join(home, 'corpus', 'speakers', 's1', 'video', 'utt0')
  for (const model of ['unimodal', 'multimodal']) {
    const trained = await cli(['train', '--dataset', join(home, 'corpus'), '--model', model, '--epochs', '1', '--conv-channels', '2', '--embedding', '4', '--out', join(home, model), '--json'])
    expect(trained.code, trained.stderr).toBe(0)
    expect(JSON.parse(trained.stdout).out).toBe(join(home, model))
  }
}, 240_000)
afterAll(() => cleanup())

describe('percept enhance run', () => {
  it('enhances a file with a trained package, and streaming gives the same samples', async () => {
    const out = join(home, 'y.wav')
    const run = await cli(['run', '--noisy', noisy, '--model', join(home, 'unimodal'), '--out', out, '--json'])
    expect(run.code, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result).toMatchObject({ model: 'unimodal', kind: 'unimodal', frames: 22, sampleRate: 16000, mask: 'soft', streaming: null, lips: null })
    expect(result.seconds).toBeGreaterThan(0)
    expect(result.realTimeFactor).toBeCloseTo(result.seconds / 0.5, 6)
    // the warm-up (a second of noise through the same path) is timed apart from the clip
    expect(result.warmUpSeconds).toBeGreaterThan(0)
    expect(result.cpuSeconds).toBeGreaterThan(0)
    expect(Object.keys(result.firingRates)).toEqual(['audio_conv1', 'audio_conv2', 'audio_embed', 'mask', 'network'])
    const enhanced = wav(out)
    const input = wav(noisy)
    expect(enhanced.sampleRate).toBe(16000)
    expect(enhanced.channels[0]!.length).toBe(8000)
    // frames 0..6 alone cover samples before 2177: passed unchanged
    for (let i = 0; i < 2177; i += 50) expect(enhanced.channels[0]![i]).toBeCloseTo(input.channels[0]![i]!, 5)

    const streamed = await cli(['run', '--noisy', noisy, '--model', join(home, 'unimodal'), '--out', join(home, 'y-stream.wav'), '--stream', '--json'])
    expect(streamed.code, streamed.stderr).toBe(0)
    expect(JSON.parse(streamed.stdout).streaming).toMatchObject({ latencySamples: 1244, latencySeconds: 0.07775, hopSamples: 311 })
    const a = enhanced.channels[0]!
    const b = wav(join(home, 'y-stream.wav')).channels[0]!
    let worst = 0
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!))
    expect(worst).toBeLessThan(1e-5)
  }, 60_000)

  it('resamples other rates and says so', async () => {
    const input = wav(noisy).channels[0]!
    // 8 kHz: every other sample
    const half = Float32Array.from({ length: input.length / 2 }, (_, i) => input[2 * i]!)
    writeFileSync(join(home, 'low.wav'), encodeWav({ sampleRate: 8000, channels: [half] }, 'float32'))
    const run = await cli(['run', '--noisy', join(home, 'low.wav'), '--model', join(home, 'unimodal'), '--out', join(home, 'low-out.wav'), '--json'])
    expect(run.code, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result.notes.join(' ')).toMatch(/low.wav was resampled from 8000 Hz to 16 kHz\. The enhanced file is written at 16 kHz/)
    expect(wav(join(home, 'low-out.wav')).channels[0]!.length).toBe(8000)
  }, 60_000)

  it('uses the lips with a multimodal model, counting frames replaced by the last good crop', async () => {
    const partial = join(home, 'lips-partial')
    mkdirSync(partial)
    for (const f of readdirSync(lips)) copyFileSync(join(lips, f), join(partial, f))
    writeFileSync(join(partial, 'frame_0005.png'), 'not a png')
    const run = await cli(['run', '--noisy', noisy, '--lips', partial, '--model', join(home, 'multimodal'), '--out', join(home, 'mm.wav'), '--json'])
    expect(run.code, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout)
    expect(result).toMatchObject({ kind: 'multimodal', lips: { replacedFrames: 1 } })
    expect(result.notes.join(' ')).toMatch(/1 of \d+ frames replaced by the last good crop \(1 unreadable\)/)
  }, 60_000)

  it('names each bad input and what to do', async () => {
    const out = join(home, 'bad.wav')
    const missing = await cli(['run', '--noisy', noisy, '--model', join(home, 'multimodal'), '--out', out, '--json'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/Multimodal model: it needs the speaker's lips. Give --lips <folder of 92 x 50 lip frames>, or --model unimodal/)

    writeFileSync(join(home, 'short.wav'), encodeWav({ sampleRate: 16000, channels: [wav(noisy).channels[0]!.subarray(0, 3000)] }, 'float32'))
    const short = await cli(['run', '--noisy', join(home, 'short.wav'), '--model', join(home, 'unimodal'), '--out', out, '--json'])
    expect(short.code).toBe(1)
    expect(short.stderr).toMatch(/short.wav is 0.188 s .* at least 8 are needed/)

    const long = join(home, 'lips-long')
    mkdirSync(long)
    const first = readdirSync(lips).sort()[0]!
    for (let k = 0; k < 40; k++) copyFileSync(join(lips, first), join(long, `frame_${String(k).padStart(4, '0')}.png`))
    const mismatch = await cli(['run', '--noisy', noisy, '--lips', long, '--model', join(home, 'multimodal'), '--out', out, '--json'])
    expect(mismatch.code).toBe(1)
    expect(mismatch.stderr).toMatch(/the video has 40 frames .* but the audio lasts 0.50 s .* Check that the video and the audio belong together/)

    writeFileSync(join(home, 'talk.mp4'), 'x')
    const video = await cli(['run', '--noisy', noisy, '--lips', join(home, 'talk.mp4'), '--model', join(home, 'multimodal'), '--out', out, '--json'])
    expect(video.code).toBe(1)
    expect(video.stderr).toMatch(/talk.mp4 is a video file: extract its frames first/)

    const notWav = await cli(['run', '--noisy', noisy, '--out', join(home, 'y.mp3'), '--json'])
    expect(notWav.code).toBe(1)
    expect(notWav.stderr).toMatch(/--out must be a .wav file/)
    rmSync(out, { force: true })
  }, 60_000)

  it('uses the bundled Unimodal model without --model and lips', async () => {
    const run = await cli(['run', '--noisy', noisy, '--out', join(home, 'bundled.wav'), '--json'])
    expect(run.code, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ model: 'bundled/unimodal', kind: 'unimodal' })
  }, 60_000)
})
