import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeForEditor, fromMessage, toMessage } from '../../main/audio/editor-decode'
import { PeakPyramid } from '../../main/audio/peak-pyramid'
import { workerDecoder } from '../../main/audio/worker-decode'
import type { JobWorkerEntry } from '../../main/core/jobs/worker-entry'
import { describeAudio, encodeWav, readAudioFile, type WavEncoding } from '../../main/dsp/io'
import { floatsOf } from '../../main/dsp/samples'
import { noise, sweep } from '../helpers/audio-signals'

// A long WAV opened as the app opens it: decoded in one thread of the audio worker while a second one
// measures each piece as it lands in shared memory; every figure exactly what decoding it whole gives.
const audioWorker: JobWorkerEntry = { url: new URL('../../main/app/audio-worker.ts', import.meta.url), loader: 'tsx' }
const dir = mkdtempSync(join(tmpdir(), 'audio-open-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const bits = (x: Float32Array): string => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64')

describe('opening a long WAV on two threads', () => {
  // 35 MB of 44.1 kHz stereo each, past the size where the second thread starts: 16-bit samples stay int16, float ones float.
  it.each<[WavEncoding, number, typeof Int16Array | typeof Float32Array]>([
    ['pcm16', 200, Int16Array],
    ['float32', 100, Float32Array],
  ])('%s, %i s: gives the samples, levels, loudness and peaks of decoding it whole, bit for bit', async (encoding, seconds, kept) => {
    const path = join(dir, `long-${encoding}.wav`)
    writeFileSync(path, encodeWav({ sampleRate: 44100, channels: [sweep(50, 15000, seconds, 44100, 0.6), noise(seconds, 44100, 9, 0.3)] }, encoding))
    const whole = await readAudioFile(path)
    const expected = { channels: whole.channels.map(bits), info: describeAudio(whole), levels: new PeakPyramid(whole.channels).levels }
    const check = (opened: Awaited<ReturnType<typeof decodeForEditor>>) => {
      expect(opened.audio.channels.map((x) => bits(floatsOf(x)))).toEqual(expected.channels)
      expect(opened.info).toEqual(expected.info)
      expect(opened.peaks.levels.map((ls) => ls.map((l) => [l.block, bits(l.min), bits(l.max)]))).toEqual(
        expected.levels.map((ls) => ls.map((l) => [l.block, bits(l.min), bits(l.max)])),
      )
    }
    // In this thread with a scanning thread beside it: the channels are shared memory, and stay so across a thread boundary.
    const here = await decodeForEditor(path, { scanThread: audioWorker })
    expect(here.audio.channels[0]!.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(here.audio.channels[0]).toBeInstanceOf(kept)
    check(here)
    const { message, transfer } = toMessage(here)
    expect(transfer.some((b) => (b as unknown) instanceof SharedArrayBuffer)).toBe(false)
    check(fromMessage(message))
    // As the app does it: the audio worker decodes, and starts the scanning thread itself.
    check(await workerDecoder(audioWorker)(path))
  }, 120_000)
})
