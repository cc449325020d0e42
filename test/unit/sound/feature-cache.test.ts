import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { encodeWav, readAudioFile } from '../../../main/dsp/io'
import { ensureFeatures, featureKey, type ClipRef } from '../../../main/sound/features/feature-cache'
import { clipSegments, paperSegments, segmentResampler } from '../../../main/sound/features/segments'
import { sine } from '../../helpers/audio-signals'
import { tempHome } from '../../helpers/temp-home'

let dir: string
let cleanup: () => void
let clips: ClipRef[]

beforeAll(() => {
  ;({ home: dir, cleanup } = tempHome('percept-features-'))
  const write = (name: string, seconds: number, rate: number): string => {
    const path = join(dir, name)
    writeFileSync(path, encodeWav({ sampleRate: rate, channels: [sine(300 + seconds * 100, seconds, rate, 0.4)] }, 'pcm16'))
    return path
  }
  clips = [
    { id: 'a', path: write('a.wav', 4, 22050), classId: 0, fold: 1 },
    { id: 'b', path: write('b.wav', 0.5, 16000), classId: 1, fold: 2 },
    { id: 'c', path: join(dir, 'missing.wav'), classId: 1, fold: 1 },
    { id: 'd', path: write('d.wav', 2, 44100), classId: 2, fold: 2 },
  ]
  writeFileSync(join(dir, 'broken.wav'), 'RIFF....WAVEnot really')
  clips.push({ id: 'e', path: join(dir, 'broken.wav'), classId: 0, fold: 1 })
})
afterAll(() => cleanup())

describe('the feature cache', () => {
  const cache = () => join(dir, 'cache')

  it('computes every readable clip\'s segments once, reports the others, and loads them the second time', async () => {
    const seen: number[] = []
    const first = await ensureFeatures(clips, paperSegments, cache(), { progress: (done) => seen.push(done) })
    expect(seen).toEqual([1, 2, 3, 4, 5])
    expect(first.index.clips.map((c) => [c.id, c.count])).toEqual([['a', 7], ['b', 1], ['d', 3]])
    expect(first.index.total).toBe(11)
    expect(first.index.problems.map((p) => p.id)).toEqual(['c', 'e'])
    expect(first.index.problems[0]!.message).toMatch(/does not exist/)
    expect(first.data.length).toBe(11 * 64 * 41 * 2)
    // the stored segments are exactly clipSegments' (clip d starts at segment 8)
    const d = await clipSegments(await readAudioFile(clips[3]!.path))
    expect(Array.from(first.data.subarray(8 * 5248, 9 * 5248))).toEqual(Array.from(d.data.subarray(0, 5248)))

    const folder = join(cache(), 'sound-features', first.index.key)
    const stamp = statSync(join(folder, 'segments.f32')).mtimeMs
    const again = await ensureFeatures(clips, paperSegments, cache(), { progress: () => seen.push(-1) })
    expect(seen).not.toContain(-1)
    expect(statSync(join(folder, 'segments.f32')).mtimeMs).toBe(stamp)
    expect(again.data).toEqual(first.data)
  })

  it('keys on the configuration, the resampler and each file, so a change computes anew', () => {
    const key = featureKey(clips, paperSegments)
    expect(featureKey(clips, { ...paperSegments, nMels: 40 })).not.toBe(key)
    // features of libsamplerate's output (before the polyphase resampler) are never served as these
    expect(segmentResampler).toBe('polyphase-kaiser-1')
    expect(featureKey(clips, paperSegments, 'libsamplerate-sinc-medium')).not.toBe(key)
    expect(featureKey(clips.slice(1), paperSegments)).not.toBe(key)
    expect(featureKey([{ ...clips[0]!, fold: 3 }, ...clips.slice(1)], paperSegments)).not.toBe(key)
  })

  it('says the seconds left at the pace so far, once a guess is more than noise', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      const estimates: (number | null)[] = []
      await ensureFeatures(clips, paperSegments, join(dir, 'cache-pace'), {
        progress: (_done, _total, secondsLeft) => {
          estimates.push(secondsLeft)
          vi.setSystemTime(Date.now() + 1000)
        },
      })
      // A clip a second: after clip k of 5, k - 1 s have passed, so (k - 1) (5 - k) / k s are left; none after the first.
      expect(estimates).toEqual([null, 1.5, 1.3, 0.7, 0])
    } finally {
      vi.useRealTimers()
    }
  })

  it('leaves nothing behind when cancelled', async () => {
    const controller = new AbortController()
    const other = join(dir, 'cache-cancel')
    await expect(
      ensureFeatures(clips, paperSegments, other, { signal: controller.signal, progress: (done) => done === 2 && controller.abort() }),
    ).rejects.toThrow()
    expect(existsSync(join(other, 'sound-features')) ? readdirSync(join(other, 'sound-features')) : []).toEqual([])
  })
})
