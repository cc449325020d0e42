import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeForEditor } from '../../../main/audio/editor-decode'
import { PeakPyramid, type PeakLevel } from '../../../main/audio/peak-pyramid'
import type { AudioData } from '../../../main/dsp/audio-data'
import { decodeWav, describeAudio, encodeWav, readAudioFile, type WavEncoding } from '../../../main/dsp/io'
import { readWavFile } from '../../../main/dsp/io/wav'
import { floatData } from '../../../main/dsp/samples'
import { noise, sine } from '../../helpers/audio-signals'
import { ascii, dataChunk, fmtChunk, riffWave } from '../dsp/io/wav-bytes'

// The editor's open path: WAV read a piece at a time and measured as it decodes, every figure exactly
// what decoding the whole file and describing it gives, and every refusal worded the same.
const dir = mkdtempSync(join(tmpdir(), 'editor-decode-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, bytes: Uint8Array): string {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}

/** Seconds of a tone plus noise per channel: long enough to span several 256 KiB pieces. */
function signal(channels: number, seconds: number, sampleRate = 44100): AudioData {
  return {
    sampleRate,
    channels: Array.from({ length: channels }, (_, c) => {
      const tone = sine(330 * (c + 1), seconds, sampleRate, 0.5)
      const hiss = noise(seconds, sampleRate, 3 + c, 0.1)
      return tone.map((v, i) => v + hiss[i]!)
    }),
  }
}

/** The bytes of an array, to compare bit for bit (toEqual on long typed arrays takes seconds). */
const bits = (x: Float32Array): string => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64')

function expectSameAudio(actual: AudioData, expected: AudioData): void {
  expect({ ...actual, channels: actual.channels.map(bits) }).toEqual({ ...expected, channels: expected.channels.map(bits) })
}

const levelBits = (levels: PeakLevel[][]) => levels.map((channel) => channel.map((l) => [l.block, bits(l.min), bits(l.max)]))

/** What opening took before: the whole file decoded, then described and its pyramid built. */
async function wholeFile(path: string) {
  const audio = await readAudioFile(path)
  return { audio, info: describeAudio(audio), levels: new PeakPyramid(audio.channels).levels }
}

describe('decodeForEditor', () => {
  it.each<[WavEncoding, number, number]>([
    ['pcm16', 2, 3.3],
    ['pcm24', 2, 2.1], // 6-byte frames: pieces end off the pyramid's 256-frame blocks
    ['pcm8', 1, 7],
    ['float32', 6, 0.9],
    ['pcm32', 1, 0.01],
  ])('%s, %i channel(s), %f s: the samples, levels, loudness and peaks of decoding it whole, exactly', async (encoding, channels, seconds) => {
    const path = file(`${encoding}-${channels}.wav`, encodeWav(signal(channels, seconds), encoding))
    const opened = await decodeForEditor(path)
    const whole = await wholeFile(path)
    // 8- and 16-bit samples are kept as int16, half the memory of floats, and stand for the same floats.
    const int16 = encoding === 'pcm8' || encoding === 'pcm16'
    for (const x of opened.audio.channels) expect(x).toBeInstanceOf(int16 ? Int16Array : Float32Array)
    expectSameAudio(floatData(opened.audio), whole.audio)
    expect(opened.info).toEqual(whole.info)
    expect(levelBits(opened.peaks.levels)).toEqual(levelBits(whole.levels))
  }, 30_000)

  it('reads big-endian RIFX, RF64 and chunks after the data in pieces alike', async () => {
    const values = Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 65536)
    const fmt = fmtChunk({ code: 1, channels: 2, sampleRate: 16000, bits: 16 })
    const ds64 = new Uint8Array(28)
    new DataView(ds64.buffer).setBigUint64(8, BigInt(values.length * 2), true)
    for (const [name, bytes] of [
      ['rifx.wav', riffWave([fmtChunk({ code: 1, channels: 2, sampleRate: 16000, bits: 16, bigEndian: true }), dataChunk(values, 2, true)], 'RIFX')],
      ['rf64.wav', riffWave([['ds64', ds64], fmt, dataChunk(values, 2)], 'RF64')],
      ['trailing.wav', riffWave([['JUNK', new Uint8Array(3)], fmt, dataChunk(values.slice(0, 299_999), 2), ['LIST', ascii('INFOx')]])],
    ] as const) {
      const path = file(name, bytes)
      expectSameAudio(await readWavFile(path), decodeWav(bytes))
      expectSameAudio(floatData(await readWavFile(path, { compact: true })), decodeWav(bytes))
      expect((await decodeForEditor(path)).info).toEqual((await wholeFile(path)).info)
    }
  }, 30_000)

  it('hands each piece over in order, all of it, the arrays full-length from the first', async () => {
    const path = file('pieces.wav', encodeWav(signal(2, 20), 'pcm16')) // 3.5 MB: four 1 MiB pieces
    const seen: [number, number][] = []
    const audio = await readWavFile(path, { onPiece: (decoded, from, to) => {
      expect(decoded.channels.map((c) => c.length)).toEqual([882000, 882000])
      seen.push([from, to])
    } })
    expect(seen.length).toBeGreaterThan(2)
    expect(seen[0]![0]).toBe(0)
    seen.slice(1).forEach(([from], i) => expect(from).toBe(seen[i]![1]))
    expect(seen.at(-1)![1]).toBe(audio.channels[0]!.length)
  })

  it('refuses what readAudioFile refuses, in the same words', async () => {
    const good = encodeWav(signal(1, 0.5), 'pcm16')
    const cases: [string, Uint8Array | null][] = [
      ['truncated.wav', good.subarray(0, good.length - 1000)],
      ['no-data.wav', riffWave([fmtChunk({ code: 1, channels: 1, sampleRate: 8000, bits: 16 }), ['LIST', ascii('INFO')]])],
      ['no-fmt.wav', riffWave([dataChunk([1, 2, 3], 2)])],
      ['mulaw.wav', riffWave([fmtChunk({ code: 7, channels: 1, sampleRate: 8000, bits: 8 }), dataChunk([1, 2], 1)])],
      ['header.wav', good.subarray(0, 30)],
      ['empty.wav', new Uint8Array(0)],
      ['text.wav', ascii('RIFF but not a sound, just text')],
      ['missing.wav', null],
    ]
    mkdirSync(join(dir, 'folder.wav'))
    cases.push(['folder.wav', null])
    for (const [name, bytes] of cases) {
      const path = bytes ? file(name, bytes) : join(dir, name)
      const expected = await readAudioFile(path).then(
        () => null,
        (error: Error & { code?: string }) => ({ code: error.code, message: error.message }),
      )
      expect(expected, name).not.toBeNull()
      await expect(decodeForEditor(path), name).rejects.toMatchObject(expected!)
    }
  })
})
