import { PerceptError } from '../core/errors'
import type { GreyImage } from './face-image'

/** A probe resolution, height x width in pixels (the paper writes 7x6 for 7 rows of 6). */
export interface Resolution {
  height: number
  width: number
}

export const formatResolution = (r: Resolution): string => `${r.height}x${r.width}`

/** "7x6" -> {height: 7, width: 6}; VALIDATION for anything else, or for a probe larger than the gallery crop. */
export function parseResolution(text: string, gallery?: Resolution): Resolution {
  const match = /^\s*(\d{1,4})\s*[xX]\s*(\d{1,4})\s*$/.exec(text)
  if (!match) throw new PerceptError('VALIDATION', `A resolution is HEIGHTxWIDTH in pixels, e.g. 7x6 or 12x10; got "${text}".`)
  const height = Number(match[1])
  const width = Number(match[2])
  if (height < 2 || width < 2) throw new PerceptError('VALIDATION', `A probe resolution needs at least 2x2 pixels; got ${text.trim()}.`)
  if (gallery && (height > gallery.height || width > gallery.width)) {
    throw new PerceptError(
      'VALIDATION',
      `The probe resolution ${height}x${width} is larger than the gallery's ${formatResolution(gallery)}: the method matches a high-resolution gallery down to the probe. Choose a resolution of at most ${formatResolution(gallery)}.`,
    )
  }
  return { height, width }
}

/**
 * The anti-aliasing blur for shrinking by `factor` (input size / output size): σ = (factor - 1) / 2,
 * scikit-image's default for rescale, so a factor of 1 is no blur and each halving adds about a pixel.
 */
export const antiAliasSigma = (factor: number): number => Math.max(0, (factor - 1) / 2)

/** Normalised Gaussian taps of radius round(4σ) (scipy.ndimage.gaussian_filter's truncate = 4). */
export function gaussianKernel(sigma: number): Float64Array {
  if (sigma <= 0) return Float64Array.of(1)
  const radius = Math.floor(4 * sigma + 0.5)
  const k = Float64Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-0.5 * ((i - radius) / sigma) ** 2))
  const sum = k.reduce((a, b) => a + b, 0)
  return k.map((v) => v / sum)
}

/** Separable Gaussian blur with σ per axis, edges extended by repeating the border pixel (scipy's mode 'nearest'). */
export function gaussianBlur(image: GreyImage, sigmaRows: number, sigmaCols: number): GreyImage {
  const { height, width } = image
  const kc = gaussianKernel(sigmaCols)
  const kr = gaussianKernel(sigmaRows)
  const rc = (kc.length - 1) / 2
  const rr = (kr.length - 1) / 2
  const tmp = new Float64Array(height * width)
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      let s = 0
      for (let t = 0; t < kc.length; t++) s += kc[t]! * image.data[r * width + Math.min(width - 1, Math.max(0, c + t - rc))]!
      tmp[r * width + c] = s
    }
  }
  const data = new Float64Array(height * width)
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < width; c++) {
      let s = 0
      for (let t = 0; t < kr.length; t++) s += kr[t]! * tmp[Math.min(height - 1, Math.max(0, r + t - rr)) * width + c]!
      data[r * width + c] = s
    }
  }
  return { height, width, data }
}

/**
 * The 1-D operator of one axis, size -> target: Gaussian blur (σ from the shrink factor, edges repeated)
 * followed by linear interpolation at the low-resolution pixel centres, input position
 * (i + 0.5) * factor - 0.5. A target x size matrix, row-major; both steps are linear, so they are composed
 * once and a whole image costs two small matrix products.
 */
function axisOperator(size: number, target: number): Float64Array {
  const factor = size / target
  const kernel = gaussianKernel(antiAliasSigma(factor))
  const radius = (kernel.length - 1) / 2
  const op = new Float64Array(target * size)
  const clamp = (k: number): number => Math.min(size - 1, Math.max(0, k))
  for (let i = 0; i < target; i++) {
    const x = Math.min(size - 1, Math.max(0, (i + 0.5) * factor - 0.5))
    const j0 = Math.floor(x)
    const t = x - j0
    const taps: [number, number][] = t > 0 && j0 + 1 < size ? [[j0, 1 - t], [j0 + 1, t]] : [[j0, 1]]
    for (const [j, w] of taps) for (let k = 0; k < kernel.length; k++) op[i * size + clamp(j + k - radius)]! += w * kernel[k]!
  }
  return op
}

const operators = new Map<string, Float64Array>()
function cachedAxisOperator(size: number, target: number): Float64Array {
  const key = `${size}>${target}`
  let op = operators.get(key)
  if (!op) {
    op = axisOperator(size, target)
    if (operators.size > 64) operators.clear()
    operators.set(key, op)
  }
  return op
}

/**
 * (X̃)↓ of equation 4, X = B H X̃: blur H (Gaussian, σ = (factor - 1) / 2 per axis, edges repeated) then
 * downsampling B (bilinear samples at the low-resolution pixel centres), the smoothing-then-downsampling
 * by which the paper makes its low-resolution probes. Same values as gaussianBlur followed by bilinear
 * sampling, computed as rows' operator x image x columns' operator^T.
 */
export function downsample(image: GreyImage, target: Resolution): GreyImage {
  const { height, width } = image
  if (height < target.height || width < target.width) {
    throw new PerceptError('VALIDATION', `Cannot downsample a ${height}x${width} image to the larger ${formatResolution(target)}.`)
  }
  const rows = cachedAxisOperator(height, target.height)
  const cols = cachedAxisOperator(width, target.width)
  // Columns first: (height x width) -> (height x target.width).
  const narrow = new Float64Array(height * target.width)
  for (let r = 0; r < height; r++) {
    for (let c = 0; c < target.width; c++) {
      let s = 0
      for (let k = 0; k < width; k++) s += cols[c * width + k]! * image.data[r * width + k]!
      narrow[r * target.width + c] = s
    }
  }
  const data = new Float64Array(target.height * target.width)
  for (let i = 0; i < target.height; i++) {
    for (let r = 0; r < height; r++) {
      const w = rows[i * height + r]!
      if (w === 0) continue
      for (let c = 0; c < target.width; c++) data[i * target.width + c]! += w * narrow[r * target.width + c]!
    }
  }
  return { height: target.height, width: target.width, data }
}
