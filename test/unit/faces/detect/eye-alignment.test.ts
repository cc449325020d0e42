import { describe, expect, it } from 'vitest'
import { alignByEyes, canonicalEyes, centroid, eyeTransform } from '../../../../main/faces/detect/eye-alignment'
import { resizeGrey } from '../../../../main/faces/face-image'
import { pieFaceImages } from '../../../../main/faces/fixtures/pie-set'

const crop = { height: 48, width: 40 }

describe('alignment by the eye centres', () => {
  it('puts the canonical eyes at columns 12 and 28, row 17 of a 48 x 40 crop (face-shape.ts)', () => {
    expect(canonicalEyes(crop)).toEqual({ left: [12, 17], right: [28, 17] })
    expect(centroid([[0, 0], [2, 0], [1, 3]])).toEqual([1, 1])
  })

  it('maps the canonical eyes onto the photo eyes exactly, with the scale and angle of the eye line', () => {
    const eyes = { left: [100, 50] as const, right: [140, 80] as const }
    const t = eyeTransform(eyes, crop)
    expect(t.scale).toBeCloseTo(50 / 16, 12)
    expect(t.angle).toBeCloseTo(Math.atan2(30, 40), 12)
    const [lx, ly] = t.toPhoto(12, 17)
    const [rx, ry] = t.toPhoto(28, 17)
    expect([lx, ly, rx, ry].map((v) => Math.round(v * 1e9) / 1e9)).toEqual([100, 50, 140, 80])
  })

  it('recovers a crop from a photo that holds it enlarged three times and shifted', () => {
    const face = { height: 48, width: 40, data: pieFaceImages(3, 1)[7]! }
    const big = resizeGrey(face, 144, 120)
    // The enlarged face pasted at (30, 20) of a 200 x 240 photo of mid grey.
    const photo = { height: 200, width: 240, data: new Float64Array(200 * 240).fill(0.5) }
    for (let r = 0; r < 144; r++) for (let c = 0; c < 120; c++) photo.data[(20 + r) * 240 + 30 + c] = big.data[r * 120 + c]!
    const aligned = alignByEyes(photo, { left: [30 + 3 * 12, 20 + 3 * 17], right: [30 + 3 * 28, 20 + 3 * 17] }, crop)
    expect(aligned.transform.scale).toBeCloseTo(3, 12)
    let error = 0
    for (let p = 0; p < face.data.length; p++) error += Math.abs(aligned.crop.data[p]! - face.data[p]!)
    // Linear enlargement then 3 x 3 averaging is not an exact inverse: a small mean difference remains.
    expect(error / face.data.length).toBeLessThan(0.02)
  })
})
