import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { encodeGreyPng } from '../../../../main/enhance/corpus/frame-image'
import { decodeFaceImage } from '../../../../main/faces/face-image'
import { faceApiPackageDir } from '../../../../main/imaging/face-landmarks/face-api-runtime'
import { resizeGrey } from '../../../../main/imaging/grey-image'

/*
 * A short "video" of a real face, GRID-sized (360 x 288): the left face of face-api's demo photo
 * sample1.jpg (the photo the face detector's own tests use), the photo shrunk to 3/4 so the face is about
 * 135 px wide as in GRID, a window moving STEP pixels a frame over it (so the face moves by -STEP), and
 * one frame blank grey, where no face can be found.
 */

export const FRAME = { width: 360, height: 288 }
/** The window's move per frame, pixels (x, y): the face moves the other way. */
export const STEP = [3, 2] as const
/** The frame left blank. */
export const BLANK = 3
/** The window's first top-left corner in the shrunk photo: the face near the middle of the frame. */
const ORIGIN = [196, 212] as const

/** Writes `count` frames as frame_0001.png ... (ffmpeg's numbering, from 1) into `dir`; returns it. */
export function writeFaceFrames(dir: string, count = 8): string {
  mkdirSync(dir, { recursive: true })
  const photo = decodeFaceImage(readFileSync(join(faceApiPackageDir(), 'demo', 'sample1.jpg')), 'sample1.jpg')
  const small = resizeGrey(photo, Math.round(photo.height * 0.75), Math.round(photo.width * 0.75))
  for (let k = 0; k < count; k++) {
    const frame = new Float32Array(FRAME.width * FRAME.height).fill(0.5)
    if (k !== BLANK) {
      const [x0, y0] = [ORIGIN[0] + STEP[0] * k, ORIGIN[1] + STEP[1] * k]
      for (let r = 0; r < FRAME.height; r++) frame.set(small.data.subarray((y0 + r) * small.width + x0, (y0 + r) * small.width + x0 + FRAME.width), r * FRAME.width)
    }
    writeFileSync(join(dir, `frame_${String(k + 1).padStart(4, '0')}.png`), encodeGreyPng(frame, FRAME.width, FRAME.height))
  }
  return dir
}
