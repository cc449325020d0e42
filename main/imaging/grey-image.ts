/*
 * Grey images as the face and lip code read them: row-major values in [0, 1]. Resizing (area averaging
 * when shrinking, linear when growing) and bilinear sampling live here, below the domains, because the
 * face-landmark detector (face-landmarks/) needs them and serves both the faces and the enhance domains.
 */

/** A grey image: row-major values in [0, 1]. */
export interface GreyImage {
  height: number
  width: number
  data: Float64Array
}

/** Any grey picture to read from (GreyImage, or a decoded frame with Float32Array data). */
export interface GreyPixels {
  height: number
  width: number
  data: ArrayLike<number>
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
export function resizeGrey(image: GreyPixels, height: number, width: number): GreyImage {
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

/** Bilinear sample at (x, y) in pixel-centre coordinates (pixel i spans [i, i + 1)), edges clamped. */
export function bilinear(image: GreyPixels, x: number, y: number): number {
  const fx = Math.min(image.width - 1, Math.max(0, x - 0.5))
  const fy = Math.min(image.height - 1, Math.max(0, y - 0.5))
  const c0 = Math.floor(fx)
  const r0 = Math.floor(fy)
  const c1 = Math.min(c0 + 1, image.width - 1)
  const r1 = Math.min(r0 + 1, image.height - 1)
  const tx = fx - c0
  const ty = fy - r0
  const d = image.data
  const w = image.width
  return (1 - ty) * ((1 - tx) * d[r0 * w + c0]! + tx * d[r0 * w + c1]!) + ty * ((1 - tx) * d[r1 * w + c0]! + tx * d[r1 * w + c1]!)
}
