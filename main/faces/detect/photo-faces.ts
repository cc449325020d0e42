import { PerceptError } from '../../core/errors'
import type { GreyImage } from '../face-image'
import type { FaceBox } from '../gallery/face-crop'
import type { Resolution } from '../resolution'
import { alignByEyes, type Point } from './eye-alignment'
import { detectFaces, MIN_CONFIDENCE } from '../../imaging/face-landmarks/face-detector'

/**
 * From an ordinary photo to gallery crops: every face the detector finds, aligned by its eye centres to
 * the canonical crop. A face whose eyes are closer together than the crop's is refused (the gallery is
 * the high-resolution side of the method; enlarging would invent detail), the others are kept.
 */

export interface AlignedFace {
  box: FaceBox
  score: number
  eyes: { left: Point; right: Point }
  crop: GreyImage
}

export interface PhotoFaces {
  faces: AlignedFace[]
  /** Faces found but not usable, each with why. */
  skipped: string[]
}

/** An image this close to the crop's shape and at most this many times its size is taken as an aligned crop. */
const ALIGNED = { low: 0.75, high: 1.35, maxScale: 4 }

/** Whether an image is already an aligned face crop (skips detection, as a cropped data set is). */
export function isAlignedCrop(image: { height: number; width: number }, crop: Resolution): boolean {
  const ratio = image.height / image.width / (crop.height / crop.width)
  return ratio >= ALIGNED.low && ratio <= ALIGNED.high && Math.max(image.height / crop.height, image.width / crop.width) <= ALIGNED.maxScale
}

export async function facesInPhoto(image: GreyImage, name: string, crop: Resolution, options: { minConfidence?: number } = {}): Promise<PhotoFaces> {
  const found = await detectFaces(image, { minConfidence: options.minConfidence ?? MIN_CONFIDENCE })
  if (found.length === 0) {
    throw new PerceptError('VALIDATION', `${name}: no face was found in the photo. Give the face's box by hand to import it (drag it on the photo in the app, or --box x,y,width,height).`)
  }
  const faces: AlignedFace[] = []
  const skipped: string[] = []
  for (const [i, face] of found.entries()) {
    const { crop: aligned, transform } = alignByEyes(image, face.eyes, crop)
    if (transform.scale < 1) {
      skipped.push(`face ${i + 1} of ${found.length} (at ${face.box.x},${face.box.y}) is too small: its eyes are ${Math.round(transform.scale * 100)}% of the ${crop.width}-pixel-wide crop's eye distance. Use a larger photo of it.`)
      continue
    }
    faces.push({ box: face.box, score: face.score, eyes: face.eyes, crop: aligned })
  }
  if (faces.length === 0) throw new PerceptError('VALIDATION', `${name}: ${skipped.join(' ')}`)
  return { faces, skipped }
}
