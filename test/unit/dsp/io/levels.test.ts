import { describe, expect, it } from 'vitest'
import { describeAudio, peakLevel, rmsLevel, toDb, type DecodedAudio } from '../../../../main/dsp/io'
import { dbfs, parkMiller, sine } from '../../../helpers/audio-signals'

describe('levels', () => {
  it('a sine: peak is its amplitude, rms amplitude / sqrt 2', () => {
    const audio = { sampleRate: 48000, channels: [sine(1000, 1, 48000, 0.5)] } // 48 samples a period: the crest is sampled
    expect(peakLevel(audio)).toBeCloseTo(0.5, 7)
    expect(rmsLevel(audio)).toBeCloseTo(0.5 / Math.SQRT2, 7)
    expect(toDb(rmsLevel(audio))).toBeCloseTo(-9.03, 2)
  })

  it('over all channels: the largest peak, rms of every sample together', () => {
    const audio = { sampleRate: 48000, channels: [sine(1000, 1, 48000, 0.5), sine(1000, 1, 48000, -0.25)] }
    expect(peakLevel(audio)).toBeCloseTo(0.5, 7)
    expect(rmsLevel(audio)).toBeCloseTo(Math.sqrt((0.5 ** 2 / 2 + 0.25 ** 2 / 2) / 2), 7)
  })

  it('no samples: 0, and toDb(0) is -Infinity', () => {
    expect(peakLevel({ sampleRate: 8000, channels: [] })).toBe(0)
    expect(rmsLevel({ sampleRate: 8000, channels: [new Float32Array(0)] })).toBe(0)
    expect(toDb(0)).toBe(-Infinity)
    expect(toDb(1)).toBe(0)
  })
})

describe('describeAudio', () => {
  it('reports format, sizes and levels', () => {
    const x = sine(1000, 2, 48000, dbfs(-23))
    const decoded: DecodedAudio = { sampleRate: 48000, channels: [x, x], format: 'wav', encoding: 'pcm24' }
    const info = describeAudio(decoded)
    expect(info).toMatchObject({ format: 'wav', encoding: 'pcm24', sampleRate: 48000, channels: 2, frames: 96000, duration: 2 })
    expect(info.peak).toBeCloseTo(dbfs(-23), 6)
    expect(info.rms).toBeCloseTo(dbfs(-23) / Math.SQRT2, 6)
    expect(info.lufs).toBeCloseTo(-23, 1)
  })
})

describe('audio-signals helper', () => {
  it('Park-Miller gives the minimal-standard sequence (16807^n mod 2^31-1 from seed 1)', () => {
    const random = parkMiller(1)
    expect([random(), random(), random()].map((v) => Math.round(v * 2147483647))).toEqual([16807, 282475249, 1622650073])
    // The 10000th value from seed 1 is 1043618065 (Park & Miller 1988).
    const again = parkMiller(1)
    let v = 0
    for (let i = 0; i < 10000; i++) v = again()
    expect(Math.round(v * 2147483647)).toBe(1043618065)
  })
})
