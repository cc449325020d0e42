import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encodeGreyPng } from '../../../../main/enhance/corpus/frame-image'
import { checkVideoLength, lipFrameAt, listFrames, readLipInput, videoFrameAt } from '../../../../main/enhance/corpus/lips'
import { tempHome } from '../../../helpers/temp-home'

let home: string
let cleanup: () => void
beforeEach(() => ({ home, cleanup } = tempHome('percept-lips-')))
afterEach(() => cleanup())

/** A 92 x 50 frame of one grey level, k x 20 / 255 (exact in 8 bits). */
const level = (k: number) => (k * 20) / 255
function writeFrames(dir: string, indices: number[], name = (k: number) => `frame_${String(k).padStart(4, '0')}.png`, width = 92, height = 50): void {
  mkdirSync(dir, { recursive: true })
  for (const k of indices) writeFileSync(join(dir, name(k)), encodeGreyPng(new Float32Array(width * height).fill(level(k)), width, height))
}

describe('STFT frames to video frames', () => {
  it('takes the video frame at each STFT frame centre: floor((311 t + 622) / 640), worked by hand', () => {
    // t = 0: 622 / 640 -> 0; t = 1: 933 -> 1; t = 2: 1244 -> 1 (1.94); t = 3: 1555 -> 2 (2.43); ... t = 17: 5909 -> 9 (9.23)
    expect(Array.from({ length: 18 }, (_, t) => videoFrameAt(t))).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9])
    // 51.4 STFT frames a second against 25 video frames: mostly two per video frame, now and then three.
    // (311 t + 622) mod 640 first falls to 17 or below at t = 33 (remainder 5): t = 33, 34, 35 all give
    // 10885, 11196, 11507 / 640 = 17.01, 17.49, 17.98 -> 17, while t = 32 gives 16.52 and t = 36 18.47
    expect([32, 33, 34, 35, 36].map((t) => videoFrameAt(t))).toEqual([16, 17, 17, 17, 18])
    // a 3 s GRID clip: 151 STFT frames, the last centred at (311 x 150 + 622) / 16000 = 2.955 s: video frame 73 of 75
    expect(videoFrameAt(150)).toBe(73)
  })

  it('refuses a video whose length is more than 2 frames from the audio length at 25 fps', () => {
    // 48000 samples = 3 s = 75 frames
    expect(() => checkVideoLength(48_000, 73, 'x')).not.toThrow()
    expect(() => checkVideoLength(48_000, 77, 'x')).not.toThrow()
    expect(() => checkVideoLength(48_000, 72, 'x')).toThrow(/x: the video has 72 frames \(2.88 s at 25 fps\) but the audio lasts 3.00 s \(75.0 frames\)/)
    expect(() => checkVideoLength(48_000, 100, 'x')).toThrow(/belong together/)
  })
})

describe('readLipInput', () => {
  it('maps frames to STFT frames and replaces a missing and a damaged frame by the last good crop, counting them', async () => {
    const dir = join(home, 'utt')
    writeFrames(dir, [0, 1, 2, 4, 5, 6, 7, 8, 9]) // frame 3 absent
    writeFileSync(join(dir, 'frame_0006.png'), 'not an image') // frame 6 damaged
    // 6400 samples = 10 frames at 25 fps; 1 + floor((6400 - 1244) / 311) = 17 STFT frames
    const input = await readLipInput(dir, 6400)
    expect(input).toMatchObject({ width: 92, height: 50, videoFrames: 10, stftFrames: 17, replacedFrames: [3, 6], pastVideoEnd: 0 })
    expect(Array.from(input.stftToVideo)).toEqual([0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8])
    const mean = (x: Float32Array) => x.reduce((a, b) => a + b, 0) / x.length
    // STFT frames 5, 6 show video frame 3, which is frame 2's crop; 11, 12 show frame 6 = frame 5's crop
    expect(mean(lipFrameAt(input, 5))).toBeCloseTo(level(2), 6)
    expect(mean(lipFrameAt(input, 12))).toBeCloseTo(level(5), 6)
    expect(mean(lipFrameAt(input, 14))).toBeCloseTo(level(7), 6)
    expect(lipFrameAt(input, 0)).toHaveLength(92 * 50)
    expect(input.notes).toEqual(['utt: 2 of 10 frames replaced by the last good crop (1 absent, 1 unreadable).'])
  })

  it('reads ffmpeg numbering from 1, fills a missing first frame from the next good one, and gives STFT frames past the end the last frame', async () => {
    const dir = join(home, 'ffmpeg')
    writeFrames(dir, [2, 3, 4, 5, 6, 7, 8, 9], (k) => `${String(k).padStart(4, '0')}.png`) // 0001..0009 with 0001 absent
    const listing = await listFrames(dir)
    expect(listing.count).toBe(9)
    expect(listing.frames[0]).toMatchObject({ index: 1 })
    // 6720 samples = 10.5 video frames (9 is within 2); 1 + floor(5476 / 311) = 18 STFT frames, the last
    // (t = 17) centred in video frame 9, past the 9 frames 0..8
    const input = await readLipInput(dir, 6720)
    expect(input.replacedFrames).toEqual([0])
    expect(input.pastVideoEnd).toBe(1)
    expect(input.stftToVideo[17]).toBe(8)
    // video frame 0 (file 0001, absent) takes index 1 = file 0002, level(2)
    expect(input.frames[0]).toBeCloseTo(level(2), 6)
    expect(input.notes[1]).toMatch(/the last 1 STFT frames fall after the video's end/)
  })

  it('says to crop the lips when the frames are whole video frames, and names a folder without frames', async () => {
    const dir = join(home, 'full')
    writeFrames(dir, [0, 1, 2], undefined, 360, 288)
    await expect(readLipInput(dir, 1920)).rejects.toThrow(/full: the frames are 360 x 288 pixels; the lip input takes 92 x 50 crops/)
    mkdirSync(join(home, 'empty'))
    await expect(readLipInput(join(home, 'empty'), 1920)).rejects.toThrow(/holds no numbered PNG or JPEG frames/)
    await expect(readLipInput(join(home, 'nowhere'), 1920)).rejects.toThrow(/is not a folder of frames/)
  })
})
