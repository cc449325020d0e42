/**
 * Training-time augmentation of paper 003 (Wong & Moradi 2022, section 2.4): "rotation (axial, +-30 deg),
 * shifting (+-20%), and scaling ([0.8, 1.2]) ... each image had an 80% chance to be transformed".
 *
 * It works on a prepared patch (preprocess.ts's output: [D, H, W] = z, y, x in the model's orientation, i
 * fastest), so the model sees exactly what inference gives it, moved. With c the patch centre ((S - 1) / 2 per
 * axis), the transformed patch at voxel p holds the original at
 *
 *   q = c + R_z(-theta) (p - c - shift) / scale
 *
 * i.e. the original is rotated by theta about the patch's z axis (axial: about the superior-inferior axis in
 * RAS), scaled about the centre, then shifted. What the paper leaves open and we chose: the shift is drawn per
 * axis (all three) as a fraction of the patch edge; the scale is isotropic; every draw is uniform; an image is
 * either transformed by all three or left as it is. The image is sampled trilinearly, the labels by nearest
 * neighbour (never blended), and voxels brought in from outside the patch are air (the image's background value)
 * and label 0.
 */
import { seededRandom } from '../../../compute/seeded-random'
import { IDENTITY, resampleByIndexMap } from '../../../imaging/preprocess'
import type { Mat4, Vec3, Volume } from '../../../imaging/volume'

export interface AugmentOptions {
  /** Chance that an image is transformed. Paper: 0.8. */
  probability: number
  /** Largest axial rotation, degrees. Paper: 30. */
  rotationDeg: number
  /** Largest shift per axis, as a fraction of the patch edge. Paper: 0.2. */
  shift: number
  /** Range of the scale factor. Paper: [0.8, 1.2]. */
  scale: [number, number]
}

export const PAPER_AUGMENTATION: Readonly<AugmentOptions> = { probability: 0.8, rotationDeg: 30, shift: 0.2, scale: [0.8, 1.2] }

export interface AugmentTransform {
  /** Axial rotation, degrees (counter-clockwise from +x towards +y). */
  rotationDeg: number
  /** Shift in voxels along i, j, k. */
  shiftVoxels: Vec3
  scale: number
}

/** One draw: null (left as it is) with probability 1 - `probability`, else a transform within the ranges. */
export function drawAugmentation(seed: number, dims: Vec3, options: AugmentOptions = PAPER_AUGMENTATION): AugmentTransform | null {
  const random = seededRandom(seed)
  if (!(random() < options.probability)) return null
  const between = (low: number, high: number): number => low + (high - low) * random()
  const rotationDeg = between(-options.rotationDeg, options.rotationDeg)
  const shiftVoxels = dims.map((n) => between(-options.shift, options.shift) * n) as Vec3
  const scale = between(options.scale[0], options.scale[1])
  return { rotationDeg, shiftVoxels, scale }
}

/** Output voxel index -> source voxel index (row-major 4x4 on [i, j, k, 1]) of a transform on a patch of `dims`. */
export function augmentIndexMap(transform: AugmentTransform, dims: Vec3): Mat4 {
  const theta = (transform.rotationDeg * Math.PI) / 180
  const cos = Math.cos(theta) / transform.scale
  const sin = Math.sin(theta) / transform.scale
  const inverseScale = 1 / transform.scale
  // L = R_z(-theta) / scale
  const l = [cos, sin, 0, -sin, cos, 0, 0, 0, inverseScale]
  const centre = dims.map((n) => (n - 1) / 2)
  const moved = centre.map((c, a) => c + transform.shiftVoxels[a]!)
  const m: Mat4 = [...IDENTITY]
  for (let r = 0; r < 3; r++) {
    m[4 * r] = l[3 * r]!
    m[4 * r + 1] = l[3 * r + 1]!
    m[4 * r + 2] = l[3 * r + 2]!
    m[4 * r + 3] = centre[r]! - (l[3 * r]! * moved[0]! + l[3 * r + 1]! * moved[1]! + l[3 * r + 2]! * moved[2]!)
  }
  return m
}

export interface AugmentedPair {
  image: Float32Array
  labels: Uint8Array
}

/**
 * The image (trilinear) and its labels (nearest) under one transform; `air` fills what comes from outside the
 * patch. A null transform returns the inputs themselves.
 */
export function augmentPair(image: Float32Array, labels: Uint8Array, dims: Vec3, transform: AugmentTransform | null, air: number): AugmentedPair {
  if (!transform) return { image, labels }
  const map = augmentIndexMap(transform, dims)
  // The sampler gives 0 outside the source: sample (v - air) and add air back, so outside is air.
  const shifted = new Float32Array(image.length)
  for (let n = 0; n < image.length; n++) shifted[n] = image[n]! - air
  const grid = (data: Float32Array | Uint8Array, datatype: 'float32' | 'uint8'): Volume => ({ dims: [...dims], affine: [...IDENTITY], data, components: 1, datatype })
  const sampled = resampleByIndexMap(grid(shifted, 'float32'), dims, IDENTITY, map, 'trilinear').data as Float32Array
  for (let n = 0; n < sampled.length; n++) sampled[n] = sampled[n]! + air
  const movedLabels = resampleByIndexMap(grid(labels, 'uint8'), dims, IDENTITY, map, 'nearest').data as Uint8Array
  return { image: sampled, labels: movedLabels }
}
