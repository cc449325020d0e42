import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { faceApiPackageDir } from '../../../../main/imaging/face-landmarks/face-api-runtime'
import { detectFaces } from '../../../../main/imaging/face-landmarks/face-detector'
import { facesInPhoto } from '../../../../main/faces/detect/photo-faces'
import { decodeFaceImage } from '../../../../main/faces/face-image'
import { photoScene } from '../../../../main/faces/fixtures/photo-scene'
import type { FaceBox } from '../../../../main/faces/gallery/face-crop'

/*
 * The real detector (face-api's SSD MobileNet v1 + 68-point landmark net, weights from the package), no
 * stand-in. On the synthetic faces it fires with scores from about 0.25 to 0.98 (they are smoother than
 * photos), so the scene tests use a threshold of 0.2; on the package's own demo photo the default (0.5).
 */

const iou = (a: FaceBox, b: FaceBox): number => {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x))
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y))
  return (w * h) / (a.width * a.height + b.width * b.height - w * h)
}
const SCENE_THRESHOLD = 0.2

describe('face detection and landmarks', { timeout: 240_000 }, () => {
  it('finds the three faces of the package demo photo, each with 68 landmarks and eyes level with each other', async () => {
    const photo = decodeFaceImage(readFileSync(join(faceApiPackageDir(), 'demo', 'sample1.jpg')), 'sample1.jpg')
    const faces = await detectFaces(photo)
    expect(faces).toHaveLength(3)
    for (const face of faces) {
      expect(face.score).toBeGreaterThan(0.8)
      expect(face.landmarks).toHaveLength(68)
      const eyeDistance = face.eyes.right[0] - face.eyes.left[0]
      expect(eyeDistance).toBeGreaterThan(0.2 * face.box.width)
      expect(eyeDistance).toBeLessThan(0.7 * face.box.width)
    }
  })

  it('finds every synthetic face composited in seeded scenes (one and two faces), with its eyes', async () => {
    let found = 0
    for (const seed of [1, 2, 3, 6]) {
      const scene = photoScene({ seed, faces: 1 + (seed % 2) })
      const faces = await detectFaces(scene.image, { minConfidence: SCENE_THRESHOLD })
      expect(faces).toHaveLength(scene.faces.length)
      scene.faces.forEach((truth, i) => {
        const face = faces[i]!
        expect(iou(face.box, truth.box)).toBeGreaterThan(0.5)
        const eyeDistance = truth.eyes.right[0] - truth.eyes.left[0]
        for (const side of ['left', 'right'] as const) {
          expect(Math.hypot(face.eyes[side][0] - truth.eyes[side][0], face.eyes[side][1] - truth.eyes[side][1])).toBeLessThan(0.25 * eyeDistance)
        }
        found++
      })
    }
    expect(found).toBe(6)
  })

  it('finds no face in scenes without one, and says what to do', async () => {
    for (const seed of [11, 12]) {
      const scene = photoScene({ seed, faces: 0 })
      expect(await detectFaces(scene.image, { minConfidence: SCENE_THRESHOLD })).toEqual([])
      await expect(facesInPhoto(scene.image, 'empty.png', { height: 48, width: 40 })).rejects.toThrow("empty.png: no face was found in the photo. Give the face's box by hand")
    }
  })

  it('aligns each face of a two-face scene to its own 48 x 40 crop', async () => {
    const scene = photoScene({ seed: 1, faces: 2 })
    const { faces } = await facesInPhoto(scene.image, 'two.png', { height: 48, width: 40 }, { minConfidence: SCENE_THRESHOLD })
    expect(faces).toHaveLength(2)
    for (const face of faces) {
      expect([face.crop.height, face.crop.width]).toEqual([48, 40])
      expect(face.crop.data.every((v) => v >= 0 && v <= 1)).toBe(true)
    }
  })
})
