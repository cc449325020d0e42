import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import type { WireError } from '../../api'
import { PerceptError } from '../../core/errors'
import { locateJobWorker, spawnWorker, type JobWorkerEntry } from '../../core/jobs/worker-entry'
import { frameSize } from './frame-image'
import type { LipCropSummary } from './lip-frames'
import { listFrames } from './lips'
import { LIP_HEIGHT, LIP_WIDTH } from './mouth-image'

/*
 * The --lips folder of `percept enhance run` as the model needs it: 92 x 50 lip crops are used as they
 * are; full-face frames (any other size) have their lips cropped first (lip-frames.ts) into a temporary
 * folder, in a worker thread (lips-worker.ts), because the face-landmark model replaces TF.js kernels
 * when it loads and must not share a thread with a model or with training. The crops are made anew each
 * run; `percept enhance lips` makes them once for a folder used many times.
 */

export interface LipThreadTask {
  framesDir: string
  outDir: string
}
export type LipThreadReply = { ok: true; summary: LipCropSummary } | { ok: false; error: WireError }

export interface PreparedLips {
  /** The folder of 92 x 50 crops to read (the one given, or the temporary crops). */
  dir: string
  /** What was done, for the command's notes; empty when the frames were crops already. */
  notes: string[]
  /** The crop's figures when the lips were cropped here, else null. */
  cropped: LipCropSummary | null
  /** Removes the temporary crops (nothing when none were made). */
  release(): Promise<void>
}

/**
 * Whether `dir` holds full-face frames to crop: a folder of numbered frames whose first is not 92 x 50.
 * Anything else (lip crops, a video file, a missing or empty folder) is left to readLipInput and the
 * run's own checks, which say what to give instead.
 */
export async function fullFaceFrames(dir: string): Promise<{ size: string } | null> {
  if (!(await stat(dir).catch(() => null))?.isDirectory()) return null
  let first: string
  try {
    first = (await listFrames(dir)).frames[0]!.file
  } catch (error) {
    if (error instanceof PerceptError) return null
    throw error
  }
  const size = frameSize(await readFile(first))
  return size && !(size.width === LIP_WIDTH && size.height === LIP_HEIGHT) ? { size: `${size.width} x ${size.height}` } : null
}

/** Runs cropLipFrames in a thread started from `entry`. */
export function cropLipsInThread(task: LipThreadTask, entry: JobWorkerEntry = locateJobWorker(import.meta.url, 'lips-worker')): Promise<LipCropSummary> {
  const worker = spawnWorker(entry, task)
  return new Promise<LipCropSummary>((resolve, reject) => {
    worker.once('message', (reply: LipThreadReply) => (reply.ok ? resolve(reply.summary) : reject(PerceptError.fromWire(reply.error))))
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new PerceptError('INTERNAL', `The thread cropping the lips stopped (exit code ${code}) before it answered.`)))
  }).finally(() => void worker.terminate())
}

/** The lip crops for `dir`: its full-face frames' lips cropped in a thread, or `dir` itself when it holds no such frames. */
export async function prepareLips(dir: string, options: { thread?: JobWorkerEntry } = {}): Promise<PreparedLips> {
  const faces = await fullFaceFrames(dir)
  if (!faces) return { dir, notes: [], cropped: null, release: async () => {} }
  const { size } = faces
  const out = await mkdtemp(join(tmpdir(), 'percept-lips-'))
  const release = () => rm(out, { recursive: true, force: true })
  try {
    const summary = await cropLipsInThread({ framesDir: dir, outDir: out }, options.thread)
    const notes = [
      `${basename(dir)}: full-face frames (${size}); the lips were cropped to ${LIP_WIDTH} x ${LIP_HEIGHT} by the face-landmark model in a thread of their own ` +
        `(${summary.found} of ${summary.frames} frames with a face, ${summary.fallback} took the last good crop; ${summary.seconds.toFixed(1)} s). ` +
        'Run `percept enhance lips` once to keep the crops for later runs.',
      ...summary.notes,
    ]
    return { dir: out, notes, cropped: summary, release }
  } catch (error) {
    await release()
    throw error
  }
}
