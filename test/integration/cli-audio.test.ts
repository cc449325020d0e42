import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeNpy, logMelWithDelta } from '../../main/dsp/features'
import { decodeWav, encodeWav, resample } from '../../main/dsp/io'
import { requireBuild, runCli } from '../helpers/built-app'
import { dbfs, sine } from '../helpers/audio-signals'
import { tempHome } from '../helpers/temp-home'

// `percept audio info|features|resample` and `percept bench audio` as a user runs them, on the built app.
let home: string
let cleanup: () => void
let stereo: string
const rate = 44_100
const left = sine(1000, 2, rate, dbfs(-20))
const right = sine(1000, 2, rate, dbfs(-20))

beforeAll(() => {
  requireBuild()
  ;({ home, cleanup } = tempHome())
  stereo = join(home, 'tone.wav')
  writeFileSync(stereo, encodeWav({ sampleRate: rate, channels: [left, right] }, 'pcm24'))
})
afterAll(() => cleanup())

describe('percept audio', () => {
  it('info --json prints the facts, the levels and the loudness', async () => {
    const { code, stdout } = await runCli(['audio', 'info', stereo, '--json'], { PERCEPT_HOME: home })
    expect(code).toBe(0)
    const info = JSON.parse(stdout)
    expect(info).toMatchObject({ format: 'wav', encoding: 'pcm24', sampleRate: rate, channels: 2, frames: 2 * rate, duration: 2 })
    expect(info.peak).toBeCloseTo(dbfs(-20), 4)
    expect(info.rms).toBeCloseTo(dbfs(-20) / Math.SQRT2, 4)
    // A 1 kHz stereo sine with peaks at -20 dBFS: -20 - 3.01 (rms) + 3.01 (two channels) + ~0 (K-weighting at 1 kHz) LUFS.
    expect(info.lufs).toBeCloseTo(-20, 0)
  })

  it('info explains what is wrong with a file that is not audio', async () => {
    const bad = join(home, 'notes.wav')
    writeFileSync(bad, 'not audio at all')
    const { code, stderr } = await runCli(['audio', 'info', bad], { PERCEPT_HOME: home })
    expect(code).toBe(1)
    expect(stderr).toMatch(/notes\.wav is a text file, not audio.*\[INVALID_FILE\]/)
  })

  it('features writes the log-mel and its delta as (2, n_mels, frames) float32, resampled to --sr', async () => {
    const out = join(home, 'features.npy')
    const args = ['audio', 'features', stereo, '--kind', 'logmel', '--sr', '22050', '--n-fft', '1024', '--hop', '512', '--n-mels', '64', '--delta', '--out', out]
    const { code } = await runCli(args, { PERCEPT_HOME: home })
    expect(code).toBe(0)
    const { data, shape } = decodeNpy(readFileSync(out))
    // 2 s at 22.05 kHz, centred frames: 1 + 44100 // 512 = 87
    expect(shape).toEqual([2, 64, 87])
    // The same pipeline in-process (mono mixdown = the sine; resampled with the same resampler).
    const expected = logMelWithDelta(await resample(left, rate, 22050), 22050, { nFft: 1024, hopLength: 512, nMels: 64 })
    let worst = 0
    for (let i = 0; i < expected.data.length; i++) worst = Math.max(worst, Math.abs(data[i]! - expected.data[i]!))
    for (let i = 0; i < expected.delta.length; i++) worst = Math.max(worst, Math.abs(data[expected.data.length + i]! - expected.delta[i]!))
    expect(worst).toBeLessThan(1e-3)
  })

  it('features refuses an unknown kind and a non-.npy output', async () => {
    const kind = await runCli(['audio', 'features', stereo, '--kind', 'mfcc', '--out', join(home, 'x.npy')], { PERCEPT_HOME: home })
    expect(kind.code).toBe(1)
    expect(kind.stderr).toMatch(/Unknown feature kind "mfcc"/)
    const out = await runCli(['audio', 'features', stereo, '--out', join(home, 'x.csv')], { PERCEPT_HOME: home })
    expect(out.stderr).toMatch(/--out must name a \.npy file/)
  })

  it('resample writes a WAV at the new rate with the same tone', async () => {
    const out = join(home, 'tone-16k.wav')
    const { code } = await runCli(['audio', 'resample', stereo, out, '--sr', '16000'], { PERCEPT_HOME: home })
    expect(code).toBe(0)
    const decoded = decodeWav(readFileSync(out))
    expect(decoded.sampleRate).toBe(16_000)
    expect(decoded.encoding).toBe('pcm24')
    expect(decoded.channels).toHaveLength(2)
    expect(decoded.channels[0]!.length).toBe(32_000)
    const middle = decoded.channels[0]!.subarray(8000, 24_000)
    const rms = Math.sqrt(middle.reduce((s, v) => s + v * v, 0) / middle.length)
    expect(20 * Math.log10(rms * Math.SQRT2)).toBeCloseTo(-20, 1)
  })
})

describe('percept bench audio', () => {
  it('--quick --json prints every figure', async () => {
    const { code, stdout } = await runCli(['bench', 'audio', '--quick', '--json'], { PERCEPT_HOME: home })
    expect(code).toBe(0)
    const result = JSON.parse(stdout)
    expect(result.logmel_delta_60s_ms).toBeGreaterThan(0)
    expect(result.logmel_delta_realtime_x).toBeGreaterThan(1)
    expect(result.peaks_1h_stereo_ms).toBeNull()
    expect(result.resample_realtime_x).toBeGreaterThan(1)
    expect(result.open_1h_wav_ms).toBeNull()
  }, 120_000)
})
