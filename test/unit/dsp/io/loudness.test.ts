import { describe, expect, it } from 'vitest'
import type { AudioData } from '../../../../main/dsp/audio-data'
import { integratedLoudness, kWeightingCoefficients } from '../../../../main/dsp/io'
import { LoudnessMeter } from '../../../../main/dsp/io/loudness'
import { dbfs, noise, sine, sweep } from '../../../helpers/audio-signals'

/** `channels` copies of a 1 kHz sine at `db` dBFS peak per channel (EBU Tech 3341's test tone). */
function tone(db: number, seconds: number, rate = 48000, channels = 2, frequency = 1000): AudioData {
  const x = sine(frequency, seconds, rate, dbfs(db))
  return { sampleRate: rate, channels: Array.from({ length: channels }, () => x) }
}

function concat(...parts: AudioData[]): AudioData {
  return {
    sampleRate: parts[0]!.sampleRate,
    channels: parts[0]!.channels.map((_, c) => {
      const out = new Float32Array(parts.reduce((n, p) => n + p.channels[c]!.length, 0))
      let at = 0
      for (const p of parts) {
        out.set(p.channels[c]!, at)
        at += p.channels[c]!.length
      }
      return out
    }),
  }
}

describe('K-weighting', () => {
  it("at 48 kHz equals BS.1770-4's table", () => {
    const [shelf, highPass] = kWeightingCoefficients(48000)
    const table = [
      [shelf.b0, 1.53512485958697],
      [shelf.b1, -2.69169618940638],
      [shelf.b2, 1.19839281085285],
      [shelf.a1, -1.69065929318241],
      [shelf.a2, 0.73248077421585],
      [highPass.b0, 1],
      [highPass.b1, -2],
      [highPass.b2, 1],
      [highPass.a1, -1.99004745483398],
      [highPass.a2, 0.99007225036621],
    ]
    for (const [ours, spec] of table) expect(Math.abs(ours! - spec!)).toBeLessThan(1e-12)
  })
})

describe('integrated loudness (EBU Tech 3341 style)', () => {
  it('stereo 1 kHz at -23 dBFS per channel is -23.0 LUFS, at -33 dBFS -33.0', () => {
    expect(integratedLoudness(tone(-23, 20))).toBeCloseTo(-23, 1)
    expect(integratedLoudness(tone(-33, 20))).toBeCloseTo(-33, 1)
  })

  // Tech 3341 cases 3-5. (20 s at -36, 20.1 s at -23, 20 s at -36 would give -27.3: the mean it gates
  // against is -27.4 LUFS, so the -36 dBFS parts pass the -37.4 LUFS relative gate.)
  it('relative gate: 10 s at -36, 60 s at -23, 10 s at -36 dBFS is -23.0 LUFS (ungated it would be -24.2)', () => {
    expect(integratedLoudness(concat(tone(-36, 10), tone(-23, 60), tone(-36, 10)))).toBeCloseTo(-23, 1)
  })

  it('both gates: -72, -36, -23, -36, -72 dBFS (10, 10, 60, 10, 10 s) is -23.0 LUFS', () => {
    const program = concat(tone(-72, 10), tone(-36, 10), tone(-23, 60), tone(-36, 10), tone(-72, 10))
    expect(integratedLoudness(program)).toBeCloseTo(-23, 1)
  })

  it('no gating: 20 s at -26, 20.1 s at -20, 20 s at -26 dBFS is -23.0 LUFS', () => {
    expect(integratedLoudness(concat(tone(-26, 20), tone(-20, 20.1), tone(-26, 20)))).toBeCloseTo(-23, 1)
  })

  it('a full-scale 997 Hz mono sine is -3.01 LUFS', () => {
    expect(integratedLoudness(tone(0, 10, 48000, 1, 997))).toBeCloseTo(-3.01, 1)
  })

  it('the same signal at 44.1 and 48 kHz agrees within 0.1 LU', () => {
    const at44 = integratedLoudness(tone(-20, 10, 44100))!
    const at48 = integratedLoudness(tone(-20, 10, 48000))!
    expect(Math.abs(at44 - at48)).toBeLessThan(0.1)
    expect(at44).toBeCloseTo(-20, 1)
  })

  it('null for silence, under 400 ms, or everything below the -70 LUFS gate', () => {
    expect(integratedLoudness({ sampleRate: 48000, channels: [new Float32Array(48000 * 5)] })).toBeNull()
    expect(integratedLoudness(tone(-23, 0.39))).toBeNull()
    expect(integratedLoudness(tone(-80, 5))).toBeNull()
    expect(integratedLoudness({ sampleRate: 48000, channels: [] })).toBeNull()
    expect(integratedLoudness(tone(-23, 0.4))).toBeCloseTo(-23, 1) // exactly one block
  })

  it('5.1: surrounds weigh 1.41 (+1.49 dB), the LFE is left out', () => {
    const x = sine(1000, 5, 48000, dbfs(-23))
    const silent = new Float32Array(x.length)
    const only = (channel: number) => ({
      sampleRate: 48000,
      channels: Array.from({ length: 6 }, (_, c) => (c === channel ? x : silent)),
    })
    const left = integratedLoudness(only(0))!
    expect(integratedLoudness(only(4))! - left).toBeCloseTo(10 * Math.log10(1.41), 2)
    expect(integratedLoudness(only(2))).toBeCloseTo(left, 6)
    expect(integratedLoudness(only(3))).toBeNull()
  })
})

describe('LoudnessMeter', () => {
  /** The meter's loudness and each channel's per-step energies, fed in pieces cut at `cuts`. */
  function measure(audio: AudioData, cuts: number[], javascript: boolean) {
    const frames = audio.channels[0]!.length
    const meter = new LoudnessMeter(audio.sampleRate, audio.channels.length, frames)
    const bounds = [0, ...cuts, frames]
    for (let k = 0; k + 1 < bounds.length; k++) {
      meter.add(audio.channels.map((x) => x.subarray(bounds[k]!, bounds[k + 1]!)), bounds[k]!, javascript)
    }
    const steps = (meter as unknown as { progress: { steps: Float64Array }[] }).progress.map((p) => [...p.steps])
    return { lufs: meter.loudness(), steps }
  }

  it.each([
    ['mono 44.1 kHz', 44100, 1],
    ['stereo 48 kHz', 48000, 2],
    ['three channels (a pair, then one alone) at 11025 Hz', 11025, 3],
    ['5.1 (the LFE left out: two pairs)', 48000, 6],
  ])('the wasm kernel gives the JavaScript loop bits, wherever the pieces are cut: %s', (_, rate, count) => {
    const seconds = 3.3
    const channels = Array.from({ length: count }, (_, c) =>
      c % 2 ? noise(seconds, rate, 3 + c, 0.3) : sweep(40, rate / 2.5, seconds, rate, 0.5),
    )
    const audio = { sampleRate: rate, channels }
    const frames = channels[0]!.length
    const js = measure(audio, [], true)
    expect(js.lufs).not.toBeNull()
    expect(measure(audio, [], false)).toEqual(js)
    // Cuts inside steps, on a step bound and past a kernel chunk (32768 frames).
    const cuts = [1, Math.round(rate / 10), 40_000, frames - 7].filter((c) => c > 0 && c < frames).sort((a, b) => a - b)
    expect(measure(audio, cuts, false)).toEqual(js)
    expect(measure(audio, cuts, true)).toEqual(js)
  })
})
