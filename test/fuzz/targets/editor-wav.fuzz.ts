import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { decodeForEditor } from '../../../main/audio/editor-decode'
import { PeakPyramid } from '../../../main/audio/peak-pyramid'
import { PerceptError } from '../../../main/core/errors'
import { describeAudio, readAudioFile } from '../../../main/dsp/io'
import { floatData } from '../../../main/dsp/samples'
import { wavSeeds } from '../audio-check'
import { FuzzFailure, type FuzzTarget } from '../target'
import { withTempDir } from '../temp-files'

/*
 * The editor's own WAV path (decodeForEditor: the data chunk read a piece at a time, 8- and 16-bit kept
 * as int16, measured as it decodes) against readAudioFile on the same file: both must refuse in the
 * same words, or give the same samples, AudioInfo and peaks, bit for bit.
 */
const bits = (x: Float32Array): string => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString('base64')

async function outcome<T>(work: () => Promise<T>): Promise<T | PerceptError> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof PerceptError) return error
    throw error
  }
}

const target: FuzzTarget = {
  async seeds() {
    // 600 frames: past the pyramid's 256-frame blocks, so a partial last block is in every seed.
    return wavSeeds(600, 0.7)
  },
  async check(bytes) {
    await withTempDir(async (dir) => {
      const path = join(dir, 'fuzz.wav')
      await writeFile(path, bytes)
      const expected = await outcome(() => readAudioFile(path))
      const opened = await outcome(() => decodeForEditor(path))
      if (expected instanceof PerceptError || opened instanceof PerceptError) {
        const words = (o: unknown) => (o instanceof PerceptError ? `${o.code}: ${o.message}` : 'decoded')
        if (words(expected) !== words(opened)) throw new FuzzFailure(`readAudioFile ${words(expected)}; the editor ${words(opened)}`)
        if (opened instanceof PerceptError && opened.code === 'INTERNAL') throw opened
        return
      }
      const samples = floatData(opened.audio).channels.map(bits)
      if (samples.join() !== expected.channels.map(bits).join()) throw new FuzzFailure('the editor decoded other samples than readAudioFile')
      const info = describeAudio(expected)
      for (const key of Object.keys(info) as (keyof typeof info)[]) {
        if (!Object.is(info[key], opened.info[key])) throw new FuzzFailure(`${key}: the editor measured ${opened.info[key]}, describeAudio ${info[key]}`)
      }
      const peaks = (levels: PeakPyramid['levels']) => levels.map((ls) => ls.map((l) => bits(l.min) + bits(l.max)).join()).join()
      if (peaks(opened.peaks.levels) !== peaks(new PeakPyramid(expected.channels).levels)) throw new FuzzFailure('the editor built other peaks')
    })
  },
}
export default target
