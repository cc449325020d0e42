import wavefile from 'wavefile'
import { describe, expect, it } from 'vitest'
import type { AudioData } from '../../../../main/dsp/audio-data'
import { decodeWav, encodeWav, type WavEncoding } from '../../../../main/dsp/io'
import { noise } from '../../../helpers/audio-signals'
import { expectInvalid } from './expect-invalid'
import { ascii, dataChunk, floatData, fmtChunk, riffWave, type FmtSpec } from './wav-bytes'

const PCM = 1
const FLOAT = 3

/** Seeded noise plus values where quantisers go wrong: -1, zero, tiny values of both signs. */
function testSignal(channels: number, frames: number): AudioData {
  const edges = [-1, 0, 2 ** -20, -(2 ** -20)]
  return {
    sampleRate: 44100,
    channels: Array.from({ length: channels }, (_, c) => {
      const x = noise(frames / 44100, 44100, 7 + c, 0.95)
      x.set(edges, c)
      return x
    }),
  }
}

const steps: Record<WavEncoding, number> = {
  pcm8: 1 / 128,
  pcm16: 1 / 32768,
  pcm24: 1 / 8388608,
  pcm32: 1 / 2147483648,
  float32: 0,
  float64: 0,
}

describe('WAV round trip', () => {
  for (const encoding of Object.keys(steps) as WavEncoding[]) {
    for (const channels of [1, 2, 6]) {
      it(`${encoding}, ${channels} channel(s): decodes what it encodes, within half a quantisation step`, () => {
        const audio = testSignal(channels, 4411) // odd: 8- and 24-bit mono data needs a pad byte
        const decoded = decodeWav(encodeWav(audio, encoding))
        expect(decoded).toMatchObject({ format: 'wav', encoding, sampleRate: 44100 })
        expect(decoded.channels).toHaveLength(channels)
        const bound = steps[encoding] / 2
        decoded.channels.forEach((channel, c) => {
          const source = audio.channels[c]!
          expect(channel).toHaveLength(source.length)
          let worst = 0
          for (let i = 0; i < source.length; i++) worst = Math.max(worst, Math.abs(channel[i]! - source[i]!))
          if (bound === 0) expect(channel).toEqual(source)
          else expect(worst).toBeLessThanOrEqual(bound)
          expect(channel[c]).toBe(-1) // -1 and 0 are exact in every encoding
          expect(channel[c + 1]).toBe(0)
        })
        // Decoding the decoded samples again is lossless: reading is the exact inverse of writing.
        expect(decodeWav(encodeWav(decoded, encoding)).channels).toEqual(decoded.channels)
      })
    }
  }

  it('writes plain PCM up to 16 bits and 2 channels, WAVE_FORMAT_EXTENSIBLE above, fact for non-PCM', () => {
    const header = (encoding: WavEncoding, channels: number) => {
      const bytes = encodeWav(testSignal(channels, 10), encoding)
      const view = new DataView(bytes.buffer)
      const chunks: string[] = []
      for (let at = 12; at < bytes.length; at += 8 + view.getUint32(at + 4, true)) {
        chunks.push(String.fromCharCode(...bytes.subarray(at, at + 4)))
      }
      return {
        riffSize: view.getUint32(4, true),
        length: bytes.length,
        tag: view.getUint16(20, true),
        bits: view.getUint16(34, true),
        blockAlign: view.getUint16(32, true),
        subFormat: view.getUint16(20, true) === 0xfffe ? view.getUint16(44, true) : undefined,
        mask: view.getUint16(20, true) === 0xfffe ? view.getUint32(40, true) : undefined,
        chunks,
      }
    }
    expect(header('pcm16', 2)).toEqual({
      riffSize: 36 + 40,
      length: 84,
      tag: 1,
      bits: 16,
      blockAlign: 4,
      subFormat: undefined,
      mask: undefined,
      chunks: ['fmt ', 'data'],
    })
    expect(header('pcm8', 1)).toMatchObject({ tag: 1, bits: 8, chunks: ['fmt ', 'data'] })
    const withFact = ['fmt ', 'fact', 'data']
    expect(header('pcm24', 2)).toMatchObject({ tag: 0xfffe, subFormat: PCM, bits: 24, blockAlign: 6, mask: 3, chunks: withFact })
    expect(header('float32', 1)).toMatchObject({ tag: 0xfffe, subFormat: FLOAT, bits: 32, mask: 0x4, chunks: withFact })
    expect(header('float64', 2)).toMatchObject({ tag: 0xfffe, subFormat: FLOAT, bits: 64, blockAlign: 16 })
    expect(header('pcm16', 6)).toMatchObject({ tag: 0xfffe, subFormat: PCM, mask: 0x3f, blockAlign: 12 })
  })

  it('clips at full scale (+1 becomes the largest step) and writes NaN as 0', () => {
    const bytes = encodeWav({ sampleRate: 8000, channels: [Float32Array.of(1.5, -3, NaN, 1, 1 - 2 ** -24)] }, 'pcm16')
    expect(Array.from(new Int16Array(bytes.buffer.slice(44, 54)))).toEqual([32767, -32768, 0, 32767, 32767])
    const pcm8 = encodeWav({ sampleRate: 8000, channels: [Float32Array.of(1, -1, 0)] }, 'pcm8')
    expect(Array.from(pcm8.subarray(44, 47))).toEqual([255, 0, 128])
  })

  it('agrees with the wavefile package both ways', () => {
    const audio = testSignal(2, 1000)
    const ours = new wavefile.WaveFile(encodeWav(audio, 'pcm16'))
    const theirs = ours.getSamples(false, Float64Array) as unknown as Float64Array[]
    const decoded = decodeWav(encodeWav(audio, 'pcm16'))
    for (let c = 0; c < 2; c++) expect(Array.from(theirs[c]!, (v) => v / 32768)).toEqual(Array.from(decoded.channels[c]!))

    const ints = Int32Array.from({ length: 300 }, (_, i) => (i * 55_001) % 8_388_608 - 4_194_304)
    const made = new wavefile.WaveFile()
    made.fromScratch(1, 48000, '24', ints)
    const read = decodeWav(made.toBuffer())
    expect(read).toMatchObject({ sampleRate: 48000, encoding: 'pcm24' })
    expect(Array.from(read.channels[0]!, (v) => v * 8388608)).toEqual(Array.from(ints))
  })
})

describe('WAV bytes built by hand decode to the values the spec says', () => {
  const mono = (code: number, bits: number, values: number[], extra: object = {}) => {
    const fmt = fmtChunk({ code, channels: 1, sampleRate: 8000, bits, ...extra })
    return decodeWav(riffWave([fmt, dataChunk(values, Math.ceil(bits / 8))])).channels[0]!
  }

  it('8-bit is unsigned with 128 as zero', () => {
    expect(Array.from(mono(PCM, 8, [0, 128, 255, 64]))).toEqual([-1, 0, 127 / 128, -0.5])
  })

  it('16-bit is signed little-endian over 32768', () => {
    expect(Array.from(mono(PCM, 16, [0x8000, 0x7fff, 0, 0x4000, 0xffff]))).toEqual([-1, 32767 / 32768, 0, 0.5, -1 / 32768])
  })

  it('24-bit: 0x800000 is -1.0, 0x7fffff the largest, sign extended', () => {
    expect(Array.from(mono(PCM, 24, [0x800000, 0x7fffff, 0x000001, 0xffffff, 0xc00000]))).toEqual([
      -1,
      8388607 / 8388608,
      1 / 8388608,
      -1 / 8388608,
      -0.5,
    ])
  })

  it('20-bit audio in 3-byte containers reads as left-justified 24-bit', () => {
    expect(Array.from(mono(PCM, 20, [0x800000, 0x400000], { blockAlign: 3 }))).toEqual([-1, 0.5])
  })

  it('32-bit integer: 0x80000000 is -1.0', () => {
    expect(Array.from(mono(PCM, 32, [0x80000000, 0x40000000, 0xc0000000, 0]))).toEqual([-1, 0.5, -0.5, 0])
  })

  it('float32 (plain format 3 with a fact chunk) and float64 keep values beyond full scale', () => {
    const fact: [string, Uint8Array] = ['fact', Uint8Array.of(3, 0, 0, 0)]
    const fmt32 = fmtChunk({ code: FLOAT, channels: 1, sampleRate: 8000, bits: 32 })
    const f32 = decodeWav(riffWave([fmt32, fact, floatData([0.25, -0.75, 1.5], 4)]))
    expect(f32).toMatchObject({ encoding: 'float32' })
    expect(Array.from(f32.channels[0]!)).toEqual([0.25, -0.75, 1.5])
    const f64 = decodeWav(riffWave([fmtChunk({ code: FLOAT, channels: 1, sampleRate: 8000, bits: 64 }), floatData([0.1, -2], 8)]))
    expect(f64).toMatchObject({ encoding: 'float64' })
    expect(Array.from(f64.channels[0]!)).toEqual([Math.fround(0.1), -2])
  })

  it('WAVE_FORMAT_EXTENSIBLE: PCM 24-bit stereo and float32, format from the SubFormat GUID', () => {
    const pcm = decodeWav(
      riffWave([
        fmtChunk({ code: 0, channels: 2, sampleRate: 96000, bits: 24, extensible: { subFormat: PCM, mask: 3 } }),
        dataChunk([0x800000, 0x400000, 0x000000, 0x7fffff], 3),
      ]),
    )
    expect(pcm).toMatchObject({ sampleRate: 96000, encoding: 'pcm24' })
    expect(pcm.channels.map((c) => Array.from(c))).toEqual([[-1, 0], [0.5, 8388607 / 8388608]])
    const float = decodeWav(
      riffWave([
        fmtChunk({ code: 0, channels: 1, sampleRate: 8000, bits: 32, extensible: { subFormat: FLOAT } }),
        floatData([0.5, -0.25], 4),
      ]),
    )
    expect(float).toMatchObject({ encoding: 'float32' })
    expect(Array.from(float.channels[0]!)).toEqual([0.5, -0.25])
  })

  it('six channels deinterleave in order', () => {
    const frames = 5
    const values = Array.from({ length: frames * 6 }, (_, i) => (i % 6) * 1000 + Math.floor(i / 6))
    const audio = decodeWav(riffWave([fmtChunk({ code: PCM, channels: 6, sampleRate: 48000, bits: 16 }), dataChunk(values, 2)]))
    expect(audio.channels).toHaveLength(6)
    audio.channels.forEach((channel, c) => {
      expect(Array.from(channel, (v) => v * 32768)).toEqual([0, 1, 2, 3, 4].map((i) => c * 1000 + i))
    })
  })

  it('skips LIST, JUNK, bext and odd-sized chunks with their pad byte, before or after data, fmt after data', () => {
    const fmt = fmtChunk({ code: PCM, channels: 1, sampleRate: 22050, bits: 24 })
    const data = dataChunk([0x800000, 0x400000, 0x200000], 3) // 9 bytes: odd, padded
    const list: [string, Uint8Array] = ['LIST', ascii('INFOx')] // 5 bytes: odd, padded
    const junk: [string, Uint8Array] = ['JUNK', new Uint8Array(28)]
    const bext: [string, Uint8Array] = ['bext', ascii('odd')]
    const expected = [-1, 0.5, 0.25]
    for (const chunks of [
      [list, junk, fmt, bext, data],
      [junk, fmt, data, list, bext],
      [bext, data, list, fmt],
      [data, fmt],
    ]) {
      const audio = decodeWav(riffWave(chunks))
      expect(audio).toMatchObject({ sampleRate: 22050, encoding: 'pcm24' })
      expect(Array.from(audio.channels[0]!)).toEqual(expected)
    }
  })

  it('reads big-endian RIFX and RF64 with its ds64 chunk', () => {
    const mono24: FmtSpec = { code: PCM, channels: 1, sampleRate: 8000, bits: 24 }
    const rifx = decodeWav(
      riffWave([fmtChunk({ ...mono24, bigEndian: true }), dataChunk([0x800000, 0x400000], 3, true)], 'RIFX'),
    )
    expect(Array.from(rifx.channels[0]!)).toEqual([-1, 0.5])
    const ds64 = new Uint8Array(28)
    new DataView(ds64.buffer).setBigUint64(8, 4n, true) // data size
    const fmt = fmtChunk({ code: PCM, channels: 1, sampleRate: 8000, bits: 16 })
    const rf64 = decodeWav(riffWave([['ds64', ds64], fmt, dataChunk([0x8000, 0x4000], 2)], 'RF64'))
    expect(Array.from(rf64.channels[0]!)).toEqual([-1, 0.5])
  })

  it('a data chunk with no frames decodes to empty channels', () => {
    const fmt = fmtChunk({ code: PCM, channels: 2, sampleRate: 8000, bits: 16 })
    const audio = decodeWav(riffWave([fmt, ['data', new Uint8Array(0)]]))
    expect(audio.channels.map((c) => c.length)).toEqual([0, 0])
  })
})

describe('broken WAV files are refused with INVALID_FILE and say why', () => {
  const good = encodeWav(testSignal(2, 1000), 'pcm16')
  const pcm16Spec: FmtSpec = { code: PCM, channels: 1, sampleRate: 8000, bits: 16 }
  const pcm16 = fmtChunk(pcm16Spec)
  const samples = dataChunk([1, 2, 3, 4], 2)

  it('empty, not WAV, truncated header', async () => {
    await expectInvalid(() => decodeWav(new Uint8Array(0), 'song.wav'), /^song\.wav is empty/)
    await expectInvalid(() => decodeWav(ascii('hello, this is text, not sound'), 'notes.wav'), /notes\.wav is not a WAV file/)
    await expectInvalid(() => decodeWav(good.subarray(0, 8), 'a.wav'), /truncated: it ends inside its RIFF header/)
    await expectInvalid(() => decodeWav(good.subarray(0, 30), 'a.wav'), /truncated: the file ends inside its fmt chunk/)
    await expectInvalid(() => decodeWav(good.subarray(0, 12), 'a.wav'), /no fmt chunk/)
  })

  it('truncated data: refused, with both sizes, rather than decoded short', async () => {
    const error = await expectInvalid(() => decodeWav(good.subarray(0, good.length - 1000), 'song.wav'), /song\.wav is truncated/)
    expect(error.message).toBe(
      'song.wav is truncated: the data chunk declares 4.0 KB of audio but the file ends after 3.0 KB. ' +
        'Re-export it from the program that made it.',
    )
  })

  it('missing fmt or data chunk', async () => {
    await expectInvalid(() => decodeWav(riffWave([samples])), /no fmt chunk/)
    await expectInvalid(() => decodeWav(riffWave([pcm16, ['LIST', ascii('INFO')]])), /has no data chunk/)
  })

  it('unsupported format codes are named', async () => {
    const coded = (code: number, extensible = false) =>
      riffWave([fmtChunk({ ...pcm16Spec, code, bits: 8, ...(extensible ? { extensible: { subFormat: code } } : {}) }), samples])
    await expectInvalid(
      () => decodeWav(coded(7), 'phone.wav'),
      /phone\.wav is a WAV file in µ-law \(format code 0x0007\), which Percept Workbench cannot read\. Convert it/,
    )
    await expectInvalid(() => decodeWav(coded(0x11)), /IMA ADPCM \(format code 0x0011\)/)
    await expectInvalid(() => decodeWav(coded(2, true)), /Microsoft ADPCM/)
    await expectInvalid(() => decodeWav(coded(0x1234)), /format code 0x1234/)
  })

  it('zero channels, absurd sample rates, inconsistent sample sizes', async () => {
    const withFmt = (spec: Partial<FmtSpec>) => () => decodeWav(riffWave([fmtChunk({ ...pcm16Spec, ...spec }), samples]))
    await expectInvalid(withFmt({ channels: 0 }), /declares zero channels/)
    await expectInvalid(withFmt({ sampleRate: 0 }), /sample rate of 0 Hz/)
    await expectInvalid(withFmt({ sampleRate: 40_000_000 }), /sample rate of 40000000 Hz, outside 1000-768000 Hz/)
    await expectInvalid(withFmt({ code: FLOAT }), /16-bit floating-point/)
    await expectInvalid(withFmt({ channels: 2, blockAlign: 3 }), /frames of 3 bytes/)
  })
})
