import { describe, expect, it } from 'vitest'
import { PerceptError } from '../../../../main/core/errors'
import { resample, resampleAudio } from '../../../../main/dsp/io'
import { noise, sine, sweep } from '../../../helpers/audio-signals'

function rmsDb(x: Float32Array): number {
  let sum = 0
  for (const v of x) sum += v * v
  return 10 * Math.log10(sum / x.length)
}

/** Largest difference from an ideal sine at the new rate, away from the ends. */
function worstError(y: Float32Array, frequency: number, rate: number, amplitude: number): number {
  const margin = Math.round(0.01 * rate)
  let worst = 0
  for (let i = margin; i < y.length - margin; i++) {
    worst = Math.max(worst, Math.abs(y[i]! - amplitude * Math.sin((2 * Math.PI * frequency * i) / rate)))
  }
  return worst
}

describe('resample', () => {
  it('44.1 -> 16 kHz: a 20 Hz-20 kHz sweep keeps its level below 7 kHz, and above 8.5 kHz stays below -60 dB', async () => {
    const seconds = 4
    const x = sweep(20, 20000, seconds, 44100, 0.5)
    const y = await resample(x, 44100, 16000)
    expect(y).toHaveLength(Math.round((x.length * 16000) / 44100))
    // The sweep is at frequency f at t(f) = seconds * ln(f / 20) / ln(1000): compare matching stretches.
    const at = (f: number, rate: number) => Math.round(((seconds * Math.log(f / 20)) / Math.log(1000)) * rate)
    const inBand = (signal: Float32Array, rate: number) => signal.subarray(at(50, rate), at(7000, rate))
    const aboveNyquist = (signal: Float32Array, rate: number) => signal.subarray(at(8500, rate), at(19000, rate))
    expect(Math.abs(rmsDb(inBand(y, 16000)) - rmsDb(inBand(x, 44100)))).toBeLessThan(0.5)
    expect(rmsDb(aboveNyquist(y, 16000)) - rmsDb(aboveNyquist(x, 44100))).toBeLessThan(-60)
  })

  it('44.1 -> 16 kHz: a sweep wholly above 8 kHz comes out below -60 dB; one below keeps its level within 0.5 dB', async () => {
    const above = sweep(8500, 20000, 2, 44100)
    expect(rmsDb(await resample(above, 44100, 16000)) - rmsDb(above)).toBeLessThan(-60)
    const inBand = sweep(20, 6000, 2, 44100)
    expect(Math.abs(rmsDb(await resample(inBand, 44100, 16000)) - rmsDb(inBand))).toBeLessThan(0.5)
  })

  it('22050 -> 48000 and 48000 -> 44100: a sine comes out as the same sine, in time (no filter delay)', async () => {
    const up = await resample(sine(1000, 1, 22050, 0.5), 22050, 48000)
    expect(up).toHaveLength(48000)
    expect(worstError(up, 1000, 48000, 0.5)).toBeLessThan(1e-3)
    const down = await resample(sine(3000, 1, 48000, 0.5), 48000, 44100)
    expect(down).toHaveLength(44100)
    expect(worstError(down, 3000, 44100, 0.5)).toBeLessThan(1e-3)
  })

  it('stays continuous across its internal chunks (a signal longer than one wasm buffer)', async () => {
    const y = await resample(sine(440, 25, 48000, 0.5), 48000, 44100)
    expect(y).toHaveLength(25 * 44100)
    expect(worstError(y, 440, 44100, 0.5)).toBeLessThan(1e-3)
  })

  it('output length is round(n * to / from), also for 0, 1 and odd lengths', async () => {
    for (const [n, from, to] of [
      [0, 44100, 16000],
      [1, 44100, 16000],
      [1001, 8000, 44100],
      [12345, 48000, 44100],
      [777, 44100, 48000],
    ] as const) {
      expect(await resample(noise(n / from, from, 3), from, to)).toHaveLength(Math.round((n * to) / from))
    }
  })

  it('reduces rates above the converter limit by their common factor (384 kHz -> 48 kHz)', async () => {
    const y = await resample(sine(1000, 0.2, 384000, 0.5), 384000, 48000)
    expect(y).toHaveLength(9600)
    expect(worstError(y, 1000, 48000, 0.5)).toBeLessThan(1e-3)
  })

  it('refuses rates that are not whole positive numbers or a ratio beyond 256', async () => {
    for (const [from, to] of [
      [0, 16000],
      [44100.5, 16000],
      [1000, 300000],
    ]) {
      await expect(resample(new Float32Array(10), from!, to!)).rejects.toBeInstanceOf(PerceptError)
    }
  })
})

describe('resampleAudio', () => {
  it('returns the same object at the same rate', async () => {
    const audio = { sampleRate: 16000, channels: [new Float32Array(10)] }
    expect(await resampleAudio(audio, 16000)).toBe(audio)
  })

  it('resamples every channel', async () => {
    const audio = { sampleRate: 44100, channels: [sine(1000, 0.5, 44100, 0.5), sine(2000, 0.5, 44100, 0.25)] }
    const out = await resampleAudio(audio, 16000)
    expect(out.sampleRate).toBe(16000)
    expect(out.channels.map((c) => c.length)).toEqual([8000, 8000])
    expect(worstError(out.channels[0]!, 1000, 16000, 0.5)).toBeLessThan(1e-3)
    expect(worstError(out.channels[1]!, 2000, 16000, 0.25)).toBeLessThan(1e-3)
  })
})
