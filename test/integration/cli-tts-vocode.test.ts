import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readAudioFile, writeWavFile } from '../../main/dsp/io'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// `percept tts vocode` as a user runs it, on the built app: a 22.05 kHz recording is resampled to 16 kHz,
// analysed and resynthesised, and the measures printed; bad input is refused with a message.
let home: string
let cleanup: () => void

/** 1.5 s at 22.05 kHz: a vowel-like tone gliding 120 -> 180 Hz (harmonics at 1/k up to 7.5 kHz), with 0.2 s of silence either side. */
function glide(rate: number): Float32Array {
  const n = Math.round(1.5 * rate)
  const x = new Float32Array(n)
  let phase = 0
  for (let i = 0; i < n; i++) {
    const t = i / rate
    if (t < 0.2 || t > 1.3) continue
    const f0 = 120 + 60 * ((t - 0.2) / 1.1)
    phase += (2 * Math.PI * f0) / rate
    let v = 0
    for (let k = 1; k * f0 < 7500; k++) v += Math.sin(k * phase) / k
    x[i] = 0.1 * v
  }
  return x
}

beforeAll(async () => {
  requireBuild()
  ;({ home, cleanup } = tempHome())
  await writeWavFile(join(home, 'glide.wav'), { sampleRate: 22050, channels: [glide(22050)] }, 'pcm16')
  await writeWavFile(join(home, 'blip.wav'), { sampleRate: 16000, channels: [new Float32Array(800)] }, 'pcm16')
})
afterAll(() => cleanup())

const tts = (...args: string[]) => runCli(['tts', ...args], { PERCEPT_HOME: home })

describe('percept tts vocode', () => {
  it('--json: resamples to 16 kHz, writes the resynthesis and reports timing, MCD and F0 error', async () => {
    const out = join(home, 'glide-vocoded.wav')
    const { code, stdout, stderr } = await tts('vocode', join(home, 'glide.wav'), '--out', out, '--json')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const report = JSON.parse(stdout)
    expect(report).toMatchObject({ inputSampleRate: 22050, resampled: true, sampleRate: 16000, channels: 1 })
    expect(report.duration).toBeCloseTo(1.5, 3) // round(33075 * 16000 / 22050) = 24000 samples
    for (const key of ['seconds', 'realTimeFactor', 'analysisSeconds', 'synthesisSeconds']) expect(report[key]).toBeGreaterThan(0)
    expect(report.realTimeFactor).toBeCloseTo((report.analysisSeconds + report.synthesisSeconds) / report.duration, 6)
    // 1.1 s of voicing in 301 frames: about 220 voiced.
    expect(report.frames).toBe(301)
    expect(report.voicedFrames).toBeGreaterThan(180)
    expect(report.voicedFrames).toBeLessThan(240)
    expect(report.mcd).toBeLessThan(2) // about 1.3 dB
    expect(report.f0RmseCents).toBeLessThan(10) // about 1.3 cents
    expect(report.vuvError).toBeLessThan(0.1)
    const written = await readAudioFile(out)
    expect(written.sampleRate).toBe(16000)
    expect(written.channels).toHaveLength(1)
    expect(written.channels[0]!.length).toBe(24000)
  })

  it('prints a summary without --json', async () => {
    const { code, stdout } = await tts('vocode', join(home, 'glide.wav'), '--out', join(home, 'plain.wav'))
    expect(code).toBe(0)
    expect(stdout).toMatch(/resampled from 22050 Hz/)
    expect(stdout).toMatch(/MCD \d+\.\d\d dB/)
    expect(stdout).toMatch(/F0 RMSE \d+\.\d cents/)
  })

  it('refuses a missing file, a recording too short to analyse and a bad --fft-size, writing nothing', async () => {
    const missing = await tts('vocode', join(home, 'nowhere.wav'), '--out', join(home, 'x.wav'))
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toMatch(/does not exist/)
    const short = await tts('vocode', join(home, 'blip.wav'), '--out', join(home, 'y.wav'))
    expect(short.code).not.toBe(0)
    expect(short.stderr).toMatch(/0\.050 s long; the vocoder needs at least 0\.1 s/)
    const fft = await tts('vocode', join(home, 'glide.wav'), '--out', join(home, 'z.wav'), '--fft-size', '1000')
    expect(fft.code).not.toBe(0)
    expect(fft.stderr).toMatch(/power of two from 64 to 2048/)
    for (const name of ['x.wav', 'y.wav', 'z.wav']) expect(existsSync(join(home, name))).toBe(false)
    const noOut = await tts('vocode', join(home, 'glide.wav'))
    expect(noOut.code).not.toBe(0)
    expect(noOut.stderr).toMatch(/--out/)
  })
})
