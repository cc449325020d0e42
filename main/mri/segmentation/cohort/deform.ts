import { seededRandom } from '../../../compute/seeded-random'
import { PerceptError } from '../../../core/errors'
import { orientationCode } from '../../../imaging/orientation'
import { invertMat4, nonZeroBounds, transformPoint } from '../../../imaging/preprocess'
import { permuteAxes, type AxisMapping, type AxisTriple, type FlipTriple } from '../../../imaging/reorient'
import { percentiles } from '../../../imaging/volume-stats'
import { voxelCount, type Mat4, type Vec3, type Volume, type VoxelArray } from '../../../imaging/volume'
import { BSplineField, INJECTIVE_FRACTION, type AxisGrid } from './bspline-field'

/**
 * One synthetic subject from a template (an image and its label map, in world millimetres), as a
 * scanner might have recorded a different head:
 *
 *   1. a grid of its own: voxels of 1.0-1.3 mm drawn per axis (a little anisotropic), a field of view
 *      around the brain with margins drawn per side (more or less scalp and neck, zero padding beyond the
 *      template), axes along x, y, z;
 *   2. a smooth random deformation u (cubic B-spline, |u| <= maxDisplacementMm, one-to-one): the subject
 *      at world point p is the template at p + u(p), the image by trilinear and the labels by nearest
 *      neighbour at the same point, so image and labels move together;
 *   3. intensities: normalised by the template's 99.5th percentile, a gamma (contrast), a smooth
 *      multiplicative bias field exp(b(p)) with b a B-spline within +-ln(1 + biasStrength), a maximum
 *      intensity drawn per subject, then Rician noise (the magnitude of a complex signal with Gaussian
 *      noise on both channels, as MR magnitude images have; Gudbjartsson & Patz 1995), stored as int16;
 *   4. a voxel order: the axes permuted and flipped at random (one of 48), the affine rewritten so every
 *      voxel keeps its world position (exactly: permuteAxes moves voxels, it never resamples).
 *
 * Every draw comes from the subject's seed, so the same seed gives the same volumes, bit for bit.
 */

export interface SynthesisOptions {
  /** Largest displacement of any point, mm. Default 6 (the field reaches about 3-4 mm: the spline averages its control vectors). */
  maxDisplacementMm: number
  /** Control-point spacing of the deformation, mm; must exceed maxDisplacementMm / 0.4. Default 32. */
  controlSpacingMm: number
  /** The bias field stays within [1/(1 + s), 1 + s]. Default 0.3. */
  biasStrength: number
  /** Control-point spacing of the bias field, mm (large: a bias field varies over the whole head). Default 80. */
  biasSpacingMm: number
  /** Range of the gamma applied to normalised intensities. Default [0.8, 1.25]. */
  gamma: [number, number]
  /** Range of the intensity the template's 99.5th percentile maps to. Default [400, 1600]. */
  maxIntensity: [number, number]
  /** Range of the noise's standard deviation, as a fraction of that intensity. Default [0.005, 0.03]. */
  noise: [number, number]
  /** Range of the voxel size along each axis, mm. Default [1, 1.3]. */
  voxelMm: [number, number]
  /** Range of the margin around the brain on each side, mm (at least maxDisplacementMm + 2). Default [8, 30]. */
  marginMm: [number, number]
  /** Permute and flip the axes at random. Default true. */
  reorder: boolean
}

export const DEFAULT_SYNTHESIS: Readonly<SynthesisOptions> = {
  maxDisplacementMm: 6,
  controlSpacingMm: 32,
  biasStrength: 0.3,
  biasSpacingMm: 80,
  gamma: [0.8, 1.25],
  maxIntensity: [400, 1600],
  noise: [0.005, 0.03],
  voxelMm: [1, 1.3],
  marginMm: [8, 30],
  reorder: true,
}

/** The template with what every subject drawn from it needs. */
export interface Template {
  image: Volume
  /** Structure ids; may be on another grid than the image (ch2better's 0.5 mm image, AAL's 1 mm labels). */
  labels: Volume
  /** World box (mm) of the labelled voxels' centres. */
  brainBoxMm: { min: Vec3; max: Vec3 }
  /** The image's 99.5th percentile of non-zero voxels: what normalised intensity 1 means. */
  intensityReference: number
}

export function prepareTemplate(image: Volume, labels: Volume): Template {
  if (image.components !== 1 || labels.components !== 1) {
    throw new PerceptError('VALIDATION', 'The template image and labels must be single-component volumes, not RGB.')
  }
  const bounds = nonZeroBounds(labels)
  if (!bounds) throw new PerceptError('VALIDATION', 'The template label map has no labelled voxel.')
  const corners = [0, 1, 2, 3, 4, 5, 6, 7].map((c) =>
    transformPoint(labels.affine, [0, 1, 2].map((a) => ((c >> a) & 1 ? bounds.max[a]! : bounds.min[a]!)) as Vec3),
  )
  const min = [0, 1, 2].map((a) => Math.min(...corners.map((p) => p[a]!))) as Vec3
  const max = [0, 1, 2].map((a) => Math.max(...corners.map((p) => p[a]!))) as Vec3
  const [reference] = percentiles(image, [99.5], { nonZero: true })
  if (!(reference! > 0)) throw new PerceptError('VALIDATION', 'The template image has no positive intensity to scale from.')
  return { image, labels, brainBoxMm: { min, max }, intensityReference: reference! }
}

/** What was drawn for one subject: recorded in cohort.json. */
export interface SubjectRecord {
  seed: number
  dims: Vec3
  voxelSizeMm: Vec3
  orientation: string
  /** Margin (mm) beyond the brain box, [low, high] side per world axis x, y, z. */
  marginsMm: [[number, number], [number, number], [number, number]]
  /** The largest |u| over the subject's voxels, mm. */
  maxDisplacementMm: number
  /** Smallest and largest bias factor over the subject's voxels. */
  biasRange: [number, number]
  gamma: number
  maxIntensity: number
  noiseSigma: number
}

export interface Subject {
  image: Volume
  labels: Volume
  record: SubjectRecord
}

const checkRange = (name: string, [low, high]: [number, number], floor: number): void => {
  if (!(Number.isFinite(low) && Number.isFinite(high) && low >= floor && high >= low)) {
    throw new PerceptError('VALIDATION', `${name} must be a range [low, high] with ${floor} <= low <= high, got [${low}, ${high}].`)
  }
}

/** Refuses options that would make a fold, an empty grid or a meaningless intensity. */
export function validateSynthesisOptions(o: SynthesisOptions): void {
  if (!(o.maxDisplacementMm >= 0 && o.maxDisplacementMm <= 20)) {
    throw new PerceptError('VALIDATION', `maxDisplacementMm must be 0 to 20 mm (a few mm is anatomy-like), got ${o.maxDisplacementMm}.`)
  }
  if (!(o.controlSpacingMm > 0) || o.maxDisplacementMm > INJECTIVE_FRACTION * o.controlSpacingMm) {
    throw new PerceptError(
      'VALIDATION',
      `A displacement of ${o.maxDisplacementMm} mm needs control points at least ${o.maxDisplacementMm / INJECTIVE_FRACTION} mm apart to stay one-to-one; controlSpacingMm is ${o.controlSpacingMm}.`,
    )
  }
  if (!(o.biasStrength >= 0 && o.biasStrength < 4)) throw new PerceptError('VALIDATION', `biasStrength must be 0 to 4, got ${o.biasStrength}.`)
  if (!(o.biasSpacingMm > 0)) throw new PerceptError('VALIDATION', `biasSpacingMm must be above 0, got ${o.biasSpacingMm}.`)
  checkRange('gamma', o.gamma, 0.1)
  checkRange('maxIntensity', o.maxIntensity, 1)
  if (o.maxIntensity[1] > 20000) throw new PerceptError('VALIDATION', `maxIntensity must stay within int16 with room for bias and noise (at most 20000), got ${o.maxIntensity[1]}.`)
  checkRange('noise', o.noise, 0)
  checkRange('voxelMm', o.voxelMm, 0.25)
  checkRange('marginMm', o.marginMm, o.maxDisplacementMm + 2)
}

function uniform(random: () => number, [low, high]: [number, number]): number {
  return low + (high - low) * random()
}

/** A random permutation of the three axes (Fisher-Yates) and a random flip of each. */
function randomMapping(random: () => number): AxisMapping {
  const axes: AxisTriple = [0, 1, 2]
  for (let a = 2; a > 0; a--) {
    const b = Math.floor(random() * (a + 1))
    ;[axes[a], axes[b]] = [axes[b]!, axes[a]!]
  }
  const flip = [random() < 0.5, random() < 0.5, random() < 0.5] as FlipTriple
  return { axes, flip }
}

/** Trilinear at a fractional index; NIfTI's voxel-centre edges as in preprocess/sampling.ts (0 outside). */
function trilinearAt(data: VoxelArray, [nx, ny, nz]: Vec3, x: number, y: number, z: number): number {
  if (!(x >= -0.5 && x <= nx - 0.5 && y >= -0.5 && y <= ny - 0.5 && z >= -0.5 && z <= nz - 0.5)) return 0
  const cx = x < 0 ? 0 : x > nx - 1 ? nx - 1 : x
  const cy = y < 0 ? 0 : y > ny - 1 ? ny - 1 : y
  const cz = z < 0 ? 0 : z > nz - 1 ? nz - 1 : z
  const i0 = Math.floor(cx), j0 = Math.floor(cy), k0 = Math.floor(cz)
  const di = i0 < nx - 1 ? 1 : 0, dj = j0 < ny - 1 ? nx : 0, dk = k0 < nz - 1 ? nx * ny : 0
  const fx = cx - i0, fy = cy - j0, fz = cz - k0
  const o = i0 + nx * (j0 + ny * k0)
  const c00 = data[o]! + (data[o + di]! - data[o]!) * fx
  const c10 = data[o + dj]! + (data[o + dj + di]! - data[o + dj]!) * fx
  const c01 = data[o + dk]! + (data[o + dk + di]! - data[o + dk]!) * fx
  const c11 = data[o + dk + dj]! + (data[o + dk + dj + di]! - data[o + dk + dj]!) * fx
  const c0 = c00 + (c10 - c00) * fy
  const c1 = c01 + (c11 - c01) * fy
  return c0 + (c1 - c0) * fz
}

/** Nearest neighbour at a fractional index (rounding half up), 0 outside the field of view. */
function nearestAt(data: VoxelArray, [nx, ny, nz]: Vec3, x: number, y: number, z: number): number {
  if (!(x >= -0.5 && x <= nx - 0.5 && y >= -0.5 && y <= ny - 0.5 && z >= -0.5 && z <= nz - 0.5)) return 0
  const i = Math.min(Math.floor(x + 0.5), nx - 1), j = Math.min(Math.floor(y + 0.5), ny - 1), k = Math.min(Math.floor(z + 0.5), nz - 1)
  return data[i + nx * (j + ny * k)]!
}

/** The subject's axis-aligned grid: voxel sizes and margins drawn, the brain box inside with room for u. */
function drawGrid(template: Template, o: SynthesisOptions, random: () => number): { grid: AxisGrid; margins: SubjectRecord['marginsMm'] } {
  const step = [0, 1, 2].map(() => uniform(random, o.voxelMm)) as Vec3
  const margins = [0, 1, 2].map(() => [uniform(random, o.marginMm), uniform(random, o.marginMm)]) as SubjectRecord['marginsMm']
  const { min, max } = template.brainBoxMm
  const originMm = [0, 1, 2].map((a) => min[a]! - margins[a]![0]) as Vec3
  const dims = [0, 1, 2].map((a) => Math.floor((max[a]! + margins[a]![1] - originMm[a]!) / step[a]!) + 1) as Vec3
  return { grid: { dims, originMm, stepMm: step }, margins }
}

/** One subject from `template`, everything drawn from `seed`. */
export function synthesizeSubject(template: Template, seed: number, options: Partial<SynthesisOptions> = {}): Subject {
  const o: SynthesisOptions = { ...DEFAULT_SYNTHESIS, ...options }
  validateSynthesisOptions(o)
  const random = seededRandom(seed)
  const { grid, margins } = drawGrid(template, o, random)
  const box = { min: grid.originMm, max: grid.originMm.map((v, a) => v + grid.stepMm[a]! * (grid.dims[a]! - 1)) as Vec3 }
  const displacement = BSplineField.random(box, o.controlSpacingMm, o.maxDisplacementMm, 3, random).rows(grid)
  const bias = BSplineField.random(box, o.biasSpacingMm, Math.log(1 + o.biasStrength), 1, random).rows(grid)
  const gamma = Math.exp(uniform(random, [Math.log(o.gamma[0]), Math.log(o.gamma[1])]))
  const maxIntensity = uniform(random, o.maxIntensity)
  const noiseSigma = uniform(random, o.noise) * maxIntensity
  // Drawn whether used or not, so a subject with and without reordering is the same head on two grids.
  const drawn = randomMapping(random)
  const mapping = o.reorder ? drawn : { axes: [0, 1, 2] as AxisTriple, flip: [false, false, false] as FlipTriple }
  const noise = seededRandom(Math.floor(random() * 2 ** 32))

  const toImage = invertMat4(template.image.affine)
  const toLabels = invertMat4(template.labels.affine)
  const { image: src, labels: srcLabels } = template
  const n = voxelCount(grid.dims)
  const image = new Int16Array(n)
  const labels = new Uint8Array(n)
  const scale = 1 / template.intensityReference
  const [nx, ny, nz] = grid.dims
  let largest = 0
  let biasLow = Infinity, biasHigh = -Infinity
  let index = 0
  for (let k = 0; k < nz; k++) {
    const pz = grid.originMm[2] + grid.stepMm[2] * k
    for (let j = 0; j < ny; j++) {
      const py = grid.originMm[1] + grid.stepMm[1] * j
      const u = displacement.row(j, k)
      const b = bias.row(j, k)
      for (let i = 0; i < nx; i++, index++) {
        const ux = u[3 * i]!, uy = u[3 * i + 1]!, uz = u[3 * i + 2]!
        const length = Math.sqrt(ux * ux + uy * uy + uz * uz)
        if (length > largest) largest = length
        const qx = grid.originMm[0] + grid.stepMm[0] * i + ux, qy = py + uy, qz = pz + uz
        const m = toImage
        const v = trilinearAt(src.data, src.dims, m[0] * qx + m[1] * qy + m[2] * qz + m[3], m[4] * qx + m[5] * qy + m[6] * qz + m[7], m[8] * qx + m[9] * qy + m[10] * qz + m[11])
        const l = toLabels
        labels[index] = nearestAt(srcLabels.data, srcLabels.dims, l[0] * qx + l[1] * qy + l[2] * qz + l[3], l[4] * qx + l[5] * qy + l[6] * qz + l[7], l[8] * qx + l[9] * qy + l[10] * qz + l[11])
        const factor = Math.exp(b[i]!)
        if (factor < biasLow) biasLow = factor
        if (factor > biasHigh) biasHigh = factor
        const clean = v > 0 ? Math.pow(v * scale, gamma) * factor * maxIntensity : 0
        // Rician: |clean + n1 + i n2| with n1, n2 ~ N(0, sigma), from one Box-Muller pair.
        const r = noiseSigma * Math.sqrt(-2 * Math.log(1 - noise()))
        const angle = 2 * Math.PI * noise()
        const real = clean + r * Math.cos(angle), imaginary = r * Math.sin(angle)
        image[index] = Math.min(32767, Math.round(Math.sqrt(real * real + imaginary * imaginary)))
      }
    }
  }

  const affine: Mat4 = [grid.stepMm[0], 0, 0, grid.originMm[0], 0, grid.stepMm[1], 0, grid.originMm[1], 0, 0, grid.stepMm[2], grid.originMm[2], 0, 0, 0, 1]
  const imageVolume = permuteAxes({ dims: grid.dims, affine, data: image, components: 1, datatype: 'int16' }, mapping).volume
  const labelVolume = permuteAxes({ dims: grid.dims, affine, data: labels, components: 1, datatype: 'uint8' }, mapping).volume
  return {
    image: imageVolume,
    labels: labelVolume,
    record: {
      seed,
      dims: imageVolume.dims,
      voxelSizeMm: mapping.axes.map((a) => grid.stepMm[a]!) as Vec3,
      orientation: orientationCode(imageVolume.affine),
      marginsMm: margins,
      maxDisplacementMm: largest,
      biasRange: [biasLow, biasHigh],
      gamma,
      maxIntensity,
      noiseSigma,
    },
  }
}
