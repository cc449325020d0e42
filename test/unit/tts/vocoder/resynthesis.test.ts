import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readAudioFile } from '../../../../main/dsp/io'
import { makeFixtureCorpus } from '../../../../main/tts/corpus/fixture'
import { compareAnalyses, resynthesise } from '../../../../main/tts/vocoder/vocode'

const hasFestival = (() => {
  try {
    execFileSync('festival', ['--version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

const root = mkdtempSync(join(tmpdir(), 'percept-vocoder-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe.skipIf(!hasFestival)('analysis -> synthesis of festival speech', () => {
  it('comes back close: MCD under 3 dB, F0 within 100 cents RMS, V/UV error under 10 %, level kept', async () => {
    await makeFixtureCorpus(root, { sentences: 1, seed: 2 })
    const audio = await readAudioFile(join(root, 'wav', 'fixture_0001.wav'))
    expect(audio.sampleRate).toBe(16000)
    const speech = audio.channels[0]!.subarray(0, 2.5 * 16000) // 2.5 s keeps the test short
    const run = resynthesise(speech)
    expect(run.output.length).toBe(speech.length)
    const m = compareAnalyses(run.features, run.again)
    // WORLD's own resynthesis, re-analysed, is usually 1-3 dB MCD; here about 1.8 dB on this voice.
    expect(m.voicedFrames).toBeGreaterThan(100)
    expect(m.mcd!).toBeLessThan(3)
    expect(m.f0RmseCents!).toBeLessThan(100)
    expect(m.vuvError!).toBeLessThan(0.1)
    let a = 0
    let b = 0
    for (let i = 0; i < speech.length; i++) {
      a += speech[i]! ** 2
      b += run.output[i]! ** 2
    }
    expect(Math.sqrt(b / a)).toBeGreaterThan(0.7)
    expect(Math.sqrt(b / a)).toBeLessThan(1.4)
  }, 30_000)
})
