import { bilinear } from '../../imaging/grey-image'
import type { Point } from '../../imaging/face-landmarks/points'
import type { GreyImage } from '../face-image'
import { EYE_X, EYE_Y } from '../face-shape'
import type { Resolution } from '../resolution'

/**
 * Alignment by the eye centres (the paper aligns its crops by the eyes, section 4.1): the similarity
 * transform (scale, rotation, shift) that puts the two eye centres of a photo where the canonical crop has
 * them (face-shape.ts: EYE_X either side of the middle, EYE_Y above the centre), then each crop pixel
 * sampled from the photo. When the face is larger than the crop each crop pixel averages a grid of
 * bilinear samples over its footprint, so shrinking does not alias.
 */

export { centroid, type Point } from '../../imaging/face-landmarks/points'

/** The canonical eye centres in a crop's pixel coordinates (pixel centres at integer + 0.5), image left first. */
export function canonicalEyes(crop: Resolution): { left: Point; right: Point } {
  const row = crop.height / 2 - EYE_Y * crop.width
  return { left: [(0.5 - EYE_X) * crop.width, row], right: [(0.5 + EYE_X) * crop.width, row] }
}

/** Maps crop coordinates to photo coordinates: photo = scale * R(angle) * (crop - cropEye) + photoEye. */
export interface CropTransform {
  scale: number
  angle: number
  toPhoto(x: number, y: number): Point
}

/** The transform taking the canonical eyes to the photo's eyes (`left` is the eye on the image's left). */
export function eyeTransform(eyes: { left: Point; right: Point }, crop: Resolution): CropTransform {
  const target = canonicalEyes(crop)
  const dx = eyes.right[0] - eyes.left[0]
  const dy = eyes.right[1] - eyes.left[1]
  const scale = Math.hypot(dx, dy) / (target.right[0] - target.left[0])
  const angle = Math.atan2(dy, dx)
  const cos = scale * Math.cos(angle)
  const sin = scale * Math.sin(angle)
  const [cx, cy] = target.left
  const [px, py] = eyes.left
  return { scale, angle, toPhoto: (x, y) => [px + cos * (x - cx) - sin * (y - cy), py + sin * (x - cx) + cos * (y - cy)] }
}

/** The aligned crop of a photo whose eye centres are `eyes`. */
export function alignByEyes(image: GreyImage, eyes: { left: Point; right: Point }, crop: Resolution): { crop: GreyImage; transform: CropTransform } {
  const transform = eyeTransform(eyes, crop)
  const grid = Math.max(1, Math.ceil(transform.scale))
  const data = new Float64Array(crop.height * crop.width)
  for (let r = 0; r < crop.height; r++) {
    for (let c = 0; c < crop.width; c++) {
      let sum = 0
      for (let i = 0; i < grid; i++) {
        for (let j = 0; j < grid; j++) {
          const [x, y] = transform.toPhoto(c + (j + 0.5) / grid, r + (i + 0.5) / grid)
          sum += bilinear(image, x, y)
        }
      }
      data[r * crop.width + c] = sum / (grid * grid)
    }
  }
  return { crop: { height: crop.height, width: crop.width, data }, transform }
}

/** The photo-space bounding box of the crop's rectangle, in whole pixels clipped to the photo. */
export function cropFootprint(transform: CropTransform, crop: Resolution, photo: { width: number; height: number }): { x: number; y: number; width: number; height: number } {
  const corners = [transform.toPhoto(0, 0), transform.toPhoto(crop.width, 0), transform.toPhoto(0, crop.height), transform.toPhoto(crop.width, crop.height)]
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[0]))))
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[1]))))
  const x1 = Math.min(photo.width, Math.ceil(Math.max(...corners.map((p) => p[0]))))
  const y1 = Math.min(photo.height, Math.ceil(Math.max(...corners.map((p) => p[1]))))
  return { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) }
}
