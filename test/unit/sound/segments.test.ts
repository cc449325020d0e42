import { describe, expect, it } from 'vitest'
import { logMelWithDelta } from '../../../main/dsp/features'
import { clipSegments, paperSegments, segmentSamples, segmentSize } from '../../../main/sound/features/segments'
import { noise, sine } from '../../helpers/audio-signals'

describe('segments of 64 x 41 x 2 (the paper\'s input)', () => {
  const sr = 22050
  const clip = new Float32Array(4 * sr)
  const tone = sine(440, 4, sr, 0.3)
  const hiss = noise(4, sr, 5, 0.05)
  for (let i = 0; i < clip.length; i++) clip[i] = tone[i]! + hiss[i]!

  it('cuts a 4 s clip into 7 half-overlapping segments laid out [band][frame][log-mel, delta]', async () => {
    const segments = await clipSegments({ sampleRate: sr, channels: [clip] })
    // frames = 1 + 88200 // 512 = 173; segments = 1 + (173 - 41) // 20 = 7
    expect(segments.count).toBe(7)
    expect(segmentSize(paperSegments)).toBe(64 * 41 * 2)
    expect(segments.data.length).toBe(7 * 64 * 41 * 2)
    expect(segments.starts[1]).toBeCloseTo((20 * 512) / sr, 9)
    const reference = logMelWithDelta(clip, sr, { nFft: 1024, hopLength: 512, nMels: 64 })
    expect(reference.frames).toBe(173)
    for (const [s, b, f] of [[0, 0, 0], [3, 17, 40], [6, 63, 12], [2, 5, 20]] as const) {
      const at = s * 64 * 41 * 2 + (b * 41 + f) * 2
      expect(segments.data[at]).toBe(reference.data[b * 173 + s * 20 + f])
      expect(segments.data[at + 1]).toBe(reference.delta[b * 173 + s * 20 + f])
    }
  })

  it('mixes stereo down and resamples other rates to 22050 Hz first', async () => {
    const at44 = sine(440, 2, 44100, 0.3)
    const segments = await clipSegments({ sampleRate: 44100, channels: [at44, at44] })
    // 2 s at 22050: 1 + 44100 // 512 = 87 frames -> 1 + (87 - 41) // 20 = 3 segments
    expect(segments.count).toBe(3)
    const mono = await clipSegments({ sampleRate: 22050, channels: [sine(440, 2, 22050, 0.3)] })
    // the same tone, so the loudest band agrees
    const loudest = (data: Float32Array): number => {
      let best = 0
      for (let b = 0; b < 64; b++) if (data[(b * 41 + 20) * 2]! > data[(best * 41 + 20) * 2]!) best = b
      return best
    }
    expect(loudest(segments.data)).toBe(loudest(mono.data))
  })

  it('pads a clip shorter than a segment with silence at its end: one segment, quiet tail', async () => {
    const short = sine(1000, 0.3, sr, 0.5)
    expect(segmentSamples(paperSegments)).toBe(40 * 512)
    const segments = await clipSegments({ sampleRate: sr, channels: [short] })
    expect(segments.count).toBe(1)
    const logMel = (b: number, f: number): number => segments.data[(b * 41 + f) * 2]!
    let head = -Infinity
    let tail = -Infinity
    for (let b = 0; b < 64; b++) {
      head = Math.max(head, logMel(b, 5))
      tail = Math.max(tail, logMel(b, 38))
    }
    // the tail is padding: power_to_db's floor, top_db (80) below the tone
    expect(head - tail).toBeCloseTo(80, 3)
  })
})
