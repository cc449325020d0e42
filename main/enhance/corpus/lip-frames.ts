import { readdir, readFile } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { writeFileAtomic } from '../../core/atomic-file'
import { PerceptError } from '../../core/errors'
import { detectFaces, type DetectedFace, type DetectOptions } from '../../imaging/face-landmarks/face-detector'
import { decodeFrame, encodeGreyPng, frameSize } from './frame-image'
import { cropLips, measureLips, planLipCrops, type LipGeometry, type LipMeasure } from './lip-crop'
import { fillMissing, listFrames } from './lips'
import { LIP_HEIGHT, LIP_WIDTH } from './mouth-image'

/*
 * A folder of full-face video frames to a folder of 92 x 50 lip crops, the naming readLipInput reads
 * (frame_0000.png, ...; every frame of the numbering written, so the count and the timing stay those of
 * the video). Two passes: the face-landmark model measures every frame (the pixels are not kept, so a
 * long video does not pile up in memory), then each frame is decoded again and cropped at its smoothed
 * place (lip-crop.ts). A frame with no face (or absent from the numbering, or unreadable) takes the last
 * good crop, the first good one after it when none is before, and is counted.
 *
 * The faces are found by face-api's Tiny Face Detector, and a frame where it finds none is tried again
 * with SSD MobileNet v1 before it counts as faceless. On 360 x 288 GRID-sized frames of a real face the
 * two give lip centres within 3 px of each other; Tiny took 0.24 s a frame and SSD 1.1-1.3 s (wasm
 * backend, 2 cores shared with other work at load 8). 75 frames, 9 of them blank (so retried with SSD),
 * took 37 s (19 s of CPU) in `percept enhance lips` at load 9.
 *
 * face-api replaces TF.js kernels when it loads (imaging/face-landmarks/face-api-runtime.ts), so this runs
 * only in a process or thread of its own: `percept enhance lips`, or the thread of lip-prepare.ts.
 */

export interface LipCropSummary {
  /** Video frames (the numbering's length, gaps included), each written as a crop. */
  frames: number
  /** Frames where a face (and so its lips) was found. */
  found: number
  /** Frames that took another frame's crop: no face, absent from the numbering, or unreadable. */
  fallback: number
  /** 0-based indices of those frames. */
  fallbackFrames: number[]
  seconds: number
  source: string
  out: string
  /** The frames' size, e.g. "360 x 288". */
  frameSize: string
  /** The face detector used first (see LipCropOptions). */
  detector: 'tiny' | 'ssd'
  notes: string[]
  /** Each frame's crop (centre, width, roll in its pixels), null where the frame took another's crop. */
  geometry: (LipGeometry | null)[]
}

export interface LipCropOptions {
  /** The detector's score threshold (face-api's default 0.5). */
  minConfidence?: number
  /** 'tiny' (default): Tiny Face Detector, SSD for the frames where it finds none; 'ssd': SSD alone. */
  detector?: 'tiny' | 'ssd'
  /** Hears each frame measured and each crop written (of 2 x frames steps), for progress. */
  onStep?: (done: number, total: number) => void
}

/** The frame's file name in a lips folder: frame_0000.png (0-based, as listFrames numbers them). */
export const lipFrameName = (index: number): string => `frame_${String(index).padStart(4, '0')}.png`

const biggest = (faces: DetectedFace[]): DetectedFace | null =>
  faces.reduce<DetectedFace | null>((best, f) => (!best || f.box.width * f.box.height > best.box.width * best.box.height ? f : best), null)

async function requireEmptyOut(out: string, source: string): Promise<void> {
  if (resolve(out) === resolve(source)) throw new PerceptError('VALIDATION', `--out must be another folder than the frames' own (${basename(source)}); give a new folder for the lips.`)
  const names = await readdir(out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    if (error.code === 'ENOTDIR') throw new PerceptError('VALIDATION', `${out} is a file; --out takes a folder for the lip crops.`)
    throw error
  })
  if (names.length > 0) throw new PerceptError('VALIDATION', `${out} is not empty; give a new or empty folder for the lip crops (old crops left beside new ones would mix two videos).`)
}

/** Crops the lips of every frame in `framesDir` into `outDir` (new or empty). */
export async function cropLipFrames(framesDir: string, outDir: string, options: LipCropOptions = {}): Promise<LipCropSummary> {
  const started = performance.now()
  const name = basename(framesDir)
  const { frames: files, count } = await listFrames(framesDir)
  const first = frameSize(await readFile(files[0]!.file))
  if (first && first.width === LIP_WIDTH && first.height === LIP_HEIGHT) {
    throw new PerceptError('VALIDATION', `${name}: the frames are already ${LIP_WIDTH} x ${LIP_HEIGHT} lip crops; give this folder to --lips as it is.`)
  }
  await requireEmptyOut(outDir, framesDir)
  const byIndex = new Map(files.map((f) => [f.index, f.file]))
  const steps = 2 * count
  let done = 0

  // pass 1: measure
  const threshold: DetectOptions = options.minConfidence === undefined ? {} : { minConfidence: options.minConfidence }
  const measures: (LipMeasure | null)[] = new Array(count).fill(null)
  const unreadable: number[] = []
  const sizes = new Map<string, number>()
  let noFace = 0
  for (let index = 0; index < count; index++) {
    const file = byIndex.get(index)
    if (file) {
      try {
        const frame = decodeFrame(await readFile(file), basename(file))
        const key = `${frame.width} x ${frame.height}`
        sizes.set(key, (sizes.get(key) ?? 0) + 1)
        const detect = (detector: 'tiny' | 'ssd') => detectFaces(frame, { ...threshold, detector })
        let face = biggest(await detect(options.detector ?? 'tiny'))
        if (!face && options.detector !== 'ssd') face = biggest(await detect('ssd'))
        if (face) measures[index] = measureLips(face.landmarks)
        else noFace++
      } catch (error) {
        if (!(error instanceof PerceptError) || error.code !== 'VALIDATION') throw error
        unreadable.push(index)
      }
    }
    options.onStep?.(++done, steps)
  }
  const plan = planLipCrops(measures)
  const good = plan.map((g) => g !== null)
  const found = good.filter(Boolean).length
  if (found === 0) {
    throw new PerceptError(
      'VALIDATION',
      `${name}: no face was found in any of the ${files.length} frames, so there are no lips to crop. The frames must show the speaker's face from the front; ` +
        `if they are lip crops of another size, resize them to ${LIP_WIDTH} x ${LIP_HEIGHT} yourself.`,
    )
  }

  // pass 2: crop, fill, write
  const size = LIP_WIDTH * LIP_HEIGHT
  const crops = new Float32Array(count * size)
  for (let index = 0; index < count; index++) {
    const g: LipGeometry | null = plan[index]!
    if (g) crops.set(cropLips(decodeFrame(await readFile(byIndex.get(index)!), name), g), index * size)
  }
  const fallbackFrames = fillMissing(crops, good, size)
  for (let index = 0; index < count; index++) {
    await writeFileAtomic(join(outDir, lipFrameName(index)), encodeGreyPng(crops.subarray(index * size, (index + 1) * size), LIP_WIDTH, LIP_HEIGHT))
    options.onStep?.(++done, steps)
  }

  const absent = count - files.length
  const notes: string[] = []
  if (fallbackFrames.length > 0) {
    const why = [
      [noFace, 'no face found'],
      [absent, 'absent from the numbering'],
      [unreadable.length, 'unreadable'],
    ]
      .filter(([n]) => Number(n) > 0)
      .map(([n, what]) => `${n} ${what}`)
    const shown = fallbackFrames.slice(0, 10).join(', ') + (fallbackFrames.length > 10 ? ', ...' : '')
    notes.push(`${name}: ${fallbackFrames.length} of ${count} frames took the last good lip crop (${why.join(', ')}): frames ${shown} (0-based).`)
  }
  if (sizes.size > 1) notes.push(`${name}: the frames are of ${sizes.size} sizes (${[...sizes.keys()].join(', ')}); each was cropped at its own scale.`)
  return {
    frames: count,
    found,
    fallback: fallbackFrames.length,
    fallbackFrames,
    seconds: (performance.now() - started) / 1000,
    source: framesDir,
    out: outDir,
    detector: options.detector ?? 'tiny',
    frameSize: [...sizes.keys()][0] ?? `${first?.width ?? '?'} x ${first?.height ?? '?'}`,
    notes,
    geometry: plan,
  }
}
