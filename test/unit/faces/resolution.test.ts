import jpeg from 'jpeg-js'
import pngjs from 'pngjs'
import { describe, expect, it } from 'vitest'
import { decodeFaceImage, encodeGreyPng, resampleTaps, resizeGrey } from '../../../main/faces/face-image'
import { downsample, gaussianBlur, gaussianKernel, parseResolution } from '../../../main/faces/resolution'

describe('resizing to the canonical crop', () => {
  it('area weights when shrinking, linear between centres when growing (worked by hand)', () => {
    // 4 -> 2: each output pixel covers two input pixels, half each.
    expect(resampleTaps(4, 2)).toEqual([
      { index: [0, 1], weight: [0.5, 0.5] },
      { index: [2, 3], weight: [0.5, 0.5] },
    ])
    // 3 -> 2: output 0 covers [0, 1.5): pixel 0 whole (1 / 1.5), half of pixel 1 (0.5 / 1.5).
    const t = resampleTaps(3, 2)
    expect(t.map((x) => x.index)).toEqual([
      [0, 1],
      [1, 2],
    ])
    t.flatMap((x) => x.weight).forEach((w, i) => expect(w).toBeCloseTo([2 / 3, 1 / 3, 1 / 3, 2 / 3][i]!, 12))
    // 2 -> 4: input positions (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25, clamped to [0, 1].
    const [a, b] = [10, 20]
    const up = resizeGrey({ height: 1, width: 2, data: Float64Array.of(a, b) }, 1, 4)
    expect(Array.from(up.data)).toEqual([a, 0.75 * a + 0.25 * b, 0.25 * a + 0.75 * b, b].map((v) => expect.closeTo(v, 12)))
  })

  it('a 4 x 4 image shrunk to 2 x 2 gives its block means', () => {
    const data = Float64Array.from({ length: 16 }, (_, i) => i)
    // Blocks: {0, 1, 4, 5} -> 2.5, {2, 3, 6, 7} -> 4.5, {8, 9, 12, 13} -> 10.5, {10, 11, 14, 15} -> 12.5.
    expect(Array.from(resizeGrey({ height: 4, width: 4, data }, 2, 2).data)).toEqual([2.5, 4.5, 10.5, 12.5])
  })
})

describe('smoothing and downsampling to the probe resolution', () => {
  it('the Gaussian taps are scipy.ndimage.gaussian_filter1d taps (σ = 1, radius 4)', () => {
    // numpy: x = arange(-4, 5); k = exp(-x**2 / 2); k / k.sum()
    const expected = [1.338306246147e-4, 4.431861620031e-3, 5.39911274207e-2, 2.419714456566e-1, 3.989434693561e-1]
    const k = gaussianKernel(1)
    expect(k.length).toBe(9)
    expected.forEach((v, i) => {
      expect(k[i]).toBeCloseTo(v, 12)
      expect(k[8 - i]).toBeCloseTo(v, 12)
    })
  })

  it('matches scipy: gaussian_filter(mode="nearest") then map_coordinates(order=1) at the low-resolution centres', () => {
    // python3: r, c = mgrid[0:12, 0:10]; img = sin(0.3 r) + cos(0.17 c) + 0.01 r c; to 4 x 5 (factors 3, 2):
    // b = gaussian_filter(img, sigma=(1.0, 0.5), mode='nearest', truncate=4.0);
    // map_coordinates(b, [(i + 0.5) * 3 - 0.5, (j + 0.5) * 2 - 0.5], order=1, mode='nearest').
    const expected = [
      1.297458687836, 1.23259774413, 1.065476884365, 0.816317704828, 0.524606379398, 1.903666541393, 1.895965754127, 1.787579767512, 1.597155461124,
      1.362604292135, 1.854473955553, 1.905164532779, 1.856778546164, 1.726354239776, 1.550194435279, 1.19823468164, 1.306085415307, 1.316434301841,
      1.244744868602, 1.125745220545,
    ]
    const data = Float64Array.from({ length: 120 }, (_, p) => {
      const [r, c] = [Math.floor(p / 10), p % 10]
      return Math.sin(0.3 * r) + Math.cos(0.17 * c) + 0.01 * r * c
    })
    const out = downsample({ height: 12, width: 10, data }, { height: 4, width: 5 })
    expect(out.height).toBe(4)
    expect(out.width).toBe(5)
    Array.from(out.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 10))
  })

  it('keeps a constant image constant and refuses to grow an image', () => {
    const flat = { height: 48, width: 40, data: new Float64Array(1920).fill(0.3) }
    for (const v of downsample(flat, { height: 7, width: 6 }).data) expect(v).toBeCloseTo(0.3, 12)
    for (const v of gaussianBlur(flat, 2, 3).data) expect(v).toBeCloseTo(0.3, 12)
    expect(() => downsample(flat, { height: 50, width: 6 })).toThrow(/larger/)
  })

  it('parses HxW and refuses probes larger than the gallery', () => {
    expect(parseResolution('7x6')).toEqual({ height: 7, width: 6 })
    expect(parseResolution(' 20X20 ', { height: 48, width: 40 })).toEqual({ height: 20, width: 20 })
    expect(() => parseResolution('7*6')).toThrow(/HEIGHTxWIDTH/)
    expect(() => parseResolution('1x6')).toThrow(/at least 2x2/)
    expect(() => parseResolution('60x40', { height: 48, width: 40 })).toThrow(/larger than the gallery's 48x40/)
  })
})

describe('decoding face images', () => {
  it('round-trips a grey PNG to 8-bit precision', () => {
    const data = Float64Array.from({ length: 12 }, (_, i) => i / 11)
    const back = decodeFaceImage(encodeGreyPng({ height: 3, width: 4, data }))
    expect([back.height, back.width]).toEqual([3, 4])
    Array.from(back.data).forEach((v, i) => expect(Math.abs(v - data[i]!)).toBeLessThanOrEqual(0.5 / 255 + 1e-12))
  })

  it('turns colour into BT.601 luma: pure red 0.299, green 0.587, blue 0.114', () => {
    const png = new pngjs.PNG({ width: 3, height: 1 })
    png.data = Buffer.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255])
    const grey = decodeFaceImage(pngjs.PNG.sync.write(png))
    expect(Array.from(grey.data)).toEqual([expect.closeTo(0.299, 12), expect.closeTo(0.587, 12), expect.closeTo(0.114, 12)])
  })

  it('decodes a JPEG of flat grey', () => {
    const rgba = Buffer.alloc(16 * 16 * 4, 128)
    const bytes = jpeg.encode({ width: 16, height: 16, data: rgba }, 95).data
    const grey = decodeFaceImage(bytes, 'grey.jpg')
    expect([grey.height, grey.width]).toEqual([16, 16])
    for (const v of grey.data) expect(Math.abs(v - 128 / 255)).toBeLessThan(3 / 255)
  })

  it('refuses empty, unknown, damaged and huge images with a message naming the file', () => {
    expect(() => decodeFaceImage(new Uint8Array(0), 'a.png')).toThrow(/a.png: the file is empty/)
    expect(() => decodeFaceImage(new TextEncoder().encode('hello'), 'b.png')).toThrow(/neither a PNG nor a JPEG/)
    const good = encodeGreyPng({ height: 8, width: 8, data: new Float64Array(64).fill(0.5) })
    const damaged = good.slice(0, 40)
    expect(() => decodeFaceImage(damaged, 'c.png')).toThrow(/c.png: the PNG file is damaged/)
    // The header declares 10000 x 10000 (100 megapixels): refused before any decoding.
    const huge = Uint8Array.from(good)
    new DataView(huge.buffer).setUint32(16, 10000)
    new DataView(huge.buffer).setUint32(20, 10000)
    expect(() => decodeFaceImage(huge, 'd.png')).toThrow(/more than 40 megapixels/)
    const empty = Uint8Array.from(good)
    new DataView(empty.buffer).setUint32(16, 0)
    expect(() => decodeFaceImage(empty, 'e.png')).toThrow(/no pixels/)
    expect(() => decodeFaceImage(Uint8Array.of(0xff, 0xd8, 0xff, 0x00, 1, 2), 'f.jpg')).toThrow(/f.jpg: the JPEG file is damaged/)
  })
})
