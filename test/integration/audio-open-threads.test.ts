import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeForEditor, fromMessage, toMessage } from '../../main/audio/editor-decode'
import { PeakPyramid } from '../../main/audio/peak-pyramid'
import { workerDecoder } from '../../main/audio/worker-decode'
import type { JobWorkerEntry } from '../../main/core/jobs/worker-entry'
import { describeAudio, encodeWav, readAudioFile } from '../../main/dsp/io'
import { noise, sweep } from '../helpers/audio-signals'

// A long WAV opened as the app opens it: decoded in one thread of the audio worker while a second one
// measures each piece as it lands in shared memory; every figure exactly what decoding it whole gives.
const audioWorker: JobWorkerEntry = { url: new URL('../../main/app/audio-worker.ts', import.meta.url), loader: 'tsx' }
const dir = mkdtempSync(join(tmpdir(), 'audio-open-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const bits = (x: Float32Array): string => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64')

describe('opening a long WAV on two threads', () => {
  it('gives the samples, levels, loudness and peaks of decoding it whole, bit for bit', async () => {
    // 200 s of 44.1 kHz stereo 16-bit: 35 MB, past the size where the second thread starts.
    const path = join(dir, 'long.wav')
    writeFileSync(path, encodeWav({ sampleRate: 44100, channels: [sweep(50, 15000, 200, 44100, 0.6), noise(200, 44100, 9, 0.3)] }, 'pcm16'))
    const whole = await readAudioFile(path)
    const expected = { channels: whole.channels.map(bits), info: describeAudio(whole), levels: new PeakPyramid(whole.channels).levels }
    const check = (opened: Awaited<ReturnType<typeof decodeForEditor>>) => {
      expect(opened.audio.channels.map(bits)).toEqual(expected.channels)
      expect(opened.info).toEqual(expected.info)
      expect(opened.peaks.levels.map((ls) => ls.map((l) => [l.block, bits(l.min), bits(l.max)]))).toEqual(
        expected.levels.map((ls) => ls.map((l) => [l.block, bits(l.min), bits(l.max)])),
      )
    }
    // In this thread with a scanning thread beside it: the channels are shared memory, and stay so across a thread boundary.
    const here = await decodeForEditor(path, { scanThread: audioWorker })
    expect(here.audio.channels[0]!.buffer).toBeInstanceOf(SharedArrayBuffer)
    check(here)
    const { message, transfer } = toMessage(here)
    expect(transfer.some((b) => (b as unknown) instanceof SharedArrayBuffer)).toBe(false)
    check(fromMessage(message))
    // As the app does it: the audio worker decodes, and starts the scanning thread itself.
    check(await workerDecoder(audioWorker)(path))
  }, 120_000)
})
