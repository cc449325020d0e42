import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { seededRandom } from '../../compute/seeded-random'
import { median } from '../../core/bench-timing'
import { writeWavFile } from '../../dsp/io'
import { ensureFeatures, type ClipRef } from '../features/feature-cache'
import type { FeatureThreads } from '../features/feature-pool'
import { paperSegments } from '../features/segments'

export interface FeaturesBenchResult {
  /** Clips per second through training's data pipeline (read, decode, mixdown, resample, log-mel + delta, segments, cache write). */
  clipsPerSecond: number
  /** CPU time of the whole process (every thread) per clip, ms: what other work on the machine changes least. */
  cpuMsPerClip: number
  clips: number
  /** Feature threads (0: in the calling thread). */
  threads: number
  repetitions: number
}

/**
 * What UrbanSound8K mostly holds: a 4 s slice at 44.1 kHz, stereo, pcm16. Tones, a chirp and seeded noise
 * bursts, different in every clip; the content does not change the cost, the format does.
 */
function urbanLikeClip(seed: number): Float32Array[] {
  const rate = 44100
  const random = seededRandom(seed)
  const f1 = 80 + 900 * random()
  const f2 = 300 + 4000 * random()
  const left = new Float32Array(4 * rate)
  const right = new Float32Array(4 * rate)
  for (let i = 0; i < left.length; i++) {
    const t = i / rate
    const burst = Math.sin(Math.PI * ((t * 3) % 1)) ** 4
    const noise = 0.15 * burst * (random() * 2 - 1)
    const chirp = 0.1 * Math.sin(2 * Math.PI * (f2 + 600 * t) * t)
    left[i] = 0.3 * Math.sin(2 * Math.PI * f1 * t) + chirp + noise
    right[i] = 0.25 * Math.sin(2 * Math.PI * f1 * 1.01 * t) + 0.8 * chirp + noise
  }
  return [left, right]
}

/**
 * Features of `count` such clips with a cold feature cache (a new cache folder each repetition; the WAV
 * files themselves sit in the page cache after the first), as a training job computes them: in
 * `threads` when given (the job's pool, started anew each time), else in this thread.
 */
export async function runFeaturesBench(
  options: { quick?: boolean; log?: (line: string) => void; clips?: number; threads?: FeatureThreads } = {},
): Promise<FeaturesBenchResult> {
  const log = options.log ?? (() => {})
  // Starting a thread and warming up its compiled code took about 0.7 s of CPU: on 2 cores a third of the CPU
  // figure with 96 clips, a fifth with 240 (a training job of thousands of clips hardly notices it).
  const count = options.clips ?? (options.quick ? 8 : 240)
  const repetitions = options.quick ? 1 : 3
  const dir = mkdtempSync(join(tmpdir(), 'percept-features-bench-'))
  try {
    log(`features of ${count} clips (4 s, 44.1 kHz stereo pcm16), cold cache, ${options.threads ? 'in feature threads' : 'in this thread'}`)
    const clips: ClipRef[] = []
    for (let n = 0; n < count; n++) {
      const path = join(dir, `clip-${n}.wav`)
      await writeWavFile(path, { sampleRate: 44100, channels: urbanLikeClip(n + 1) }, 'pcm16')
      clips.push({ id: `clip-${n}`, path, classId: n % 10, fold: 1 + (n % 10) })
    }
    const seconds: number[] = []
    const cpu: number[] = []
    for (let r = 0; r < repetitions; r++) {
      const cache = join(dir, `cache-${r}`)
      const start = performance.now()
      const used = process.cpuUsage()
      await ensureFeatures(clips, paperSegments, cache, { threads: options.threads })
      const { user, system } = process.cpuUsage(used)
      seconds.push((performance.now() - start) / 1000)
      cpu.push((user + system) / 1000 / count)
      rmSync(cache, { recursive: true, force: true })
    }
    const threads = options.threads ? (options.threads.threads ?? availableParallelism()) : 0
    return { clipsPerSecond: Math.round((count / median(seconds)) * 10) / 10, cpuMsPerClip: median(cpu), clips: count, threads, repetitions }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
