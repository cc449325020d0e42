import { describe, expect, it } from 'vitest'
import { makePhantom, phantomLabelAt, PHANTOM_SHELLS } from '../../../../../main/imaging/fixtures/phantom'
import { invertMat4, transformPoint } from '../../../../../main/imaging/preprocess'
import { voxelToWorld, voxelVolumeMm3, type Vec3, type Volume } from '../../../../../main/imaging/volume'
import { prepareTemplate, synthesizeSubject, type SynthesisOptions } from '../../../../../main/mri/segmentation/cohort/deform'

// The phantom of main/imaging/fixtures as the template: 40 x 48 x 36 voxels of 2 mm centred on the origin, three
// nested ellipsoids (labels 1..3, intensities 50, 100, 150) and a 6 mm marker cube (label 4, 250) right-anterior-superior.
const image = makePhantom({ noise: 0 })
const labels = makePhantom({ kind: 'labels' })
const template = prepareTemplate(image, labels)
// Coarse subject voxels keep each subject near 100k voxels.
const small: Partial<SynthesisOptions> = { voxelMm: [1.6, 2.2] }
const still: Partial<SynthesisOptions> = { ...small, maxDisplacementMm: 0 }

/** The template's label at world p as nearest-neighbour sampling must find it: the phantom at the nearest 2 mm voxel centre. */
function templateLabelAt(p: Vec3): number {
  const centre = p.map((v, a) => {
    const offset = -((labels.dims[a]! - 1) / 2) * 2
    return offset + 2 * Math.floor((v - offset) / 2 + 0.5)
  }) as Vec3
  return phantomLabelAt(centre)
}

function labelVolumesMm3(volume: Volume): number[] {
  const counts = [0, 0, 0, 0, 0]
  for (const v of volume.data) counts[v]!++
  return counts.map((n) => n * voxelVolumeMm3(volume.affine))
}

const indexOf = (volume: Volume, index: number): Vec3 => {
  const [nx, ny] = volume.dims
  return [index % nx, Math.floor(index / nx) % ny, Math.floor(index / (nx * ny))]
}

describe('synthesizeSubject', () => {
  it('the template facts the tests rely on: its brain box and its 99.5th percentile (the marker is under 0.5% of the head)', () => {
    expect(template.intensityReference).toBe(150)
    // Voxel centres at odd mm; the outer ellipsoid reaches x 26 (last centre 25), the marker x 29, y 35, z 27.
    expect(template.brainBoxMm).toEqual({ min: [-25, -31, -23], max: [29, 35, 27] })
  })

  it('keeps labels in the template set, moves a point at most the asked mm, and changes label volumes only moderately', () => {
    const before = labelVolumesMm3(labels)
    for (const seed of [1, 2, 3]) {
      const subject = synthesizeSubject(template, seed, { ...small, maxDisplacementMm: 6, controlSpacingMm: 32 })
      expect(new Set(subject.labels.data)).toEqual(new Set([0, 1, 2, 3, 4]))
      expect(subject.record.maxDisplacementMm).toBeLessThanOrEqual(6)
      expect(subject.record.maxDisplacementMm).toBeGreaterThan(1)
      const after = labelVolumesMm3(subject.labels)
      // The shells are 57, 23 and 3.3 mL; a deformation of a few mm over 32 mm changes each by a fraction.
      for (const label of [1, 2]) expect(Math.abs(after[label]! / before[label]! - 1), `label ${label}, seed ${seed}`).toBeLessThan(0.1)
      expect(Math.abs(after[3]! / before[3]! - 1)).toBeLessThan(0.2)
    }
  })

  it('the same seed gives identical volumes, another seed different ones', () => {
    const a = synthesizeSubject(template, 42, small)
    const b = synthesizeSubject(template, 42, small)
    const c = synthesizeSubject(template, 43, small)
    expect(b.image.affine).toEqual(a.image.affine)
    expect(Buffer.from(b.image.data.buffer).equals(Buffer.from(a.image.data.buffer))).toBe(true)
    expect(Buffer.from(b.labels.data.buffer).equals(Buffer.from(a.labels.data.buffer))).toBe(true)
    expect(b.record).toEqual(a.record)
    const same = c.image.dims.every((n, i) => n === a.image.dims[i]) && Buffer.from(c.image.data.buffer).equals(Buffer.from(a.image.data.buffer))
    expect(same).toBe(false)
    expect(c.record.seed).toBe(43)
  })

  it('voxel orders vary and every labelled voxel keeps its world position (checked against the phantom itself)', () => {
    const orientations = new Set<string>()
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const subject = synthesizeSubject(template, seed, still)
      orientations.add(subject.record.orientation)
      expect(subject.labels.affine).toEqual(subject.image.affine)
      let checked = 0
      for (let index = 0; index < subject.labels.data.length; index += 37) {
        const label = subject.labels.data[index]!
        if (label === 0) continue
        const p = voxelToWorld(subject.labels.affine, ...indexOf(subject.labels, index))
        expect(label, `seed ${seed}, world ${p.join(', ')}`).toBe(templateLabelAt(p))
        checked++
      }
      expect(checked).toBeGreaterThan(100)
      // The asymmetric marker lands where it is in the world: its centroid near (27, 33, 25) mm.
      const sum = [0, 0, 0]
      let n = 0
      subject.labels.data.forEach((v, index) => {
        if (v !== 4) return
        voxelToWorld(subject.labels.affine, ...indexOf(subject.labels, index)).forEach((c, a) => (sum[a]! += c))
        n++
      })
      ;[27, 33, 25].forEach((c, a) => expect(Math.abs(sum[a]! / n - c)).toBeLessThan(1.5))
    }
    expect(orientations.size).toBeGreaterThan(3)
  })

  it('the same seed without reordering is the same head on an axis-aligned grid, voxel for voxel', () => {
    const reordered = synthesizeSubject(template, 9, small)
    const plain = synthesizeSubject(template, 9, { ...small, reorder: false })
    expect(plain.record.orientation).toBe('RAS')
    expect(reordered.record.orientation).not.toBe('RAS')
    const toPlain = invertMat4(plain.image.affine)
    const [px, py] = plain.image.dims
    for (let index = 0; index < reordered.image.data.length; index += 101) {
      const q = transformPoint(toPlain, voxelToWorld(reordered.image.affine, ...indexOf(reordered.image, index)))
      q.forEach((v) => expect(Math.abs(v - Math.round(v))).toBeLessThan(1e-6))
      const at = Math.round(q[0]) + px * (Math.round(q[1]) + py * Math.round(q[2]))
      expect(reordered.image.data[index]).toBe(plain.image.data[at])
      expect(reordered.labels.data[index]).toBe(plain.labels.data[at])
    }
  })

  it('multiplies by a smooth bias field within [1/(1 + s), 1 + s]', () => {
    const s = 0.3
    // A head of one intensity (100, so also its 99.5th percentile): what remains is the bias field.
    const flat = prepareTemplate({ ...image, data: Float32Array.from(labels.data, (l) => (l > 0 ? 100 : 0)) }, labels)
    const subject = synthesizeSubject(flat, 21, { ...still, reorder: false, biasStrength: s, biasSpacingMm: 60, gamma: [1, 1], maxIntensity: [1000, 1000], noise: [0, 0] })
    expect(subject.record.biasRange[0]).toBeGreaterThanOrEqual(1 / (1 + s))
    expect(subject.record.biasRange[1]).toBeLessThanOrEqual(1 + s)
    // Deep inside the head (all trilinear taps, within 2 sqrt(3) mm, inside the outer ellipsoid) the image is round(bias * 1000).
    const outer = PHANTOM_SHELLS[0]!.semiAxesMm
    const bias = new Map<number, number>()
    subject.image.data.forEach((v, index) => {
      const p = voxelToWorld(subject.image.affine, ...indexOf(subject.image, index))
      if (Math.hypot(p[0] / outer[0], p[1] / outer[1], p[2] / outer[2]) <= 1 - 3.5 / 24) bias.set(index, v / 1000)
    })
    expect(bias.size).toBeGreaterThan(500)
    const rounding = 0.5 / 1000
    const values = [...bias.values()]
    expect(Math.min(...values)).toBeGreaterThanOrEqual(1 / (1 + s) - rounding)
    expect(Math.max(...values)).toBeLessThanOrEqual(1 + s + rounding)
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0.01)
    // Smooth: log bias changes by at most 2 ln(1 + s) / spacing per mm, so neighbours along x differ by at most that times the voxel size.
    const step = subject.image.affine[0]
    const bound = (2 * Math.log(1 + s) * step) / 60
    for (const [index, b] of bias) {
      const next = bias.get(index + 1)
      if (next !== undefined) expect(Math.abs(Math.log(next / b))).toBeLessThanOrEqual(bound + 4 * rounding)
    }
  })

  it('rescales intensities by a gamma and a maximum, and adds Rician noise (Rayleigh where there is no signal)', () => {
    // A head of 50 left of x = 0 and 150 right of it: the 99.5th percentile is 150, so normalised values are 1/3 and 1.
    const split = Float32Array.from(labels.data, (l, index) => {
      const x = -39 + 2 * (index % 40)
      return l === 0 ? 0 : x < 0 ? 50 : 150
    })
    const halves = prepareTemplate({ ...image, data: split }, labels)
    const quiet = { ...still, reorder: false, biasStrength: 0, maxIntensity: [1000, 1000] as [number, number] }
    const clean = synthesizeSubject(halves, 4, { ...quiet, gamma: [0.5, 0.5], noise: [0, 0] })
    const noisy = synthesizeSubject(halves, 4, { ...quiet, gamma: [1, 1], noise: [0.02, 0.02] })
    const outer = PHANTOM_SHELLS[0]!.semiAxesMm
    const left: number[] = [], right: number[] = [], inside: number[] = [], background: number[] = []
    clean.image.data.forEach((v, index) => {
      const p = voxelToWorld(clean.image.affine, ...indexOf(clean.image, index))
      const r = Math.hypot(p[0] / outer[0], p[1] / outer[1], p[2] / outer[2])
      // All trilinear taps (within 2 sqrt(3) mm) on one side and inside the head, or all outside it.
      if (r <= 1 - 3.5 / 24 && Math.abs(p[0]) > 3.5) (p[0] < 0 ? left : right).push(v)
      if (r <= 1 - 3.5 / 24 && p[0] > 3.5) inside.push(noisy.image.data[index]!)
      if (r >= 1 + 3.5 / 24 && labels.dims.every((n, a) => Math.abs(p[a]!) < n - 3.5)) background.push(noisy.image.data[index]!)
    })
    expect(left.length).toBeGreaterThan(500)
    expect(new Set(left)).toEqual(new Set([Math.round(1000 * Math.sqrt(1 / 3))]))
    expect(new Set(right)).toEqual(new Set([1000]))
    const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length
    const sd = (v: number[]): number => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)))
    // sigma = 0.02 * 1000: where the signal is 1000 the noise is near Gaussian; where it is 0, Rayleigh with mean sigma sqrt(pi/2).
    expect(Math.abs(mean(inside) - 1000)).toBeLessThan(2)
    expect(Math.abs(sd(inside) / 20 - 1)).toBeLessThan(0.1)
    expect(background.length).toBeGreaterThan(2000)
    expect(Math.abs(mean(background) / (20 * Math.sqrt(Math.PI / 2)) - 1)).toBeLessThan(0.05)
    expect(noisy.record.noiseSigma).toBeCloseTo(20, 10)
  })

  it('refuses a displacement that could fold the anatomy', () => {
    expect(() => synthesizeSubject(template, 1, { maxDisplacementMm: 8, controlSpacingMm: 16 })).toThrow(/at least 20 mm apart/)
    expect(() => synthesizeSubject(template, 1, { voxelMm: [2, 1] })).toThrow(/voxelMm must be a range/)
  })
})
