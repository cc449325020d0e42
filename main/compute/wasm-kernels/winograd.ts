import type { backend_util, TensorInfo } from '@tensorflow/tfjs-core'
import { padOrCrop, type Scratch } from './kernel-calls'

/*
 * The parts of the Winograd F(2x2, 3x3) convolution (simd/conv2d-winograd.wat) that run once a call:
 * the filter transforms and the geometry (tiles, padding, scratch). See that file for the tiling.
 */

/** The filter transform matrix G of F(2, 3) (4 x 3). */
const G = [
  [1, 0, 0],
  [0.5, 0.5, 0.5],
  [0.5, -0.5, 0.5],
  [0, 0, 1],
] as const

/**
 * u[4j + k][ci][co] = (G w G^T)[j][k] for a 3x3 HWIO filter w ([3][3][Ci][Co], flat), summed in float64.
 * `u` holds 16 * Ci * Co values.
 */
export function winogradFilter(w: Float32Array, channels: number, u: Float32Array): void {
  // channels = Ci * Co: every (ci, co) pair is one 3x3 plane, strided by `channels` through w and u.
  const g = new Float64Array(9)
  const t = new Float64Array(12)
  for (let e = 0; e < channels; e++) {
    for (let i = 0; i < 9; i++) g[i] = w[i * channels + e]!
    // t = G g (4 x 3), then u = t G^T (4 x 4)
    for (let j = 0; j < 4; j++) {
      const [a, b, c] = G[j]!
      for (let col = 0; col < 3; col++) t[j * 3 + col] = a * g[col]! + b * g[3 + col]! + c * g[6 + col]!
    }
    for (let j = 0; j < 4; j++) {
      for (let k = 0; k < 4; k++) {
        const [a, b, c] = G[k]!
        u[(j * 4 + k) * channels + e] = a * t[j * 3]! + b * t[j * 3 + 1]! + c * t[j * 3 + 2]!
      }
    }
  }
}

/**
 * The filter gradient from the summed tile products (see the .wat): dW[a][b] = (G^T P G)[a][b] for
 * P [16][Ci][Co] (flat, planes of `channels` = Ci * Co), into dW [3][3][Ci][Co]; `parts` partial P's
 * (one a thread) lie one after another in `p` and are summed here.
 */
export function winogradFilterGrad(p: Float32Array, parts: number, channels: number, dw: Float32Array): void {
  const planes = 16 * channels
  const q = new Float64Array(16)
  const t = new Float64Array(12)
  for (let e = 0; e < channels; e++) {
    for (let i = 0; i < 16; i++) {
      let sum = 0
      for (let part = 0; part < parts; part++) sum += p[part * planes + i * channels + e]!
      q[i] = sum
    }
    // t = G^T q (3 x 4), then dW = t G (3 x 3)
    for (let a = 0; a < 3; a++) {
      for (let k = 0; k < 4; k++) t[a * 4 + k] = G[0]![a]! * q[k]! + G[1]![a]! * q[4 + k]! + G[2]![a]! * q[8 + k]! + G[3]![a]! * q[12 + k]!
    }
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) dw[(a * 3 + b) * channels + e] = t[a * 4]! * G[0]![b]! + t[a * 4 + 1]! * G[1]![b]! + t[a * 4 + 2]! * G[2]![b]! + t[a * 4 + 3]! * G[3]![b]!
    }
  }
}

/** Tiles along one axis of `extent` outputs at dilation d: ceil(extent / 2d) * d (see the .wat). */
export function winogradTiles(extent: number, dilation: number): number {
  return Math.ceil(extent / (2 * dilation)) * dilation
}

/**
 * The padded input extent the tiles read along one axis: the last tile's patch ends 4 dilated steps
 * past its origin, (ceil(extent / 2d) - 1) * 2d + d - 1 + 3d + 1. Never less than a plain 3x3
 * convolution's (extent + 2d), so the convolution's own padding only ever grows after.
 */
function paddedExtent(extent: number, dilation: number): number {
  return Math.ceil(extent / (2 * dilation)) * 2 * dilation + 2 * dilation
}

/** NHWC x padded as the convolution pads it, then further down and right so that every tile's patch is inside. */
export function winogradPadded(s: Scratch, x: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { top, bottom, left, right } = info.padInfo
  const extraRows = paddedExtent(info.outHeight, info.dilationHeight) - (info.outHeight + 2 * info.dilationHeight)
  const extraCols = paddedExtent(info.outWidth, info.dilationWidth) - (info.outWidth + 2 * info.dilationWidth)
  return padOrCrop(s, x, [[0, 0], [top, bottom + extraRows], [left, right + extraCols], [0, 0]])
}

/** Tiles a tile row holds in the scratch: the row's tiles rounded up to 4 (the products' blocking). */
export function winogradRowTiles(outWidth: number, dilationWidth: number): number {
  return Math.ceil(winogradTiles(outWidth, dilationWidth) / 4) * 4
}

/**
 * Floats of scratch one thread needs for `rows` tile rows: V (16 planes of rows x Tpad x Ci) and M or Z
 * (16 of rows x Tpad x Co), each plane a cache line (16 floats) longer (see the .wat).
 */
export function winogradScratchFloats(outWidth: number, dilationWidth: number, inChannels: number, outChannels: number, rows = 1): number {
  return 16 * (rows * winogradRowTiles(outWidth, dilationWidth) * (inChannels + outChannels) + 32)
}
