/*
 * Independent float64 references for gradient checks: the forward passes of conv2d (NHWC, any stride,
 * dilation and padding) and conv3dTranspose (NDHWC), written as the plain sums that define them, the
 * convolution gradients by brute force, and central finite differences of a scalar function. Nothing here calls TF.js, so a gradient checked
 * against these shares no code with the gradient under test.
 */

export type PadMode = 'same' | 'valid'

/**
 * One spatial axis of a convolution, by TensorFlow's rule: 'valid' reads only whole windows; 'same'
 * gives ceil(in / stride) outputs and splits the padding needed, the odd element after.
 */
export function convAxis(inSize: number, filterSize: number, stride: number, dilation: number, pad: PadMode): { outSize: number; padBefore: number } {
  const reach = (filterSize - 1) * dilation + 1
  if (pad === 'valid') return { outSize: Math.ceil((inSize - reach + 1) / stride), padBefore: 0 }
  const outSize = Math.ceil(inSize / stride)
  const total = Math.max(0, (outSize - 1) * stride + reach - inSize)
  return { outSize, padBefore: Math.floor(total / 2) }
}

/**
 * conv2d, NHWC, filter [fh, fw, ci, co]:
 *   y[b, i, j, o] = sum_{p, q, c} x[b, i*sh + p*dh - top, j*sw + q*dw - left, c] * w[p, q, c, o]
 * with x read as zero outside the image. `padsBefore` is [top, left]; `outSizes` [outH, outW].
 */
export function conv2dNhwc64(
  x: ArrayLike<number>,
  xShape: readonly number[],
  w: ArrayLike<number>,
  wShape: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
  padsBefore: readonly number[],
  outSizes: readonly number[],
): Float64Array {
  const [B, H, W, C] = xShape as [number, number, number, number]
  const [FH, FW, , O] = wShape as [number, number, number, number]
  const [OH, OW] = outSizes as [number, number]
  const y = new Float64Array(B * OH * OW * O)
  for (let b = 0; b < B; b++)
    for (let i = 0; i < OH; i++)
      for (let j = 0; j < OW; j++)
        for (let p = 0; p < FH; p++) {
          const r = i * strides[0]! + p * dilations[0]! - padsBefore[0]!
          if (r < 0 || r >= H) continue
          for (let q = 0; q < FW; q++) {
            const s = j * strides[1]! + q * dilations[1]! - padsBefore[1]!
            if (s < 0 || s >= W) continue
            for (let c = 0; c < C; c++) {
              const xv = x[((b * H + r) * W + s) * C + c]!
              for (let o = 0; o < O; o++) y[((b * OH + i) * OW + j) * O + o]! += xv * w[((p * FW + q) * C + c) * O + o]!
            }
          }
        }
  return y
}

/**
 * conv3dTranspose, NDHWC: input x [B, D, H, W, Ci], filter [fd, fh, fw, Co, Ci], output [B, OD, OH, OW, Co].
 * Each input element scatters its filter-weighted copy into the output, the transposed convolution's definition:
 *   y[b, o*s + k - padBefore, co] += x[b, o, ci] * w[k, co, ci]   (per spatial axis; outside the output, dropped)
 * where padBefore is that of the forward conv3d that maps the output shape back to the input's.
 */
export function conv3dTransposeNdhwc64(
  x: ArrayLike<number>,
  xShape: readonly number[],
  w: ArrayLike<number>,
  wShape: readonly number[],
  outShape: readonly number[],
  strides: readonly number[],
  padsBefore: readonly number[],
): Float64Array {
  const [B, D, H, W, CI] = xShape as [number, number, number, number, number]
  const [FD, FH, FW, CO] = wShape as [number, number, number, number, number]
  const [, OD, OH, OW] = outShape as [number, number, number, number, number]
  const y = new Float64Array(B * OD * OH * OW * CO)
  for (let b = 0; b < B; b++)
    for (let d = 0; d < D; d++)
      for (let h = 0; h < H; h++)
        for (let v = 0; v < W; v++)
          for (let kd = 0; kd < FD; kd++) {
            const od = d * strides[0]! + kd - padsBefore[0]!
            if (od < 0 || od >= OD) continue
            for (let kh = 0; kh < FH; kh++) {
              const oh = h * strides[1]! + kh - padsBefore[1]!
              if (oh < 0 || oh >= OH) continue
              for (let kw = 0; kw < FW; kw++) {
                const ow = v * strides[2]! + kw - padsBefore[2]!
                if (ow < 0 || ow >= OW) continue
                const yBase = (((b * OD + od) * OH + oh) * OW + ow) * CO
                const wBase = ((kd * FH + kh) * FW + kw) * CO * CI
                const xBase = (((b * D + d) * H + h) * W + v) * CI
                for (let co = 0; co < CO; co++)
                  for (let ci = 0; ci < CI; ci++) y[yBase + co]! += x[xBase + ci]! * w[wBase + co * CI + ci]!
              }
            }
          }
  return y
}

/** sum_i y[i] * r[i], in float64. */
export function dot64(y: ArrayLike<number>, r: ArrayLike<number>): number {
  let total = 0
  for (let i = 0; i < y.length; i++) total += y[i]! * r[i]!
  return total
}

/** d f / d v[i] for every i, by (f(v + h e_i) - f(v - h e_i)) / 2h in float64. */
export function centralDifferences(f: (v: Float64Array) => number, at: ArrayLike<number>, h: number): Float64Array {
  const v = Float64Array.from(at)
  const grad = new Float64Array(v.length)
  for (let i = 0; i < v.length; i++) {
    const keep = v[i]!
    v[i] = keep + h
    const up = f(v)
    v[i] = keep - h
    const down = f(v)
    v[i] = keep
    grad[i] = (up - down) / (2 * h)
  }
  return grad
}

/** ||analytic - numeric|| / ||numeric||; Infinity when the lengths differ or the reference is all zeros. */
export function relativeToReference(analytic: ArrayLike<number>, numeric: ArrayLike<number>): number {
  if (analytic.length !== numeric.length) return Infinity
  let diff = 0
  let norm = 0
  for (let i = 0; i < numeric.length; i++) {
    diff += (analytic[i]! - numeric[i]!) ** 2
    norm += numeric[i]! ** 2
  }
  return norm > 0 ? Math.sqrt(diff / norm) : Infinity
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

/** Brute-force NHWC/NDHWC convolution gradients (any stride, dilation, padding), in float64. */
export function referenceConvGrads(
  x: Float32Array,
  xShape: number[],
  w: Float32Array,
  wShape: number[],
  dy: Float32Array,
  dyShape: number[],
  strides: number[],
  dilations: number[],
  padsBefore: number[],
): { dx: Float64Array; dw: Float64Array } {
  const rank = xShape.length - 2
  const [batch] = xShape as [number]
  const ci = xShape[rank + 1]!
  const co = wShape[rank + 1]!
  const inSizes = xShape.slice(1, rank + 1)
  const outSizes = dyShape.slice(1, rank + 1)
  const filter = wShape.slice(0, rank)
  const dx = new Float64Array(x.length)
  const dw = new Float64Array(w.length)
  const flat = (idx: number[], sizes: number[]): number => idx.reduce((acc, v, i) => acc * sizes[i]! + v, 0)
  const unflat = (n: number, sizes: number[]): number[] => {
    const idx = new Array<number>(sizes.length)
    for (let i = sizes.length - 1; i >= 0; i--) {
      idx[i] = n % sizes[i]!
      n = Math.floor(n / sizes[i]!)
    }
    return idx
  }
  for (let b = 0; b < batch; b++)
    for (let o = 0; o < size(outSizes); o++) {
      const oi = unflat(o, outSizes)
      for (let k = 0; k < size(filter); k++) {
        const ki = unflat(k, filter)
        const ii = oi.map((v, r) => v * strides[r]! + ki[r]! * dilations[r]! - padsBefore[r]!)
        if (ii.some((v, r) => v < 0 || v >= inSizes[r]!)) continue
        const xBase = (b * size(inSizes) + flat(ii, inSizes)) * ci
        const dyBase = (b * size(outSizes) + o) * co
        for (let c = 0; c < ci; c++)
          for (let d = 0; d < co; d++) {
            const wi = (k * ci + c) * co + d
            dw[wi]! += x[xBase + c]! * dy[dyBase + d]!
            dx[xBase + c]! += dy[dyBase + d]! * w[wi]!
          }
      }
    }
  return { dx, dw }
}
