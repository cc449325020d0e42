import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobWorkerEntry } from '../../../main/core/jobs/worker-entry'
import { encodeWav, readAudioFile, type WavEncoding } from '../../../main/dsp/io'
import { ensureFeatures, type ClipRef } from '../../../main/sound/features/feature-cache'
import { clipSegments, paperSegments, segmentSize } from '../../../main/sound/features/segments'
import { noise, sine } from '../../helpers/audio-signals'
import { tempHome } from '../../helpers/temp-home'

// Every thread the pool starts, to see that each has stopped when the pool is done.
const spawned = vi.hoisted(() => [] as Worker[])
vi.mock('../../../main/core/jobs/worker-entry', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../main/core/jobs/worker-entry')>()
  return {
    ...original,
    spawnWorker: (...args: Parameters<typeof original.spawnWorker>) => {
      const worker = original.spawnWorker(...args)
      spawned.push(worker)
      return worker
    },
  }
})

const entry = (file: string): JobWorkerEntry => ({ url: new URL(file, import.meta.url), loader: 'tsx' })
const featureWorker = entry('../../../main/app/feature-worker.ts')

let dir: string
let cleanup: () => void
let clips: ClipRef[]
const readable = ['us44-a', 'us48', 'mono16', 'mono22', 'short44', 'us44-b', 'mono96', 'us44-c']

beforeAll(() => {
  ;({ home: dir, cleanup } = tempHome('percept-feature-threads-'))
  const write = (name: string, rate: number, encoding: WavEncoding, channels: Float32Array[]): string => {
    const path = join(dir, `${name}.wav`)
    writeFileSync(path, encodeWav({ sampleRate: rate, channels }, encoding))
    return path
  }
  const mixed = (seconds: number, rate: number, seed: number, f: number): Float32Array => {
    const tone = sine(f, seconds, rate, 0.3)
    const hiss = noise(seconds, rate, seed, 0.05)
    return tone.map((v, i) => v + hiss[i]!)
  }
  // The formats UrbanSound8K mixes: mostly 44.1 and 48 kHz stereo, some mono at other rates, some short.
  const paths: Record<string, string> = {
    'us44-a': write('us44-a', 44100, 'pcm16', [mixed(4, 44100, 1, 440), mixed(4, 44100, 2, 660)]),
    us48: write('us48', 48000, 'pcm24', [mixed(3, 48000, 3, 300), noise(3, 48000, 4, 0.2)]),
    mono16: write('mono16', 16000, 'pcm16', [mixed(4, 16000, 5, 1000)]),
    mono22: write('mono22', 22050, 'float32', [mixed(2, 22050, 6, 2000)]),
    short44: write('short44', 44100, 'pcm16', [mixed(0.5, 44100, 7, 500), mixed(0.5, 44100, 8, 520)]),
    'us44-b': write('us44-b', 44100, 'pcm16', [noise(4, 44100, 9, 0.4), noise(4, 44100, 10, 0.4)]),
    mono96: write('mono96', 96000, 'pcm16', [mixed(1, 96000, 11, 5000)]),
    'us44-c': write('us44-c', 44100, 'pcm16', [mixed(3.7, 44100, 12, 90), mixed(3.7, 44100, 13, 95)]),
  }
  writeFileSync(join(dir, 'broken.wav'), 'RIFF....WAVEnot really')
  clips = [
    ...readable.slice(0, 3).map((id, n) => ({ id, path: paths[id]!, classId: n % 3, fold: 1 + (n % 2) })),
    { id: 'missing', path: join(dir, 'missing.wav'), classId: 0, fold: 1 },
    ...readable.slice(3, 6).map((id, n) => ({ id, path: paths[id]!, classId: n % 3, fold: 1 + (n % 2) })),
    { id: 'broken', path: join(dir, 'broken.wav'), classId: 1, fold: 2 },
    ...readable.slice(6).map((id, n) => ({ id, path: paths[id]!, classId: n % 3, fold: 1 + (n % 2) })),
  ]
})
afterAll(() => cleanup())
beforeEach(() => void spawned.splice(0))

/** Every thread the pool started has stopped (a stopped Worker's threadId is -1). */
function expectThreadsStopped(): void {
  expect(spawned.length).toBeGreaterThan(0)
  expect(spawned.map((worker) => worker.threadId)).toEqual(spawned.map(() => -1))
}

function leftovers(cache: string): string[] {
  return existsSync(join(cache, 'sound-features')) ? readdirSync(join(cache, 'sound-features')) : []
}

describe('features in worker threads', () => {
  it('gives every clip bit for bit the segments clipSegments gives it in this thread, in clip order; unreadable clips are reported', async () => {
    const seen: number[] = []
    const pooled = await ensureFeatures(clips, paperSegments, join(dir, 'cache-threads'), {
      threads: { entry: featureWorker, threads: 2 },
      progress: (done, total) => {
        expect(total).toBe(clips.length)
        seen.push(done)
      },
    })
    expect(seen).toEqual(clips.map((_, n) => n + 1))
    expect(pooled.index.clips.map((c) => c.id)).toEqual(readable)
    expect(pooled.index.problems.map((p) => p.id)).toEqual(['missing', 'broken'])
    expect(pooled.index.problems[0]!.message).toMatch(/does not exist/)
    expectThreadsStopped()

    const size = segmentSize(paperSegments)
    for (const stored of pooled.index.clips) {
      const clip = clips.find((c) => c.id === stored.id)!
      expect([stored.classId, stored.fold]).toEqual([clip.classId, clip.fold])
      const expected = await clipSegments(await readAudioFile(clip.path))
      expect(stored.count, stored.id).toBe(expected.count)
      const got = pooled.data.subarray(stored.first * size, (stored.first + stored.count) * size)
      expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(expected.data.buffer)), stored.id).toBe(true)
    }
    // 4 s at 44.1 kHz: 7 segments; 0.5 s: padded to one; 3 s: 5
    expect(pooled.index.clips.map((c) => c.count)).toEqual([7, 5, 7, 3, 1, 7, 1, 6])

    // and the whole cache as the job's own thread writes it
    const here = await ensureFeatures(clips, paperSegments, join(dir, 'cache-here'))
    expect(here.index.clips).toEqual(pooled.index.clips)
    expect(Buffer.from(here.data.buffer).equals(Buffer.from(pooled.data.buffer))).toBe(true)
  })

  it('a thread that dies costs only the clip it died on: its batch is retried clip by clip in a new thread', async () => {
    const crash = join(dir, 'crash.wav')
    writeFileSync(crash, encodeWav({ sampleRate: 44100, channels: [sine(440, 1, 44100, 0.3)] }, 'pcm16'))
    const withCrash: ClipRef[] = [...clips.slice(0, 3), { id: 'crash', path: crash, classId: 2, fold: 1 }, ...clips.slice(3)]
    const features = await ensureFeatures(withCrash, paperSegments, join(dir, 'cache-crash'), {
      threads: { entry: entry('./fixtures/crashing-feature-worker.ts'), threads: 1 },
    })
    expect(features.index.clips.map((c) => c.id)).toEqual(readable)
    expect(features.index.problems.map((p) => p.id)).toEqual(['crash', 'missing', 'broken'])
    expect(features.index.problems[0]!.message).toMatch(/stopped the thread \(exit code 7\)/)
    expectThreadsStopped()
  })

  it('threads that cannot start fail the whole with a clear error, and leave no cache', async () => {
    const cache = join(dir, 'cache-broken')
    await expect(
      ensureFeatures(clips, paperSegments, cache, { threads: { entry: entry('./fixtures/broken-feature-worker.ts'), threads: 2 } }),
    ).rejects.toThrow(/feature threads could not start: .*lacks a module/)
    expect(leftovers(cache)).toEqual([])
  })

  it('a cancel mid-way stops the threads at once and leaves no cache', async () => {
    const cache = join(dir, 'cache-cancel')
    const controller = new AbortController()
    await expect(
      ensureFeatures(clips, paperSegments, cache, {
        signal: controller.signal,
        threads: { entry: featureWorker, threads: 2 },
        progress: (done) => done === 1 && controller.abort(new Error('cancelled by the test')),
      }),
    ).rejects.toThrow('cancelled by the test')
    expect(leftovers(cache)).toEqual([])
    expectThreadsStopped()
  })
})
