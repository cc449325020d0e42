import { describe, expect, it } from 'vitest'
import { PeakPyramid } from '../../../main/audio/peak-pyramid'
import { probeSpectrogram, renderSpectrogram } from '../../../main/audio/spectrogram-view'
import { defaultSpectrogramSettings } from '../../../main/api'
import { decodeWav } from '../../../main/dsp/io'
import { copyFloats, floatData, floatsOf, int16FloatsJs, type SampleData } from '../../../main/dsp/samples'
import { dataChunk, fmtChunk, riffWave } from './io/wav-bytes'

// Int16 channels (how the editor keeps 8- and 16-bit sounds) must stand for exactly the floats a decoder
// writes: every figure the editor draws from them is then the same as from the floats.
const bits = (x: Float32Array): string => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64')

/** Every int16 value once, in a scrambled order, then again shifted: 131072 samples. */
const everyValue = Int16Array.from({ length: 131072 }, (_, i) => ((i * 40503) % 65536) - 32768)

/** The floats decodeWav gives for these samples as a 16-bit mono file. */
function decodedFloats(x: Int16Array): Float32Array {
  const bytes = riffWave([fmtChunk({ code: 1, channels: 1, sampleRate: 8000, bits: 16 }), dataChunk([...x].map((v) => v & 0xffff), 2)])
  return decodeWav(bytes).channels[0]!
}

describe('copyFloats', () => {
  const expected = decodedFloats(everyValue)

  it('gives every int16 value as the float decodeWav writes, bit for bit, wasm and JavaScript alike', () => {
    expect(new Set(everyValue).size).toBe(65536)
    expect(bits(floatsOf(everyValue))).toBe(bits(expected))
    const js = new Float32Array(everyValue.length)
    int16FloatsJs(everyValue, 0, everyValue.length, js)
    expect(bits(js)).toBe(bits(expected))
  })

  it('copies any stretch to any place: odd starts, lengths off the kernel eights and across its chunks', () => {
    for (const [from, to, at] of [[0, 1, 0], [3, 10, 5], [7, 32768 + 9, 1], [32760, 32780, 0], [100_000, 131072, 2]] as const) {
      const out = new Float32Array(to - from + at + 3).fill(7)
      copyFloats(everyValue, from, to, out, at)
      expect(bits(out.subarray(at, at + to - from)), `${from}-${to}`).toBe(bits(expected.subarray(from, to)))
      // Nothing written outside the stretch.
      expect([...out.subarray(0, at), ...out.subarray(at + to - from)].every((v) => v === 7)).toBe(true)
    }
  })

  it('keeps float channels as they are', () => {
    const x = Float32Array.of(0.5, -0.25, Number.NaN)
    const audio: SampleData = { sampleRate: 8000, channels: [x, everyValue.subarray(0, 3)] }
    const floats = floatData(audio)
    expect(floats.channels[0]).toBe(x)
    expect([...floats.channels[1]!]).toEqual([...expected.subarray(0, 3)])
  })
})

describe('what the editor draws from int16 channels', () => {
  // 3 s of 16 kHz stereo: a chirp on the left, a quieter tone on the right, as 16-bit and as floats.
  const frames = 48000
  const left = Int16Array.from({ length: frames }, (_, i) => Math.round(20000 * Math.sin(2 * Math.PI * (200 + i / 40) * (i / 16000))))
  const right = Int16Array.from({ length: frames }, (_, i) => Math.round(3000 * Math.sin((2 * Math.PI * 1250 * i) / 16000)))
  const int16: SampleData = { sampleRate: 16000, channels: [left, right] }
  const floats = floatData(int16)

  it('peaks at every zoom, down to single samples', () => {
    const a = new PeakPyramid(int16.channels)
    const b = new PeakPyramid(floats.channels)
    expect(a.levels.map((ls) => ls.map((l) => bits(l.min) + bits(l.max)))).toEqual(b.levels.map((ls) => ls.map((l) => bits(l.min) + bits(l.max))))
    for (const [from, to, buckets] of [[0, frames, 300], [1000, 1037, 100], [777, 9000, 61]] as const) {
      expect(bits(a.window(from, to, buckets).data)).toBe(bits(b.window(from, to, buckets).data))
    }
    expect(a.window(1000, 1037, 100).data.some((v) => v !== 0)).toBe(true)
  })

  it('spectrogram tiles and probes', () => {
    const settings = { ...defaultSpectrogramSettings, fftSize: 512 as const }
    const a = renderSpectrogram(int16, 2000, 30000, 64, 40, settings)
    const b = renderSpectrogram(floats, 2000, 30000, 64, 40, settings)
    expect(a.maxDb).toBe(b.maxDb)
    expect(a.maxDb).toBeGreaterThan(-20)
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true)
    expect(probeSpectrogram(int16, 1.5, 1250, 40, settings)).toEqual(probeSpectrogram(floats, 1.5, 1250, 40, settings))
  })
})
