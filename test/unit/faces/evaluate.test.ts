import { describe, expect, it } from 'vitest'
import { evaluatePie } from '../../../main/faces/evaluate'
import { pieFaceImages } from '../../../main/faces/fixtures/pie-set'
import { identify } from '../../../main/faces/identify'
import { lowResolutionVector, trainSlrfr } from '../../../main/faces/slrfr'

const people = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => ({ name: `p${i}`, images: pieFaceImages(seed, i).map((data) => ({ height: 48, width: 40, data })) }))

describe('the PIE protocol on the synthetic PIE-like set', () => {
  it('SLRFR beats eigenfaces on the single gallery and on the relit gallery at 7x6, rank 1', () => {
    // 12 people x 21 lights; gallery images 0 (light from the far left), 7 (frontal), 14 (far right).
    const result = evaluatePie(people(12, 7), { resolutions: [{ height: 7, width: 6 }], galleryImages: [0, 7, 14] })
    expect(result.resolutions.map((r) => r.resolution)).toEqual(['7x6'])
    const scores = Object.fromEntries(result.resolutions[0]!.methods.map((m) => [m.method, m]))
    expect(Object.keys(scores)).toEqual(['slrfr', 'pca', 'pca-relit'])
    expect(scores.slrfr!.rank1).toBeGreaterThan(scores.pca!.rank1 + 0.1)
    expect(scores['pca-relit']!.rank1).toBeGreaterThan(scores.pca!.rank1)
    expect(scores.slrfr!.rank1).toBeGreaterThan(scores['pca-relit']!.rank1 + 0.05)
    for (const { rank1, cmc } of Object.values(scores)) {
      // One entry per class, non-decreasing, everyone found by the last rank; 3 x 12 x 20 probes in all.
      expect(cmc).toHaveLength(12)
      expect(cmc[0]).toBe(rank1)
      cmc.slice(1).forEach((v, k) => expect(v).toBeGreaterThanOrEqual(cmc[k]!))
      expect(cmc[11]).toBe(1)
      expect(Math.abs(rank1 * 720 - Math.round(rank1 * 720))).toBeLessThan(1e-9)
    }
  })

  it('refuses gallery indices a person does not have', () => {
    expect(() => evaluatePie(people(2, 1), { resolutions: [{ height: 7, width: 6 }], galleryImages: [21] })).toThrow(/Gallery index 21 is out of range.*0 to 20/)
  })

  it('identify ranks the true class first for a gallery-lit probe and returns its reconstruction', () => {
    const set = people(4, 3)
    const resolution = { height: 10, width: 8 }
    // K = 10 = the number of images: K-SVD starts from the normalised images, OMP codes each image by its own
    // atom alone (residual 0 after one pick), so every update keeps d_k = x_k / |x_k|. A probe that is one of
    // the class's images then lies in the span: residual ~0 and reconstruction = the probe itself.
    const gallery = set.map((p) => p.images.slice(0, 10).map((image) => lowResolutionVector(image, resolution)))
    const model = trainSlrfr(gallery, resolution, { atoms: 10, sparsity: 3, iterations: 3, components: 80, center: false, seed: 1 })
    const [best, second] = identify(model, gallery[2]![4]!, 2)
    expect(best!.index).toBe(2)
    expect(best!.residualNorm).toBeLessThan(1e-8)
    expect(second!.residualNorm).toBeGreaterThan(1e-3)
    expect(best!.reconstruction).toHaveLength(80)
    best!.reconstruction.forEach((v, i) => expect(v).toBeCloseTo(gallery[2]![4]![i]!, 8))
  })
})
