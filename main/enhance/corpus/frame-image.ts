import jpeg from 'jpeg-js'
import pngjs from 'pngjs'
import { PerceptError } from '../../core/errors'

/*
 * Video frames as files: PNG (what the fixture writes, 8-bit grey) or JPEG (what frame extractors often
 * write), decoded to grey in [0, 1] (ITU-R BT.601 luma for colour). The faces domain has its own decoder;
 * a domain may not import another, so this small one serves the lip frames.
 */

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]
/** Frames larger than this are not lip crops nor video frames; refused before decoding. */
const MAX_PIXELS = 4_000_000

export interface GreyFrame {
  width: number
  height: number
  /** Row-major grey in [0, 1]. */
  data: Float32Array
}

const isPng = (bytes: Uint8Array) => bytes.length >= 24 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)
const isJpeg = (bytes: Uint8Array) => bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8

/** Width and height from a PNG's IHDR or a JPEG's start-of-frame marker, without decoding; null when neither. */
export function frameSize(bytes: Uint8Array): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (isPng(bytes)) return { width: view.getUint32(16), height: view.getUint32(20) }
  if (!isJpeg(bytes)) return null
  let at = 2
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null
    const marker = bytes[at + 1]!
    // SOF0..SOF15 but DHT (c4), JPG (c8) and DAC (cc) hold the frame size
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) }
    }
    at += 2 + view.getUint16(at + 2)
  }
  return null
}

/** Decodes a PNG or JPEG frame to grey; VALIDATION naming the file when it is neither or damaged. */
export function decodeFrame(bytes: Uint8Array, name: string): GreyFrame {
  const size = frameSize(bytes)
  if (!size) throw new PerceptError('VALIDATION', `${name} is neither a PNG nor a JPEG image; frames must be PNG or JPEG files.`)
  if (!(size.width > 0 && size.height > 0) || size.width * size.height > MAX_PIXELS) {
    throw new PerceptError('VALIDATION', `${name} is ${size.width} x ${size.height} pixels, not a usable video frame.`)
  }
  let rgba: Uint8Array
  let width: number
  let height: number
  try {
    if (isPng(bytes)) {
      const png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      ;({ width, height } = png)
      rgba = png.data
    } else {
      const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6 })
      ;({ width, height } = image)
      rgba = image.data
    }
  } catch (error) {
    throw new PerceptError('VALIDATION', `${name} is damaged (${(error as Error).message}); extract or render the frame again.`)
  }
  const data = new Float32Array(width * height)
  for (let p = 0; p < data.length; p++) data[p] = (0.299 * rgba[4 * p]! + 0.587 * rgba[4 * p + 1]! + 0.114 * rgba[4 * p + 2]!) / 255
  return { width, height, data }
}

/** Grey values in [0, 1] as an 8-bit greyscale PNG. */
export function encodeGreyPng(data: ArrayLike<number>, width: number, height: number): Uint8Array {
  const png = new pngjs.PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false })
  const bytes = Buffer.alloc(width * height)
  for (let p = 0; p < bytes.length; p++) bytes[p] = Math.round(255 * Math.min(1, Math.max(0, data[p]!)))
  png.data = bytes
  return pngjs.PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false })
}
