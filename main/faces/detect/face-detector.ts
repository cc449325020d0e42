import * as tf from '@tensorflow/tfjs-core'
import { resizeGrey, type GreyImage } from '../face-image'
import type { FaceBox } from '../gallery/face-crop'
import { centroid, type Point } from './eye-alignment'
import { faceApiWith, type FaceApiResult } from './face-api-runtime'

/**
 * Faces and their 68 landmarks (the iBUG 300-W layout) in a grey photo, by face-api's SSD MobileNet v1 and
 * landmark net. The photo is given to the nets as grey in all three channels. Photos wider or taller than
 * DETECT_SIDE are shrunk for the detector (SSD works at 512 x 512 anyway) and the results scaled back.
 */

export interface DetectedFace {
  /** The detector's box, in the photo's pixels. */
  box: FaceBox
  score: number
  /** 68 (x, y) points in the photo's pixels. */
  landmarks: Point[]
  /** Eye centres (mean of each eye's six landmarks), the eye on the image's left first. */
  eyes: { left: Point; right: Point }
}

/** SSD's default confidence threshold in face-api. */
export const MIN_CONFIDENCE = 0.5
/** Photos are shrunk to at most this many pixels a side for detection. */
const DETECT_SIDE = 1280
/** Landmarks 36-41 and 42-47: the eyes on the image's left and right (the subject's right and left). */
const LEFT_EYE = [36, 42] as const
const RIGHT_EYE = [42, 48] as const

function toRgbTensor(image: GreyImage): tf.Tensor3D {
  const rgb = new Int32Array(image.height * image.width * 3)
  for (let p = 0; p < image.data.length; p++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, image.data[p]!)))
    rgb[3 * p] = v
    rgb[3 * p + 1] = v
    rgb[3 * p + 2] = v
  }
  return tf.tensor3d(rgb, [image.height, image.width, 3], 'int32')
}

function toDetected(result: FaceApiResult, scale: number, photo: GreyImage): DetectedFace {
  const landmarks = result.landmarks.positions.map((p): Point => [p.x * scale, p.y * scale])
  const { x, y, width, height } = result.detection.box
  const x0 = Math.max(0, Math.round(x * scale))
  const y0 = Math.max(0, Math.round(y * scale))
  const box = { x: x0, y: y0, width: Math.min(photo.width, Math.round((x + width) * scale)) - x0, height: Math.min(photo.height, Math.round((y + height) * scale)) - y0 }
  return {
    box,
    score: result.detection.score,
    landmarks,
    eyes: { left: centroid(landmarks.slice(...LEFT_EYE)), right: centroid(landmarks.slice(...RIGHT_EYE)) },
  }
}

/** Every face SSD finds at `minConfidence` or more, with landmarks, left to right. */
export async function detectFaces(photo: GreyImage, options: { minConfidence?: number } = {}): Promise<DetectedFace[]> {
  const api = await faceApiWith(['ssdMobilenetv1', 'faceLandmark68Net'])
  const shrink = Math.max(1, Math.max(photo.height, photo.width) / DETECT_SIDE)
  const small = shrink > 1 ? resizeGrey(photo, Math.round(photo.height / shrink), Math.round(photo.width / shrink)) : photo
  const scale = photo.width / small.width
  const input = toRgbTensor(small)
  try {
    const results = await api.detectAllFaces(input, new api.SsdMobilenetv1Options({ minConfidence: options.minConfidence ?? MIN_CONFIDENCE })).withFaceLandmarks()
    return results.map((r) => toDetected(r, scale, photo)).sort((a, b) => a.box.x - b.box.x)
  } finally {
    input.dispose()
  }
}
