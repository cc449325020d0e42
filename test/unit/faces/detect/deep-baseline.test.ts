import { describe, expect, it } from 'vitest'
import { deepFeatures, rankByDescriptor } from '../../../../main/faces/deep-baseline'
import { evaluatePie } from '../../../../main/faces/evaluate'
import { pieFaceImages } from '../../../../main/faces/fixtures/pie-set'

const people = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => ({ name: `p${i}`, images: pieFaceImages(seed, i).slice(5, 10).map((data) => ({ height: 48, width: 40, data })) }))

describe('the deep baseline (the face models\' 128-D descriptor, nearest neighbour)', { timeout: 240_000 }, () => {
  it('ranks by Euclidean distance, ties in class order', () => {
    const gallery = [Float32Array.of(0, 0), Float32Array.of(3, 4), Float32Array.of(1, 0)]
    expect(rankByDescriptor(gallery, Float32Array.of(1, 0))).toEqual([2, 0, 1])
    expect(rankByDescriptor([Float32Array.of(1), Float32Array.of(-1)], Float32Array.of(0))).toEqual([0, 1])
  })

  it('computes 128-D descriptors for the crops and the probes, and scores "deep" in the PIE protocol', async () => {
    const set = people(4, 5)
    const resolution = { height: 7, width: 6 }
    const deep = await deepFeatures(set, [resolution])
    expect(deep.gallery).toHaveLength(4)
    expect(deep.probes[0]![3]).toHaveLength(5)
    const d = deep.gallery[0]![0]!
    expect(d).toHaveLength(128)
    // Finite, and the 7x6 version of a crop describes differently from the crop.
    expect(d.every(Number.isFinite)).toBe(true)
    expect(Array.from(d).some((v, i) => v !== deep.probes[0]![0]![0]![i])).toBe(true)
    const result = evaluatePie(set, { resolutions: [resolution], galleryImages: [0, 2], deep })
    const methods = result.resolutions[0]!.methods
    expect(methods.map((m) => m.method)).toEqual(['slrfr', 'pca', 'pca-relit', 'deep'])
    const deepScore = methods[3]!
    // 4 people x 4 probes x 2 gallery choices = 32 probes: the rate is a multiple of 1/32.
    expect(Math.abs(deepScore.rank1 * 32 - Math.round(deepScore.rank1 * 32))).toBeLessThan(1e-9)
    expect(deepScore.cmc[3]).toBe(1)
  })
})
