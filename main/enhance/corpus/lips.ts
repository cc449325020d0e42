import { readdir, readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { PerceptError } from '../../core/errors'
import { ENHANCE_SAMPLE_RATE, FRAME_LENGTH, frameCount, HOP_LENGTH } from '../frames'
import { decodeFrame } from './frame-image'
import { LIP_HEIGHT, LIP_WIDTH } from './mouth-image'
import { VIDEO_FPS } from './visemes'

/*
 * The lip input of one utterance: its 92 x 50 grey lip frames (0..1) brought to the STFT frame rate.
 *
 * The paper upsamples its 25 fps video three times "to match the 75 STFT frames". With the issue's
 * 311-sample hop at 16 kHz the STFT runs at 16000 / 311 = 51.4 frames a second, not 75, so a fixed x3
 * would drift (3 x 25 = 75 a second) and lose sync within half a second. Instead each STFT frame takes
 * the video frame shown at its centre time: STFT frame t covers samples [311 t, 311 t + 1244), its
 * centre is (311 t + 622) / 16000 s, and video frame k covers [k / 25, (k + 1) / 25) s, so
 *   k(t) = floor(25 (311 t + 622) / 16000) = floor((311 t + 622) / 640).
 * Each video frame then serves two or three STFT frames (about 2.06 on average): the paper's "upsampling",
 * at the rate our frames actually have.
 *
 * Checks: a video whose length differs from the audio's by more than VIDEO_TOLERANCE_FRAMES frames is
 * refused (they do not belong together); within the tolerance, STFT frames past the last video frame
 * take the last one (counted). A frame missing from the numbering, unreadable or not 92 x 50 is replaced
 * by the last good one before it (the first good one after it when none is before), and counted.
 */

/** GRID's 3 s clips hold 75 frames; 2 frames (80 ms) absorb rounding and an encoder's dropped frame. */
export const VIDEO_TOLERANCE_FRAMES = 2
const IMAGE = /^(.*?)(\d+)\.(png|jpe?g)$/i

/** The video frame (0-based, 25 fps) at the centre of STFT frame t: floor(fps (311 t + 622) / 16000). */
export function videoFrameAt(t: number, fps = VIDEO_FPS): number {
  return Math.floor((fps * (t * HOP_LENGTH + FRAME_LENGTH / 2)) / ENHANCE_SAMPLE_RATE)
}

/** Video frames the audio's length calls for at `fps`: samples / 16000 * fps (640 samples a frame at 25 fps). */
export function expectedVideoFrames(samples: number, fps = VIDEO_FPS): number {
  return (samples * fps) / ENHANCE_SAMPLE_RATE
}

/** VALIDATION when `videoFrames` differs from the audio's length by more than `tolerance` frames. */
export function checkVideoLength(samples: number, videoFrames: number, what: string, tolerance = VIDEO_TOLERANCE_FRAMES): void {
  const expected = expectedVideoFrames(samples)
  if (Math.abs(videoFrames - expected) > tolerance) {
    throw new PerceptError(
      'VALIDATION',
      `${what}: the video has ${videoFrames} frames (${(videoFrames / VIDEO_FPS).toFixed(2)} s at 25 fps) but the audio lasts ` +
        `${(samples / ENHANCE_SAMPLE_RATE).toFixed(2)} s (${expected.toFixed(1)} frames); they differ by more than ${tolerance} frames, ` +
        'so they are probably not the same recording. Check that the video and the audio belong together.',
    )
  }
}

export interface NumberedFrame {
  /** 0-based frame index. */
  index: number
  file: string
}

/**
 * The numbered image files of a frames folder, by index. The number is the last run of digits in the
 * name (frame_0000.png, 0001.png, img12.jpg); numbering starts at 0 when a file is numbered 0 and at 1
 * otherwise (ffmpeg's %04d starts at 1). Two files with the same number: VALIDATION.
 */
export async function listFrames(dir: string): Promise<{ frames: NumberedFrame[]; count: number }> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new PerceptError('NOT_FOUND', `${dir} is not a folder of frames. Give the folder holding the numbered PNG or JPEG frames.`)
    throw error
  }
  const numbered = names.map((file) => ({ file, match: IMAGE.exec(file) })).filter((f) => f.match !== null)
  if (numbered.length === 0) throw new PerceptError('VALIDATION', `${dir} holds no numbered PNG or JPEG frames (e.g. frame_0000.png).`)
  const base = numbered.some((f) => Number(f.match![2]) === 0) ? 0 : 1
  const byIndex = new Map<number, string>()
  for (const { file, match } of numbered) {
    const index = Number(match![2]) - base
    const other = byIndex.get(index)
    if (other !== undefined) throw new PerceptError('VALIDATION', `${basename(dir)}: ${other} and ${file} have the same frame number; keep one.`)
    byIndex.set(index, join(dir, file))
  }
  const frames = [...byIndex].map(([index, file]) => ({ index, file })).sort((a, b) => a.index - b.index)
  return { frames, count: frames[frames.length - 1]!.index + 1 }
}

export interface LipInput {
  width: number
  height: number
  videoFrames: number
  /** videoFrames x 50 x 92 grey in [0, 1], row-major per frame, missing frames already filled. */
  frames: Float32Array
  /** The STFT frame count of the audio and, for each, its video frame. */
  stftFrames: number
  stftToVideo: Int32Array
  /** Video frames that were missing, unreadable or of another size, replaced by the nearest good one. */
  replacedFrames: number[]
  /** STFT frames whose centre falls after the video's end (given its last frame). */
  pastVideoEnd: number
  notes: string[]
}

/** The lip frame (50 x 92, a view, not a copy) for STFT frame t. */
export function lipFrameAt(input: LipInput, t: number): Float32Array {
  const k = input.stftToVideo[t]!
  const size = input.width * input.height
  return input.frames.subarray(k * size, (k + 1) * size)
}

/** Reads a folder of lip frames and maps them to the STFT frames of `audioSamples` samples at 16 kHz. */
export async function readLipInput(dir: string, audioSamples: number, tolerance = VIDEO_TOLERANCE_FRAMES): Promise<LipInput> {
  const name = basename(dir)
  const { frames: files, count } = await listFrames(dir)
  checkVideoLength(audioSamples, count, name, tolerance)
  const size = LIP_WIDTH * LIP_HEIGHT
  const frames = new Float32Array(count * size)
  const good = new Array<boolean>(count).fill(false)
  const otherSizes = new Map<string, number>()
  const unreadable: string[] = []
  for (const { index, file } of files) {
    let image
    try {
      image = decodeFrame(await readFile(file), basename(file))
    } catch (error) {
      if (!(error instanceof PerceptError)) throw error
      unreadable.push(basename(file))
      continue
    }
    if (image.width !== LIP_WIDTH || image.height !== LIP_HEIGHT) {
      const key = `${image.width} x ${image.height}`
      otherSizes.set(key, (otherSizes.get(key) ?? 0) + 1)
      continue
    }
    frames.set(image.data, index * size)
    good[index] = true
  }
  const goodCount = good.filter(Boolean).length
  if (goodCount === 0) {
    const sizes = [...otherSizes.keys()]
    throw new PerceptError(
      'VALIDATION',
      sizes.length > 0
        ? `${name}: the frames are ${sizes.join(', ')} pixels; the lip input takes 92 x 50 crops around the lips. ` +
          `Crop them from the full-face frames first: percept enhance lips ${name} --out <lips-folder>, then give that folder.`
        : `${name}: none of the ${files.length} frames could be read (${unreadable.slice(0, 3).join(', ')}${unreadable.length > 3 ? ', ...' : ''}); extract them again.`,
    )
  }
  const replaced = fillMissing(frames, good, size)
  const stftFrames = frameCount(audioSamples)
  const stftToVideo = new Int32Array(stftFrames)
  let pastVideoEnd = 0
  for (let t = 0; t < stftFrames; t++) {
    const k = videoFrameAt(t)
    if (k >= count) pastVideoEnd++
    stftToVideo[t] = Math.min(k, count - 1)
  }
  const notes: string[] = []
  if (replaced.length > 0) {
    const why = [
      [count - files.length, 'absent'],
      [unreadable.length, 'unreadable'],
      ...[...otherSizes].map(([sizeText, n]) => [n, `of ${sizeText} pixels`] as const),
    ]
      .filter(([n]) => Number(n) > 0)
      .map(([n, what]) => `${n} ${what}`)
    notes.push(`${name}: ${replaced.length} of ${count} frames replaced by the last good crop (${why.join(', ')}).`)
  }
  if (pastVideoEnd > 0) notes.push(`${name}: the last ${pastVideoEnd} STFT frames fall after the video's end and show its last frame.`)
  return { width: LIP_WIDTH, height: LIP_HEIGHT, videoFrames: count, frames, stftFrames, stftToVideo, replacedFrames: replaced, pastVideoEnd, notes }
}

/** Copies into each bad frame the last good one before it (the first good one after it for a leading run); returns the bad indices. */
export function fillMissing(frames: Float32Array, good: readonly boolean[], size: number): number[] {
  const replaced: number[] = []
  const firstGood = good.indexOf(true)
  let last = firstGood
  for (let k = 0; k < good.length; k++) {
    if (good[k]) {
      last = k
      continue
    }
    replaced.push(k)
    frames.copyWithin(k * size, last * size, (last + 1) * size)
  }
  return replaced
}
