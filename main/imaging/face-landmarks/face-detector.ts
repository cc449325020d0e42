import * as tf from '@tensorflow/tfjs-core'
import { resizeGrey, type GreyPixels } from '../grey-image'
import { faceApiWith, type FaceApiResult } from './face-api-runtime'
import { centroid, LANDMARKS_68, type Point } from './points'

/**
 * Faces and their 68 landmarks (the iBUG 300-W layout) in a grey photo, by face-api's SSD MobileNet v1 and
 * landmark net. The photo is given to the nets as grey in all three channels. Photos wider or taller than
 * DETECT_SIDE are shrunk for the detector (SSD works at 512 x 512 anyway) and the results scaled back.
 * Shared by the faces domain (gallery imports) and the enhance domain (lip crops); like the runtime it
 * loads, it runs only in threads and processes of its own, never beside TF.js training.
 */

/** A face's rectangle in an image, in pixels from the top-left corner. */
export interface FaceBox {
  x: number
  y: number
  width: number
  height: number
}

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
const LEFT_EYE = LANDMARKS_68.leftEye
const RIGHT_EYE = LANDMARKS_68.rightEye

function toRgbTensor(image: GreyPixels): tf.Tensor3D {
  const rgb = new Int32Array(image.height * image.width * 3)
  for (let p = 0; p < image.data.length; p++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, image.data[p]!)))
    rgb[3 * p] = v
    rgb[3 * p + 1] = v
    rgb[3 * p + 2] = v
  }
  return tf.tensor3d(rgb, [image.height, image.width, 3], 'int32')
}

function toDetected(result: FaceApiResult, scale: number, photo: GreyPixels): DetectedFace {
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

/**
 * Which detector finds the faces: 'ssd' (SSD MobileNet v1, input 512 x 512: the accurate one, for photos
 * with several faces of any size) or 'tiny' (Tiny Face Detector, a Tiny-YOLO v2 at TINY_INPUT x TINY_INPUT:
 * several times faster, enough for a video frame filled by one frontal face). The landmarks are the same net.
 */
export type FaceDetectorKind = 'ssd' | 'tiny'
/** The Tiny Face Detector's input side (a multiple of 32; face-api's default is 416). */
export const TINY_INPUT = 320

export interface DetectOptions {
  /** Score threshold (default MIN_CONFIDENCE for both detectors). */
  minConfidence?: number
  detector?: FaceDetectorKind
}

/** Every face the detector finds at `minConfidence` or more, with landmarks, left to right. */
export async function detectFaces(photo: GreyPixels, options: DetectOptions = {}): Promise<DetectedFace[]> {
  const tiny = options.detector === 'tiny'
  const api = await faceApiWith([tiny ? 'tinyFaceDetector' : 'ssdMobilenetv1', 'faceLandmark68Net'])
  const shrink = Math.max(1, Math.max(photo.height, photo.width) / DETECT_SIDE)
  const small = shrink > 1 ? resizeGrey(photo, Math.round(photo.height / shrink), Math.round(photo.width / shrink)) : photo
  const scale = photo.width / small.width
  const input = toRgbTensor(small)
  const threshold = options.minConfidence ?? MIN_CONFIDENCE
  try {
    const detector = tiny ? new api.TinyFaceDetectorOptions({ inputSize: TINY_INPUT, scoreThreshold: threshold }) : new api.SsdMobilenetv1Options({ minConfidence: threshold })
    const results = await api.detectAllFaces(input, detector).withFaceLandmarks()
    return results.map((r) => toDetected(r, scale, photo)).sort((a, b) => a.box.x - b.box.x)
  } finally {
    input.dispose()
  }
}
