import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeFrame } from '../../../../main/enhance/corpus/frame-image'
import type { LipGeometry } from '../../../../main/enhance/corpus/lip-crop'
import { cropLipFrames, lipFrameName, type LipCropSummary } from '../../../../main/enhance/corpus/lip-frames'
import { prepareLips } from '../../../../main/enhance/corpus/lip-prepare'
import { readLipInput } from '../../../../main/enhance/corpus/lips'
import { BLANK, STEP, writeFaceFrames } from './lip-crop-frames'

// Lip crops of a real face (face-api's demo photo) by the real detector and landmark net: a window moving
// over the photo, one frame blank. The crops follow the face, the blank frame takes the last good crop and
// is counted, the folder written reads back as the lip input; the same through prepareLips' own thread.

let dir: string
let frames: string
let summary: LipCropSummary
const crop = (folder: string, index: number) => decodeFrame(readFileSync(join(folder, lipFrameName(index))), lipFrameName(index))

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'percept-lip-crop-'))
  frames = writeFaceFrames(join(dir, 'frames'))
  summary = await cropLipFrames(frames, join(dir, 'lips'))
}, 240_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('lip crops of a real face', { timeout: 240_000 }, () => {
  it('finds the face in every frame but the blank one, which takes the last good crop and is counted', () => {
    expect(summary).toMatchObject({ frames: 8, found: 7, fallback: 1, fallbackFrames: [BLANK], frameSize: '360 x 288', detector: 'tiny' })
    expect(summary.notes).toEqual([`frames: 1 of 8 frames took the last good lip crop (1 no face found): frames ${BLANK} (0-based).`])
    expect(readdirSync(join(dir, 'lips')).sort()).toEqual(Array.from({ length: 8 }, (_, k) => lipFrameName(k)))
    for (let k = 0; k < 8; k++) expect([crop(join(dir, 'lips'), k).width, crop(join(dir, 'lips'), k).height]).toEqual([92, 50])
    expect(crop(join(dir, 'lips'), BLANK).data).toEqual(crop(join(dir, 'lips'), BLANK - 1).data)
    expect(summary.geometry[BLANK]).toBeNull()
  })

  it('moves the crop centre with the face (the window moves 3, 2 px a frame, the face -3, -2)', () => {
    const found = summary.geometry.flatMap((g, k) => (g ? [{ k, g }] : []))
    const slope = (value: (g: LipGeometry) => number) => {
      const mk = found.reduce((s, f) => s + f.k, 0) / found.length
      const mv = found.reduce((s, f) => s + value(f.g), 0) / found.length
      const b = found.reduce((s, f) => s + (f.k - mk) * (value(f.g) - mv), 0) / found.reduce((s, f) => s + (f.k - mk) ** 2, 0)
      return { b, at: (k: number) => mv + b * (k - mk) }
    }
    const x = slope((g) => g.x)
    const y = slope((g) => g.y)
    expect(x.b).toBeCloseTo(-STEP[0], 0)
    expect(y.b).toBeCloseTo(-STEP[1], 0)
    for (const { k, g } of found) {
      // landmark jitter left after smoothing: under 2 px on a mouth about 54 px wide
      expect(Math.abs(g.x - x.at(k))).toBeLessThan(2)
      expect(Math.abs(g.y - y.at(k))).toBeLessThan(2)
      expect(Math.abs(g.width / found[0]!.g.width - 1)).toBeLessThan(0.05)
    }
    // the mouth sits in the middle of the frame window (the window was placed with the face near its centre)
    expect(found[0]!.g.x).toBeGreaterThan(120)
    expect(found[0]!.g.x).toBeLessThan(240)
  })

  it('puts the crops within 3 px of where SSD MobileNet (the slower detector) puts them', async () => {
    const ssd = await cropLipFrames(frames, join(dir, 'lips-ssd'), { detector: 'ssd' })
    expect(ssd).toMatchObject({ found: 7, fallbackFrames: [BLANK], detector: 'ssd' })
    ssd.geometry.forEach((g, k) => {
      if (!g) return
      const tiny = summary.geometry[k]!
      expect(Math.hypot(g.x - tiny.x, g.y - tiny.y)).toBeLessThan(3)
      expect(Math.abs(g.width / tiny.width - 1)).toBeLessThan(0.08)
    })
  })

  it('shows the same mouth in every crop: the crops track the face (a crop left in place would not)', () => {
    const lips = join(dir, 'lips')
    const meanAbs = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length
    const first = crop(lips, 0).data
    const tracked = meanAbs(crop(lips, 7).data, first)
    expect(tracked).toBeLessThan(0.04)
    // the mouth is darker than the skin above it: the crop holds the lips, not a cheek
    const row = (r: number) => first.subarray(r * 92 + 30, r * 92 + 62).reduce((s, v) => s + v, 0) / 32
    expect(Math.min(row(23), row(25), row(27))).toBeLessThan(row(3) - 0.05)
  })

  it('reads back as the lip input of 0.32 s of audio, and readLipInput sends full-face frames to `percept enhance lips`', async () => {
    const input = await readLipInput(join(dir, 'lips'), 8 * 640)
    expect([input.videoFrames, input.width, input.height, input.replacedFrames]).toEqual([8, 92, 50, []])
    await expect(readLipInput(frames, 8 * 640)).rejects.toThrow('frames: the frames are 360 x 288 pixels; the lip input takes 92 x 50 crops around the lips. Crop them from the full-face frames first: percept enhance lips frames --out <lips-folder>')
  })

  it('refuses a non-empty --out, and frames that are lip crops already', async () => {
    await expect(cropLipFrames(frames, join(dir, 'lips'))).rejects.toThrow('is not empty; give a new or empty folder')
    await expect(cropLipFrames(join(dir, 'lips'), join(dir, 'again'))).rejects.toThrow('lips: the frames are already 92 x 50 lip crops; give this folder to --lips as it is.')
  })

  it('prepareLips crops full-face frames in a thread of its own into a temporary folder, and passes lip crops through', async () => {
    const thread = { url: new URL('../../../../main/enhance/corpus/lips-worker.ts', import.meta.url), loader: 'tsx' as const }
    const prepared = await prepareLips(frames, { thread })
    try {
      expect(prepared.cropped).toMatchObject({ frames: 8, found: 7, fallback: 1, fallbackFrames: [BLANK] })
      expect(prepared.notes[0]).toMatch(/^frames: full-face frames \(360 x 288\); the lips were cropped to 92 x 50 by the face-landmark model in a thread of their own \(7 of 8 frames with a face, 1 took the last good crop; /)
      for (let k = 0; k < 8; k++) expect(crop(prepared.dir, k).data).toEqual(crop(join(dir, 'lips'), k).data)
    } finally {
      await prepared.release()
    }
    expect(() => readdirSync(prepared.dir)).toThrow()
    const passed = await prepareLips(join(dir, 'lips'), { thread })
    expect(passed).toMatchObject({ dir: join(dir, 'lips'), notes: [], cropped: null })
    // what is not a folder of frames is left to the run's own checks and messages
    const missing = join(dir, 'no-such-folder')
    expect(await prepareLips(missing, { thread })).toMatchObject({ dir: missing, notes: [], cropped: null })
  })
})
