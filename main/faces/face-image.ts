import jpeg from 'jpeg-js'
import { readFile, stat } from 'node:fs/promises'
import { basename } from 'node:path'
import pngjs from 'pngjs'
import { PerceptError } from '../core/errors'
import { CANONICAL_CROP } from './face-shape'

/** A grey image: row-major values in [0, 1]. */
export interface GreyImage {
  height: number
  width: number
  data: Float64Array
}

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

/** One output sample of a 1-D resampling: input indices and their weights (summing to 1). */
type Taps = { index: number[]; weight: number[] }[]

/**
 * 1-D resampling weights from `size` samples to `target`, on the pixel-area convention (pixel i covers
 * [i, i + 1)). Shrinking: area averaging, each output pixel the mean of the input it covers, partial
 * pixels weighted by the part covered (as OpenCV's INTER_AREA). Growing: linear interpolation between
 * pixel centres, input position (i + 0.5) * size / target - 0.5, clamped at the edges.
 */
export function resampleTaps(size: number, target: number): Taps {
  const taps: Taps = []
  const f = size / target
  for (let i = 0; i < target; i++) {
    if (f > 1) {
      const from = i * f
      const to = (i + 1) * f
      const index: number[] = []
      const weight: number[] = []
      for (let k = Math.floor(from); k < Math.min(size, Math.ceil(to)); k++) {
        const overlap = Math.min(to, k + 1) - Math.max(from, k)
        if (overlap > 1e-12) {
          index.push(k)
          weight.push(overlap / f)
        }
      }
      taps.push({ index, weight })
    } else {
      const x = Math.min(size - 1, Math.max(0, (i + 0.5) * f - 0.5))
      const k = Math.min(Math.floor(x), size - 1)
      const t = x - k
      taps.push(t > 0 && k + 1 < size ? { index: [k, k + 1], weight: [1 - t, t] } : { index: [k], weight: [1] })
    }
  }
  return taps
}

/** Resamples rows then columns with `resampleTaps` (area when shrinking an axis, linear when growing it). */
export function resizeGrey(image: GreyImage, height: number, width: number): GreyImage {
  if (image.height === height && image.width === width) return { height, width, data: Float64Array.from(image.data) }
  const across = resampleTaps(image.width, width)
  const down = resampleTaps(image.height, height)
  const wide = new Float64Array(image.height * width)
  for (let r = 0; r < image.height; r++) {
    for (let c = 0; c < width; c++) {
      const { index, weight } = across[c]!
      let s = 0
      for (let t = 0; t < index.length; t++) s += weight[t]! * image.data[r * image.width + index[t]!]!
      wide[r * width + c] = s
    }
  }
  const data = new Float64Array(height * width)
  for (let r = 0; r < height; r++) {
    const { index, weight } = down[r]!
    for (let t = 0; t < index.length; t++) {
      const w = weight[t]!
      const row = index[t]! * width
      for (let c = 0; c < width; c++) data[r * width + c]! += w * wide[row + c]!
    }
  }
  return { height, width, data }
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
