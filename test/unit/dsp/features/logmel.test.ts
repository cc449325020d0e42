import { describe, expect, it } from 'vitest'
import {
  delta,
  frameCount,
  frameSampleRange,
  logMelRange,
  logMelSpectrogram,
  logMelStftParams,
  logMelWithDelta,
  melFilterbank,
  melSpectrogram,
  powerSpectrogram,
  applyMel,
  stft,
} from '../../../../main/dsp/features'
import { chirp, fixture, maxAbsDiff, noise } from './reference'

interface LogMelFixture {
  sr: number
  seconds: number
  f0: number
  f1: number
  nFft: number
  hopLength: number
  nMels: number
  every500: number[]
  logMel: number[][]
  delta: number[][]
}
const ref = fixture<LogMelFixture>('logmel.json')

describe('logMelSpectrogram (power_to_db(librosa.feature.melspectrogram))', () => {
  const y = chirp(ref.sr, ref.seconds, ref.f0, ref.f1)
  const options = { nFft: ref.nFft, hopLength: ref.hopLength, nMels: ref.nMels }

  it('rebuilds the reference chirp', () => {
    expect(maxAbsDiff(y.filter((_, i) => i % 500 === 0), ref.every500)).toBeLessThan(1e-7)
  })

  it('matches the reference log-mel and its delta', () => {
    const out = logMelWithDelta(y, ref.sr, options)
    expect([out.nMels, out.frames]).toEqual([ref.nMels, ref.logMel[0]!.length])
    // float32 power (relative 6e-8) is 2.6e-7 dB; float32 dB values below 100 round by < 4e-6 dB
    expect(maxAbsDiff(out.data, ref.logMel.flat())).toBeLessThan(2e-5)
    expect(maxAbsDiff(out.delta, ref.delta.flat())).toBeLessThan(2e-5)
  })

  it('is the composition of stft, power, filterbank and power_to_db with librosa defaults', () => {
    const x = noise(22050, 3)
    const direct = logMelSpectrogram(x, 22050)
    expect([direct.nMels, direct.frames]).toEqual([128, 1 + Math.floor(22050 / 512)]) // n_fft 2048, hop 512
    const mel = applyMel(melFilterbank({ sr: 22050, nFft: 2048 }), powerSpectrogram(stft(x, { nFft: 2048, hopLength: 512 })))
    expect(maxAbsDiff(melSpectrogram(x, 22050).data, mel.data) / Math.max(...mel.data)).toBeLessThan(1e-6)
    const withDelta = logMelWithDelta(x, 22050, { delta: { width: 5 } })
    expect(withDelta.data).toEqual(direct.data)
    expect(withDelta.delta).toEqual(delta(direct.data, 128, direct.frames, { width: 5 }))
  })
})

describe('logMelRange: frames of a long signal from a slice', () => {
  const sr = 16000
  const y = noise(sr * 3, 11)
  const options = { nFft: 1024, hopLength: 256, nMels: 40, topDb: null }
  const full = logMelSpectrogram(y, sr, options)

  it('equals the whole signal log-mel on the visible frames, reading only the slice', () => {
    const params = logMelStftParams(options)
    expect(full.frames).toBe(frameCount(y.length, params))
    for (const [start, end] of [
      [0, 10],
      [50, 80],
      [full.frames - 7, full.frames + 5],
    ] as const) {
      const need = frameSampleRange(start, end, y.length, params)
      // a copy of just the needed samples, as the view would read from the file
      const slice = { data: y.slice(need.start, need.end), offset: need.start, length: y.length }
      const part = logMelRange(slice, sr, start, end, options)
      const last = Math.min(end, full.frames)
      expect([part.startFrame, part.frames]).toEqual([start, last - start])
      for (let m = 0; m < full.nMels; m++) {
        const row = full.data.subarray(m * full.frames + start, m * full.frames + last)
        expect(part.data.subarray(m * part.frames, (m + 1) * part.frames)).toEqual(row) // same arithmetic: bit-exact
      }
    }
  })

  it('takes the whole signal as a slice without copying and says when a slice is too short', () => {
    const part = logMelRange({ data: y, offset: 0, length: y.length }, sr, 20, 25, options)
    expect(part.frames).toBe(5)
    expect(() => logMelRange({ data: y.subarray(5000, 6000), offset: 5000, length: y.length }, sr, 20, 25, options)).toThrow(
      /frames \[20, 25\) read samples \[4608, 6656\) but the slice holds \[5000, 6000\)/,
    )
  })
})
