/*
 * The parts of the Winograd F(4x4, 3x3) convolution (simd/conv2d-winograd.wat) that run once a call:
 * the filter transforms and the geometry (tiles, scratch). See that file for the tiling.
 */

/** The filter transform matrix G of F(4, 3) (6 x 3; interpolation points 0, +-1, +-2). */
const G = [
  [1 / 4, 0, 0],
  [-1 / 6, -1 / 6, -1 / 6],
  [-1 / 6, 1 / 6, -1 / 6],
  [1 / 24, 1 / 12, 1 / 6],
  [1 / 24, -1 / 12, 1 / 6],
  [0, 0, 1],
] as const
/** A tile's transformed extent (6) and planes (36). */
const n = G.length
export const winogradPlanes = n * n

/**
 * u[6j + k][ci][co] = (G w G^T)[j][k] for a 3x3 HWIO filter w ([3][3][Ci][Co], flat), summed in float64.
 * `u` holds 36 * Ci * Co values.
 */
export function winogradFilter(w: Float32Array, channels: number, u: Float32Array): void {
  // channels = Ci * Co: every (ci, co) pair is one 3x3 plane, strided by `channels` through w and u.
  const g = new Float64Array(9)
  const t = new Float64Array(3 * n)
  for (let e = 0; e < channels; e++) {
    for (let i = 0; i < 9; i++) g[i] = w[i * channels + e]!
    // t = G g (6 x 3), then u = t G^T (6 x 6)
    for (let j = 0; j < n; j++) {
      const [a, b, c] = G[j]!
      for (let col = 0; col < 3; col++) t[j * 3 + col] = a * g[col]! + b * g[3 + col]! + c * g[6 + col]!
    }
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < n; k++) {
        const [a, b, c] = G[k]!
        u[(j * n + k) * channels + e] = a * t[j * 3]! + b * t[j * 3 + 1]! + c * t[j * 3 + 2]!
      }
    }
  }
}

/**
 * The filter gradient from the summed tile products (see the .wat): dW[a][b] = (G^T P G)[a][b] for
 * P [36][Ci][Co] (flat, planes of `channels` = Ci * Co), into dW [3][3][Ci][Co]; `parts` partial P's
 * (one a thread) lie one after another in `p` and are summed here.
 */
export function winogradFilterGrad(p: Float32Array, parts: number, channels: number, dw: Float32Array): void {
  const planes = winogradPlanes * channels
  const q = new Float64Array(winogradPlanes)
  const t = new Float64Array(3 * n)
  for (let e = 0; e < channels; e++) {
    for (let i = 0; i < winogradPlanes; i++) {
      let sum = 0
      for (let part = 0; part < parts; part++) sum += p[part * planes + i * channels + e]!
      q[i] = sum
    }
    // t = G^T q (3 x 6), then dW = t G (3 x 3)
    for (let a = 0; a < 3; a++) {
      for (let k = 0; k < n; k++) {
        let sum = 0
        for (let j = 0; j < n; j++) sum += G[j]![a]! * q[j * n + k]!
        t[a * n + k] = sum
      }
    }
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 3; b++) {
        let sum = 0
        for (let k = 0; k < n; k++) sum += t[a * n + k]! * G[k]![b]!
        dw[(a * 3 + b) * channels + e] = sum
      }
    }
  }
}

/** Tiles along one axis of `extent` outputs at dilation d: ceil(extent / 4d) * d (see the .wat). */
export function winogradTiles(extent: number, dilation: number): number {
  return Math.ceil(extent / (4 * dilation)) * dilation
}

/** Tiles a tile row holds in the scratch: the row's tiles rounded up to 4 (the products' blocking). */
export function winogradRowTiles(outWidth: number, dilationWidth: number): number {
  return Math.ceil(winogradTiles(outWidth, dilationWidth) / 4) * 4
}

/**
 * Floats of scratch one thread needs for `rows` tile rows: two areas of 36 vectors for the transforms'
 * passes, then V (36 planes of rows x Tpad x Ci) and M or Z (36 of rows x Tpad x Co), each plane a
 * cache line (16 floats) longer (see the .wat).
 */
export function winogradScratchFloats(outWidth: number, dilationWidth: number, inChannels: number, outChannels: number, rows = 1): number {
  return 2 * 36 * 4 + winogradPlanes * (rows * winogradRowTiles(outWidth, dilationWidth) * (inChannels + outChannels) + 32)
}
