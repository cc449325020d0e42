import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evaluatePie } from '../../../../main/faces/evaluate'
import { readFaceDataset, type FaceDataset } from '../../../../main/faces/face-dataset'
import { resizeGrey } from '../../../../main/faces/face-image'
import { writePieSet } from '../../../../main/faces/fixtures/pie-set'
import { dictionaryFile } from '../../../../main/faces/gallery/dictionaries'
import type { GalleryStore } from '../../../../main/faces/gallery/gallery-store'
import { identifyProbe } from '../../../../main/faces/gallery/identify-probe'
import { enrolPhotos } from '../../../../main/faces/gallery/photo-import'
import { downsample } from '../../../../main/faces/resolution'
import { tempGallery, writePng } from './gallery-fixtures'

// 12 synthetic people, each enrolled with the frontally lit image 7 of their 21; the other 20 are probes.
const GALLERY_LIGHT = 7
let gallery: ReturnType<typeof tempGallery>
let store: GalleryStore
let dataset: FaceDataset

beforeAll(async () => {
  gallery = tempGallery()
  store = gallery.store
  const dir = join(gallery.home, 'pie')
  await writePieSet(dir, { people: 12, seed: 1 })
  dataset = await readFaceDataset(dir)
  for (const person of dataset.people) await enrolPhotos(store, person.name, [join(dir, person.name, person.files[GALLERY_LIGHT]!)])
})
afterAll(() => gallery.close())

describe('identifying a probe against the gallery', () => {
  it('ranks as the PIE evaluation does: the same rank-1 rate at 7x6 over all 240 probes', async () => {
    const r76 = { height: 7, width: 6 }
    let right = 0
    for (const person of dataset.people) {
      for (const [k, image] of person.images.entries()) {
        if (k === GALLERY_LIGHT) continue
        // A 48 x 40 image is not larger than the crop: it is smoothed and downsampled to the asked resolution.
        const { candidates } = await identifyProbe(store, image, { resolution: r76, top: 1 })
        if (candidates[0]!.person === person.name) right++
      }
    }
    const evaluation = evaluatePie(dataset.people, { resolutions: [r76], galleryImages: [GALLERY_LIGHT], methods: ['slrfr'] })
    const rate = right / 240
    // Measured: 186 of 240 (0.775), the evaluation's figure; the two differ only in the order of floating-point sums.
    expect(Math.abs(rate - evaluation.resolutions[0]!.methods[0]!.rank1)).toBeLessThanOrEqual(2 / 240)
    expect(rate).toBeGreaterThan(0.7)
  }, 20_000)

  it("matches at the probe's own size, and returns ranked candidates whose reconstructions leave the residual", async () => {
    const person = dataset.people[3]!
    const probe = downsample(person.images[10]!, { height: 10, width: 8 })
    const result = await identifyProbe(store, probe, { top: 3 })
    expect(result.resolution).toBe('10x8')
    expect(result.built).toBe(true)
    expect(existsSync(dictionaryFile(store, { height: 10, width: 8 }))).toBe(true)
    expect(result.candidates.map((c) => c.rank)).toEqual([1, 2, 3])
    expect(result.candidates[0]!.person).toBe(person.name)
    const residuals = result.candidates.map((c) => c.residual)
    expect([...residuals].sort((a, b) => a - b)).toEqual(residuals)
    // 80 pixels and 120 gallery columns: the PCA basis spans every 10x8 image, so the feature-space residual is
    // the pixel-space distance between the unit-length probe and its reconstruction (brought back to unit scale).
    const length = Math.hypot(...probe.data)
    for (const c of result.candidates) {
      expect([c.reconstruction.height, c.reconstruction.width]).toEqual([10, 8])
      const distance = Math.hypot(...Array.from(probe.data, (v, i) => (v - c.reconstruction.data[i]!) / length))
      expect(distance).toBeCloseTo(c.residual, 9)
    }
    const again = await identifyProbe(store, probe, { top: 50 })
    expect(again.built).toBe(false)
    expect(again.candidates).toHaveLength(12)
  })

  it('refuses a probe larger than the gallery crop, and a resolution above the probe', async () => {
    const big = writePng(join(gallery.home, 'big.png'), resizeGrey(dataset.people[0]!.images[3]!, 60, 50))
    await expect(identifyProbe(store, big)).rejects.toThrow(/big\.png is 60x50 pixels \(height x width\), larger than the gallery's 48x40 face crop: this method identifies low-resolution faces/)
    const taller = { height: 49, width: 40, data: new Float64Array(49 * 40).fill(0.5) }
    await expect(identifyProbe(store, taller)).rejects.toThrow(/is 49x40 pixels .* larger than the gallery's 48x40/)
    // The crop's own size is not a low resolution: it is matched only when a smaller resolution is asked for.
    await expect(identifyProbe(store, dataset.people[0]!.images[3]!)).rejects.toThrow(/is 48x40 pixels, more than the 480 a low-resolution match uses/)
    const small = downsample(dataset.people[0]!.images[3]!, { height: 7, width: 6 })
    await expect(identifyProbe(store, small, { resolution: { height: 12, width: 10 } })).rejects.toThrow(/is 7x6 pixels, smaller than the resolution 12x10 asked for/)
    await expect(identifyProbe(store, { height: 7, width: 6, data: new Float64Array(42).fill(0.4) })).rejects.toThrow(/every pixel has the same value/)
    await expect(identifyProbe(store, small, { top: 0 })).rejects.toThrow(/whole number, 1 or more/)
  })
})
