import type { PlaneLayout } from './planes'

/**
 * Copies one slice of the display grid into a texture-ready array: texel (col, row) at
 * out[row * width + col], columns from screen left to right and rows from screen bottom to top (a
 * WebGL texture's first row is its bottom), with the plane's flips applied. Only the visible slice is
 * read, into a buffer the caller reuses, so moving through slices allocates nothing.
 */
export function extractSlice<T extends Float32Array | Int32Array>(voxels: ArrayLike<number>, dims: readonly number[], layout: PlaneLayout, slice: number, out: T): T {
  const strides = [1, dims[0]!, dims[0]! * dims[1]!]
  const width = dims[layout.horizontal]!
  const height = dims[layout.vertical]!
  if (out.length < width * height) throw new Error(`The slice buffer holds ${out.length} texels; ${width * height} are needed.`)
  if (!(slice >= 0 && slice < dims[layout.slice]!)) {
    out.fill(0)
    return out
  }
  const strideH = strides[layout.horizontal]!
  const strideV = strides[layout.vertical]!
  const stepCol = layout.flipHorizontal ? -strideH : strideH
  const stepRow = layout.flipVertical ? -strideV : strideV
  const firstCol = layout.flipHorizontal ? (width - 1) * strideH : 0
  const firstRow = layout.flipVertical ? (height - 1) * strideV : 0
  let rowStart = slice * strides[layout.slice]! + firstCol + firstRow
  let texel = 0
  for (let row = 0; row < height; row++) {
    let offset = rowStart
    for (let col = 0; col < width; col++) {
      out[texel++] = voxels[offset]!
      offset += stepCol
    }
    rowStart += stepRow
  }
  return out
}
