import jpeg from 'jpeg-js'
import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import pngjs from 'pngjs'
import { PerceptError } from '../core/errors'
import { resizeGrey, type GreyImage } from '../imaging/grey-image'
import { CANONICAL_CROP } from './face-shape'

// Grey images and their resizing moved below the domains (the face-landmark detector needs them too).
export { resampleTaps, resizeGrey, type GreyImage } from '../imaging/grey-image'

/** Larger images are refused before decoding: a face photo never needs more, and decoding one costs ~4 bytes a pixel. */
export const MAX_MEGAPIXELS = 40
/** Files beyond this size are refused unread. */
const MAX_FILE_BYTES = 200 * 2 ** 20

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

function invalid(name: string, why: string): PerceptError {
  return new PerceptError('VALIDATION', `${name}: ${why}`)
}

function checkSize(name: string, width: number, height: number): void {
  if (!(width > 0 && height > 0)) throw invalid(name, `the image has no pixels (${width} x ${height}). Use a real photo or crop.`)
  if (width * height > MAX_MEGAPIXELS * 1e6) {
    throw invalid(name, `the image is ${width} x ${height} pixels, more than ${MAX_MEGAPIXELS} megapixels. Crop the face or scale the image down first.`)
  }
}

/** ITU-R BT.601 luma of 8-bit RGBA pixels, scaled to [0, 1] (the grey that Pillow's convert('L') gives). */
function rgbaToGrey(rgba: Uint8Array, width: number, height: number): GreyImage {
  const data = new Float64Array(width * height)
  for (let p = 0; p < data.length; p++) data[p] = (0.299 * rgba[4 * p]! + 0.587 * rgba[4 * p + 1]! + 0.114 * rgba[4 * p + 2]!) / 255
  return { height, width, data }
}

/** PNG or JPEG bytes (told apart by their signatures) to grey; VALIDATION with what to do otherwise. */
export function decodeFaceImage(bytes: Uint8Array, name = 'image'): GreyImage {
  if (bytes.length === 0) throw invalid(name, 'the file is empty.')
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    if (bytes.length < 24) throw invalid(name, 'the PNG file is truncated before its header ends. Export it again.')
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    checkSize(name, view.getUint32(16), view.getUint32(20))
    let png
    try {
      png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    } catch (error) {
      throw invalid(name, `the PNG file is damaged (${(error as Error).message}). Export it again.`)
    }
    return rgbaToGrey(png.data, png.width, png.height)
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    let decoded
    try {
      decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 1024 })
    } catch (error) {
      const message = (error as Error).message
      if (/maxResolutionInMP/.test(message)) throw invalid(name, `the image is more than ${MAX_MEGAPIXELS} megapixels. Crop the face or scale the image down first.`)
      throw invalid(name, `the JPEG file is damaged (${message}). Export it again.`)
    }
    checkSize(name, decoded.width, decoded.height)
    return rgbaToGrey(decoded.data, decoded.width, decoded.height)
  }
  throw invalid(name, 'this is neither a PNG nor a JPEG file. Convert the image to PNG or JPEG.')
}

/** Reads and decodes one PNG or JPEG file. */
export async function readFaceImage(path: string): Promise<GreyImage> {
  const name = basename(path)
  const info = await stat(path).catch(() => null)
  if (!info?.isFile()) throw new PerceptError('VALIDATION', `${path} is not a readable file.`)
  if (info.size > MAX_FILE_BYTES) throw invalid(name, `the file is ${Math.round(info.size / 2 ** 20)} MiB; face images above ${MAX_FILE_BYTES / 2 ** 20} MiB are refused.`)
  return decodeFaceImage(await readFile(path), name)
}

/** An aligned face image brought to the canonical crop (48 x 40 unless told otherwise). */
export function toCanonicalCrop(image: GreyImage, crop: { height: number; width: number } = CANONICAL_CROP): GreyImage {
  return resizeGrey(image, crop.height, crop.width)
}

/** Grey values in [0, 1] as an 8-bit greyscale PNG. */
export function encodeGreyPng(image: GreyImage): Uint8Array {
  const png = new pngjs.PNG({ width: image.width, height: image.height, colorType: 0, inputColorType: 0, inputHasAlpha: false })
  const bytes = Buffer.alloc(image.width * image.height)
  for (let p = 0; p < bytes.length; p++) bytes[p] = Math.round(255 * Math.min(1, Math.max(0, image.data[p]!)))
  png.data = bytes
  return pngjs.PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false })
}
