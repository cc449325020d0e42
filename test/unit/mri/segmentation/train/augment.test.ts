/**
 * Augmentation: probability 0 is the identity; a 90 deg axial rotation of a known volume puts each voxel where a
 * quarter turn about the patch centre (counter-clockwise from +x to +y) says; labels stay whole labels of the
 * input's set; a shift moves a voxel by the shift; and the draws stay within the paper's ranges, with about 80%
 * of images transformed.
 */
import { describe, expect, it } from 'vitest'
import type { Vec3 } from '../../../../../main/imaging/volume'
import { augmentPair, drawAugmentation, PAPER_AUGMENTATION } from '../../../../../main/mri/segmentation/train/augment'

const S = 8
const dims: Vec3 = [S, S, S]
const at = (i: number, j: number, k: number): number => i + S * (j + S * k)

function volumeWith(points: [number, number, number, number][]): { image: Float32Array; labels: Uint8Array } {
  const image = new Float32Array(S ** 3).fill(-1)
  const labels = new Uint8Array(S ** 3)
  for (const [i, j, k, v] of points) {
    image[at(i, j, k)] = v
    labels[at(i, j, k)] = v
  }
  return { image, labels }
}

describe('augmentation', () => {
  it('with probability 0 returns the volume untouched', () => {
    const { image, labels } = volumeWith([[1, 2, 3, 5]])
    for (let seed = 0; seed < 20; seed++) {
      const transform = drawAugmentation(seed, dims, { ...PAPER_AUGMENTATION, probability: 0 })
      expect(transform).toBeNull()
      const out = augmentPair(image, labels, dims, transform, -1)
      expect(out.image).toEqual(image)
      expect(out.labels).toEqual(labels)
    }
  })

  it('rotates a known volume by 90 degrees about the axial axis', () => {
    // Centre c = 3.5. Offsets (dx, dy) turn to (-dy, dx): (6, 4, 2) is (+2.5, +0.5) -> (-0.5, +2.5) = (3, 6, 2);
    // (1, 1, 5) is (-2.5, -2.5) -> (+2.5, -2.5) = (6, 1, 5). z never changes.
    const { image, labels } = volumeWith([[6, 4, 2, 7], [1, 1, 5, 3]])
    const out = augmentPair(image, labels, dims, { rotationDeg: 90, shiftVoxels: [0, 0, 0], scale: 1 }, -1)
    expect(out.labels[at(3, 6, 2)]).toBe(7)
    expect(out.labels[at(6, 1, 5)]).toBe(3)
    expect(out.image[at(3, 6, 2)]).toBeCloseTo(7, 5)
    expect(out.image[at(6, 1, 5)]).toBeCloseTo(3, 5)
    // Everything else is the background, in both.
    let others = 0
    for (let n = 0; n < S ** 3; n++) if (n !== at(3, 6, 2) && n !== at(6, 1, 5)) others += out.labels[n]! + Math.abs(out.image[n]! + 1)
    expect(others).toBeLessThan(1e-4)
  })

  it('shifts by whole voxels and fills from outside with air and label 0', () => {
    const { image, labels } = volumeWith([[2, 3, 4, 9]])
    const out = augmentPair(image, labels, dims, { rotationDeg: 0, shiftVoxels: [3, -1, 2], scale: 1 }, -1)
    expect(out.labels[at(5, 2, 6)]).toBe(9)
    expect(out.image[at(5, 2, 6)]).toBeCloseTo(9, 5)
    // Voxel (0, 0, 0) came from (-3, 1, -2): outside the patch.
    expect(out.image[at(0, 0, 0)]).toBeCloseTo(-1, 6)
    expect(out.labels[at(0, 0, 0)]).toBe(0)
  })

  it('keeps labels a subset of the input labels under any drawn transform', () => {
    const points: [number, number, number, number][] = []
    for (let i = 2; i < 6; i++) for (let j = 1; j < 7; j++) for (let k = 2; k < 6; k++) points.push([i, j, k, i < 4 ? 2 : 5])
    const { image, labels } = volumeWith(points)
    let transformed = 0
    for (let seed = 0; seed < 200; seed++) {
      const transform = drawAugmentation(seed, dims)
      if (!transform) continue
      transformed++
      expect(Math.abs(transform.rotationDeg)).toBeLessThanOrEqual(30)
      for (const s of transform.shiftVoxels) expect(Math.abs(s)).toBeLessThanOrEqual(0.2 * S)
      expect(transform.scale >= 0.8 && transform.scale <= 1.2).toBe(true)
      if (seed < 20) {
        const out = augmentPair(image, labels, dims, transform, -1)
        expect(new Set(out.labels).size).toBeLessThanOrEqual(3)
        for (const v of new Set(out.labels)) expect([0, 2, 5]).toContain(v)
      }
    }
    // 200 draws at p = 0.8: 160 expected, sd 5.7.
    expect(transformed).toBeGreaterThan(140)
    expect(transformed).toBeLessThan(180)
  })

  it('draws the same transform from the same seed', () => {
    expect(drawAugmentation(42, dims)).toEqual(drawAugmentation(42, dims))
    expect(drawAugmentation(42, dims)).not.toEqual(drawAugmentation(43, dims))
  })
})
