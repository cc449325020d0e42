import { describe, expect, it } from 'vitest'
import { PeakPyramid } from '../../../main/audio/peak-pyramid'
import { scanDecoded, SoundScan } from '../../../main/audio/sound-scan'
import type { AudioData } from '../../../main/dsp/audio-data'
import { integratedLoudness, peakLevel, rmsLevel } from '../../../main/dsp/io'
import { parkMiller, sine } from '../../helpers/audio-signals'
import { seededValues } from '../compute/compare'

/** A tone plus seeded noise on every channel, each a little different. */
function sound(sampleRate: number, channels: number, seconds: number): AudioData {
  const frames = Math.round(sampleRate * seconds)
  return {
    sampleRate,
    channels: Array.from({ length: channels }, (_, c) => {
      const tone = sine(220 * (c + 1), frames / sampleRate, sampleRate, 0.3 + 0.1 * c)
      const noise = seededValues(frames, 11 + c)
      return tone.map((v, i) => v + 0.05 * noise[i]!)
    }),
  }
}

/** Scans `audio` in pieces of random sizes, as a file decoding a piece at a time would feed it. */
function scanInPieces(audio: AudioData, seed: number) {
  const random = parkMiller(seed)
  const scan = new SoundScan(audio)
  const frames = audio.channels[0]?.length ?? 0
  for (let to = 0; to < frames; ) scan.add((to = Math.min(frames, to + 1 + Math.floor(random() * 30_000))))
  return scan.finish()
}

describe('SoundScan', () => {
  it.each([
    ['stereo, 44.1 kHz, 20 s', sound(44100, 2, 20), true],
    ['5.1 at 48 kHz, 3 s (the LFE left out of the loudness)', sound(48000, 6, 3), true],
    ['mono at 11.025 kHz (no whole 100 ms step), 2.7 s', sound(11025, 1, 2.7), true],
    ['three channels at 22.05 kHz, 0.3 s (under one 400 ms block)', sound(22050, 3, 0.3), false],
    ['mono at 2 kHz (too low a rate for the K-weighting shelf)', sound(2000, 1, 5), false],
  ])('%s: exactly peakLevel, rmsLevel, integratedLoudness and the pyramid, wherever the pieces were cut', (_, audio, loud) => {
    const expected = { peak: peakLevel(audio), rms: rmsLevel(audio), lufs: integratedLoudness(audio), levels: new PeakPyramid(audio.channels).levels }
    for (const seed of [1, 2, 3]) expect(scanInPieces(audio, seed)).toEqual(expected)
    expect(scanDecoded(audio)).toEqual(expected)
    expect(expected.lufs !== null).toBe(loud)
  })

  it('skips NaN as peakLevel does, and keeps infinities and -0', () => {
    const x = seededValues(3000, 5)
    x.fill(NaN, 256, 512) // a whole block of NaN
    x[700] = NaN
    x[1500] = -0
    const audio = { sampleRate: 8000, channels: [x, Float32Array.of(...x.subarray(0, 2999), -Infinity)] }
    const scanned = scanInPieces(audio, 4)
    expect(scanned.peak).toBe(peakLevel(audio))
    expect(scanned.peak).toBe(Infinity)
    expect(scanInPieces({ sampleRate: 8000, channels: [x] }, 5).peak).toBe(peakLevel({ sampleRate: 8000, channels: [x] }))
    expect(scanned.levels).toEqual(new PeakPyramid(audio.channels).levels)
  })

  it('no frames: zeros and no loudness, as describeAudio gives', () => {
    const empty = { sampleRate: 44100, channels: [new Float32Array(0), new Float32Array(0)] }
    expect(new SoundScan(empty).finish()).toEqual({ peak: 0, rms: 0, lufs: null, levels: new PeakPyramid(empty.channels).levels })
  })
})
