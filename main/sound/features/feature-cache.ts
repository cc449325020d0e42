import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { syncDirectory } from '../../core/atomic-file'
import { estimateSecondsLeft } from '../../core/jobs/progress-pacer'
import { computeBatch, type ClipOutcome } from './feature-batch'
import { outcomesInThreads, type FeatureThreads } from './feature-pool'
import { segmentResampler, segmentSize, type SegmentConfig } from './segments'

/** A clip as the feature cache needs it (any data set layout gives these). */
export interface ClipRef {
  id: string
  path: string
  classId: number
  fold: number
}

/** Where a clip's segments sit in the cache's one array. */
export interface FeatureClip {
  id: string
  classId: number
  fold: number
  /** Index of its first segment; its segments are first .. first + count - 1. */
  first: number
  count: number
}

export interface FeatureIndex {
  version: 1
  key: string
  config: SegmentConfig
  segmentSize: number
  /** Segments in all. */
  total: number
  clips: FeatureClip[]
  /** Clips that could not be read: left out, each with the reason. */
  problems: { id: string; path: string; message: string }[]
  createdAt: string
}

export interface FeatureSet {
  index: FeatureIndex
  /** total x segmentSize floats. */
  data: Float32Array
}

export interface FeatureProgress {
  signal?: AbortSignal
  /** done of total clips, and the seconds left at the pace so far (null until a guess is more than noise). */
  progress?: (done: number, total: number, secondsLeft: number | null) => void
  /** Compute in worker threads (a training job: every core); without, in this thread. */
  threads?: FeatureThreads
}

const formatVersion = 1

/**
 * The cache key: the feature configuration, the resampler, and every clip's identity, file size and
 * modification time, so editing, adding or removing a clip (or changing a parameter or the resampler)
 * computes anew.
 */
export function featureKey(clips: readonly ClipRef[], config: SegmentConfig, resampler: string = segmentResampler): string {
  const hash = createHash('sha256').update(JSON.stringify({ formatVersion, config, resampler }))
  for (const clip of clips) {
    let stamp = 'missing'
    try {
      const s = statSync(clip.path)
      stamp = `${s.size}:${Math.round(s.mtimeMs)}`
    } catch {}
    hash.update(`\n${clip.id}\t${clip.classId}\t${clip.fold}\t${stamp}`)
  }
  return hash.digest('hex').slice(0, 24)
}

/**
 * Segments of every clip, from `<cacheDir>/sound-features/<key>/` when computed before, else
 * computed now (in batches, in worker threads when given, reporting progress, cancellable; each clip
 * bit for bit clipSegments(readAudioFile(path))) and stored in clip order: segments.f32 (float32,
 * little-endian, total x segmentSize) and index.json, written to a temporary folder renamed into
 * place when complete, so a cancelled or failed run leaves no half cache.
 */
export async function ensureFeatures(clips: readonly ClipRef[], config: SegmentConfig, cacheDir: string, options: FeatureProgress = {}): Promise<FeatureSet> {
  const key = featureKey(clips, config)
  const dir = join(cacheDir, 'sound-features', key)
  if (existsSync(join(dir, 'index.json'))) return loadFeatures(dir)
  mkdirSync(join(cacheDir, 'sound-features'), { recursive: true })
  const temp = `${dir}.${randomBytes(4).toString('hex')}.part`
  mkdirSync(temp)
  try {
    const index = await computeInto(temp, clips, config, key, options)
    await writeFile(join(temp, 'index.json'), JSON.stringify(index))
    syncDirectory(temp)
    if (existsSync(dir)) rmSync(temp, { recursive: true, force: true })
    else renameSync(temp, dir)
    return loadFeatures(dir)
  } catch (error) {
    rmSync(temp, { recursive: true, force: true })
    throw error
  }
}

async function computeInto(dir: string, clips: readonly ClipRef[], config: SegmentConfig, key: string, options: FeatureProgress): Promise<FeatureIndex> {
  const out = createWriteStream(join(dir, 'segments.f32'))
  const index: FeatureIndex = { version: 1, key, config, segmentSize: segmentSize(config), total: 0, clips: [], problems: [], createdAt: new Date().toISOString() }
  const outcomes = options.threads ? outcomesInThreads(clips, config, options.threads, options.signal) : outcomesHere(clips, config, options.signal)
  // Outcomes come as batches finish; the cache holds the clips in their order.
  const waiting = new Map<number, ClipOutcome>()
  let next = 0
  let done = 0
  const started = Date.now()
  try {
    for await (const outcome of outcomes) {
      waiting.set(outcome.index, outcome)
      for (let ready = waiting.get(next); ready; ready = waiting.get(++next)) {
        waiting.delete(next)
        const clip = clips[next]!
        if ('error' in ready) {
          index.problems.push({ id: clip.id, path: clip.path, message: ready.error })
          continue
        }
        index.clips.push({ id: clip.id, classId: clip.classId, fold: clip.fold, first: index.total, count: ready.count })
        index.total += ready.count
        const bytes = new Uint8Array(ready.data.buffer, ready.data.byteOffset, ready.data.byteLength)
        if (!out.write(bytes)) await new Promise<void>((drained) => out.once('drain', () => drained()))
      }
      done++
      options.progress?.(done, clips.length, estimateSecondsLeft(started, 0, done / clips.length))
      options.signal?.throwIfAborted()
    }
  } finally {
    await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())))
  }
  return index
}

/** Outcomes computed in this thread, clip by clip. */
async function* outcomesHere(clips: readonly ClipRef[], config: SegmentConfig, signal?: AbortSignal): AsyncGenerator<ClipOutcome> {
  for (const [index, clip] of clips.entries()) {
    signal?.throwIfAborted()
    yield* await computeBatch([{ index, path: clip.path }], config)
  }
}

async function loadFeatures(dir: string): Promise<FeatureSet> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as FeatureIndex
  const bytes = await readFile(join(dir, 'segments.f32'))
  if (bytes.byteLength !== index.total * index.segmentSize * 4) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`The feature cache ${dir} was damaged (size mismatch) and has been removed; compute the features again.`)
  }
  // A copy aligned for Float32Array (Buffer pools may start at odd offsets).
  const data = new Float32Array(bytes.byteLength / 4)
  new Uint8Array(data.buffer).set(bytes)
  return { index, data }
}
