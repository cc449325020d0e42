import { PerceptError } from '../../core/errors'
import type { FaceBox } from '../../imaging/face-landmarks/face-detector'
import { toCanonicalCrop, type GreyImage } from '../face-image'
import { CANONICAL_CROP } from '../face-shape'
import type { Resolution } from '../resolution'

/**
 * Where a gallery photo's canonical crop comes from. Three sources, in this order:
 *  1. a box given by a person (x, y, width, height in the photo's pixels), for photos a detector misses;
 *  2. a plugged-in face locator (boxes only): exactly one face is required;
 *  3. neither: the photo is taken to be an aligned face already and is resized to the crop.
 * The crop is the region resized to the canonical size. Detection with landmarks and eye-centre alignment
 * is the other way in (detect/photo-faces.ts), used by imports of ordinary photos.
 */

/** A face's rectangle in a photo, in pixels from the top-left corner (the detector's, shared with it). */
export type { FaceBox } from '../../imaging/face-landmarks/face-detector'

/** A face detector: every face it finds in a grey photo. Asynchronous because real ones run a model. */
export interface FaceLocator {
  readonly name: string
  locate(image: GreyImage): Promise<FaceBox[]>
}

export interface CropOptions {
  box?: FaceBox
  locator?: FaceLocator
  crop?: Resolution
}

/**
 * An aligned face crop keeps roughly the canonical height:width (6:5); a photo far from it (a landscape
 * snapshot, a full-body shot) is not an aligned face and would be squashed into nonsense.
 */
const ASPECT_TOLERANCE = { low: 0.75, high: 1.35 }

/** "x,y,w,h" -> a box; VALIDATION with the expected form otherwise. */
export function parseFaceBox(text: string): FaceBox {
  const parts = text.split(',').map((v) => Number(v.trim()))
  if (parts.length !== 4 || parts.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new PerceptError('VALIDATION', `A face box is x,y,width,height in whole pixels from the photo's top-left corner, e.g. 120,80,96,112; got "${text}".`)
  }
  const [x, y, width, height] = parts as [number, number, number, number]
  return { x, y, width, height }
}

function refuse(name: string, why: string): PerceptError {
  return new PerceptError('VALIDATION', `${name}: ${why}`)
}

/** The pixels of `box` as their own image; the box must lie inside the photo. */
export function cropRegion(image: GreyImage, box: FaceBox, name = 'image'): GreyImage {
  const { x, y, width, height } = box
  if (!(width >= 1 && height >= 1) || x < 0 || y < 0 || x + width > image.width || y + height > image.height) {
    throw refuse(name, `the box ${x},${y},${width},${height} does not lie inside the ${image.width} x ${image.height} photo. Give x,y,width,height within it.`)
  }
  const data = new Float64Array(width * height)
  for (let r = 0; r < height; r++) data.set(image.data.subarray((y + r) * image.width + x, (y + r) * image.width + x + width), r * width)
  return { height, width, data }
}

/** The face region of a photo (see the header for the order of sources), checked, before resizing. */
async function faceRegion(image: GreyImage, name: string, options: CropOptions, crop: Resolution): Promise<{ region: GreyImage; box: FaceBox | null }> {
  if (options.box) return { region: cropRegion(image, options.box, name), box: options.box }
  if (options.locator) {
    const boxes = await options.locator.locate(image)
    if (boxes.length === 0) throw refuse(name, `${options.locator.name} found no face. Give the face's box (x,y,width,height).`)
    if (boxes.length > 1) throw refuse(name, `${options.locator.name} found ${boxes.length} faces. Give the box (x,y,width,height) of the one to enrol.`)
    return { region: cropRegion(image, boxes[0]!, name), box: boxes[0]! }
  }
  const ratio = image.height / image.width / (crop.height / crop.width)
  if (ratio < ASPECT_TOLERANCE.low || ratio > ASPECT_TOLERANCE.high) {
    throw refuse(
      name,
      `the photo is ${image.width} x ${image.height} (width x height), not shaped like an aligned face crop (height:width about ${crop.height}:${crop.width}). Crop it to the face, or give the face's box (x,y,width,height).`,
    )
  }
  return { region: image, box: null }
}

/**
 * The canonical crop of one photo. The gallery is the high-resolution side of the method: a face smaller
 * than the crop would be enlarged, inventing detail, so it is refused (a small image is a probe).
 */
export async function canonicalFaceCrop(image: GreyImage, name: string, options: CropOptions = {}): Promise<{ crop: GreyImage; box: FaceBox | null }> {
  const size = options.crop ?? CANONICAL_CROP
  const { region, box } = await faceRegion(image, name, options, size)
  if (region.height < size.height || region.width < size.width) {
    throw refuse(
      name,
      `the face is ${region.width} x ${region.height} pixels (width x height), smaller than the gallery's ${size.width} x ${size.height} crop. Enrol a larger photo of this person; a small image is a probe for \`percept faces identify\`.`,
    )
  }
  return { crop: toCanonicalCrop(region, size), box }
}
