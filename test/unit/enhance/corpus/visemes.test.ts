import { describe, expect, it } from 'vitest'
import { LIP_HEIGHT, LIP_WIDTH, renderMouth, type SpeakerLook } from '../../../../main/enhance/corpus/mouth-image'
import { mouthTrack, videoFrameCount, VISEME_TABLE } from '../../../../main/enhance/corpus/visemes'

// Phones: rest, a long "aa", a 60 ms "p", "aa" again, a long "m", rest. Video frame k shows (k + 0.5) / 25 s.
const phones = [
  { label: 'pau', start: 0, end: 0.3 },
  { label: 'aa', start: 0.3, end: 0.6 },
  { label: 'p', start: 0.6, end: 0.66 },
  { label: 'aa', start: 0.66, end: 0.96 },
  { label: 'm', start: 0.96, end: 1.2 },
  { label: 'pau', start: 1.2, end: 1.4 },
]
// Standard normal CDF values used below: Phi(-1) = 0.158655, Phi(-2) = 0.022750.
const PHI_M1 = 0.158655
const PHI_M2 = 0.02275

describe('the viseme model', () => {
  const { shapes, unknownPhones } = mouthTrack(phones, 1.4)

  it('gives round(seconds x 25) frames, like GRID (75 for 3 s)', () => {
    expect(videoFrameCount(3)).toBe(75)
    expect(shapes).toHaveLength(35)
    expect(unknownPhones).toEqual([])
  })

  it('opens wide in the middle of an open vowel and closes for bilabials', () => {
    // frame 10 at 0.42 s: 120 ms (6 sigma) inside "aa": its target 0.95
    expect(shapes[10]!.open).toBeCloseTo(0.95, 3)
    // frame 26 at 1.06 s: 100 ms into a 240 ms "m": closed
    expect(shapes[26]!.open).toBeLessThan(0.001)
    // frame 15 at 0.62 s in the 60 ms "p": the smoothing leaks in "aa" from 20 ms (1 sigma) before and
    // 40 ms (2 sigma) after: 0.95 (Phi(-1) + Phi(-2)) = 0.1723; a bilabial still nearly closes
    expect(shapes[15]!.open).toBeCloseTo(0.95 * (PHI_M1 + PHI_M2), 1)
    expect(Math.abs(shapes[15]!.open - 0.95 * (PHI_M1 + PHI_M2))).toBeLessThan(0.015)
    expect(shapes[15]!.open).toBeLessThan(0.2)
  })

  it('is smooth: anticipates a vowel and never jumps a whole step between frames', () => {
    // frame 7 at 0.30 s is the "aa" onset: half way up, plus half the weight of its own 1 ms step (which is
    // the vowel's): 0.95 (1/2 + 1 / (2 x 20 sqrt(2 pi))) = 0.95 x 0.50997 = 0.48447
    expect(shapes[7]!.open).toBeCloseTo(0.95 * (0.5 + 1 / (2 * 20 * Math.sqrt(2 * Math.PI))), 3)
    // frame 6 at 0.26 s, 40 ms (2 sigma) before the onset, has already started to open: 0.95 Phi(-2)
    expect(shapes[6]!.open).toBeCloseTo(0.95 * PHI_M2, 2)
    expect(shapes[6]!.open).toBeGreaterThan(0.01)
    // between frames 40 ms apart a step of 0.95 moves at most 0.95 (Phi(1) - Phi(-1)) = 0.6486, plus one
    // 1 ms step's kernel weight on the grid (0.95 x 0.02); unsmoothed it would move the whole 0.95
    for (let k = 1; k < shapes.length; k++) expect(Math.abs(shapes[k]!.open - shapes[k - 1]!.open)).toBeLessThan(0.95 * (1 - 2 * PHI_M1 + 0.02))
  })

  it('spreads for "iy", narrows and rounds for "uw", moves across a diphthong, and names unknown phones', () => {
    const track = mouthTrack(
      [
        { label: 'iy', start: 0, end: 0.4 },
        { label: 'uw', start: 0.4, end: 0.8 },
        { label: 'aw', start: 0.8, end: 1.6 },
        { label: 'qq', start: 1.6, end: 2 },
      ],
      2,
    )
    const at = (s: number) => track.shapes[Math.floor(s * 25)]!
    expect(at(0.2)).toMatchObject({ width: expect.closeTo(0.9, 3), round: expect.closeTo(0, 3) })
    expect(at(0.6)).toMatchObject({ width: expect.closeTo(0.2, 3), round: expect.closeTo(1, 3) })
    // "aw": open first half, rounded second half
    expect(at(1.0).open).toBeCloseTo(VISEME_TABLE.aw![0]![0], 3)
    expect(at(1.4).round).toBeCloseTo(VISEME_TABLE.aw![1]![2], 3)
    expect(track.unknownPhones).toEqual(['qq'])
    expect(at(1.8).open).toBeCloseTo(0.3, 3)
  })
})

describe('the mouth picture', () => {
  const look: SpeakerLook = { skin: 0.6, lip: 0.4, halfWidth: 30, maxOpen: 12, upperLip: 4, lowerLip: 5, dx: 0, dy: 0 }
  const pixel = (image: Float32Array, row: number, col: number) => image[row * LIP_WIDTH + col]!

  it('is 92 x 50 grey: skin, lips and a dark inner mouth where the shape says', () => {
    const open = renderMouth({ open: 0.5, width: 0.5, round: 0 }, look)
    expect(open).toHaveLength(92 * 50)
    expect(LIP_HEIGHT).toBe(50)
    // centre (row 25, col 46: 0.5 px from the centre) lies in the inner mouth: 6 px high, 22.9 px wide
    expect(pixel(open, 25, 46)).toBeCloseTo(0.07, 6)
    // 8.5 px above the centre: past the 6 px opening, inside the 6 + 4 px upper lip
    expect(pixel(open, 16, 46)).toBeCloseTo(0.4, 6)
    // a corner is skin
    expect(pixel(open, 0, 0)).toBeCloseTo(0.6, 6)
  })

  it('shows no inner mouth when the lips are closed, and more dark pixels the wider it opens', () => {
    const dark = (image: Float32Array) => image.filter((v) => v < 0.15).length
    const closed = renderMouth({ open: 0, width: 0.5, round: 0.1 }, look)
    const half = renderMouth({ open: 0.5, width: 0.5, round: 0 }, look)
    const wide = renderMouth({ open: 0.95, width: 0.6, round: 0.05 }, look)
    expect(dark(closed)).toBe(0)
    // an ellipse of 22.9 x 6 px covers pi a b = 431 px, less the teeth band at its top
    expect(dark(half)).toBeGreaterThan(300)
    expect(dark(half)).toBeLessThan(440)
    expect(dark(wide)).toBeGreaterThan(1.5 * dark(half))
  })
})
