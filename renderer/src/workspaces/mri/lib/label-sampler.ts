import { invertAffine, multiplyAffine, type Mat4 } from './affine'
import type { Dims } from './grid'
import type { LabelPalette } from './label-palette'
import type { PlaneLayout } from './planes'

/** A grid's shape and placement: enough to carry an index from one grid to another through world mm. */
export interface GridPlacement {
  dims: Dims
  affine: Mat4
}

/** Whether two grids are the same voxels in the same place (within 1e-4 mm per index step). */
export function sameGrid(a: GridPlacement, b: GridPlacement, tolerance = 1e-4): boolean {
  if (a.dims.some((n, axis) => n !== b.dims[axis])) return false
  for (let i = 0; i < 12; i++) if (Math.abs(a.affine[i]! - b.affine[i]!) > tolerance) return false
  return true
}

/**
 * Reads a label map at the voxels of the reference (image) grid: reference index -> world mm -> the
 * label grid's index, rounded to the nearest label voxel (labels are never interpolated). On the same
 * grid, which is the usual case (a segmentation of the image), the mapping is the identity.
 */
export class LabelSampler {
  /** Reference display index to label display index (row-major 3x4 of labelAffine^-1 * referenceAffine). */
  readonly toLabel: readonly number[]
  readonly sameGrid: boolean
  private readonly nx: number
  private readonly ny: number
  private readonly nz: number

  constructor(
    reference: GridPlacement,
    labels: GridPlacement,
    private readonly voxels: Int32Array,
  ) {
    ;[this.nx, this.ny, this.nz] = labels.dims
    this.sameGrid = sameGrid(reference, labels)
    this.toLabel = this.sameGrid ? [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0] : multiplyAffine(invertAffine(labels.affine), reference.affine).slice(0, 12)
  }

  /** The label at a reference index (rounded to the nearest label voxel); 0 outside the label grid. */
  labelAt(index: readonly number[]): number {
    const m = this.toLabel
    const [x, y, z] = [index[0]!, index[1]!, index[2]!]
    return this.read(m[0]! * x + m[1]! * y + m[2]! * z + m[3]!, m[4]! * x + m[5]! * y + m[6]! * z + m[7]!, m[8]! * x + m[9]! * y + m[10]! * z + m[11]!)
  }

  private read(fx: number, fy: number, fz: number): number {
    const { nx, ny, nz } = this
    const x = Math.round(fx)
    const y = Math.round(fy)
    const z = Math.round(fz)
    if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz) return 0
    return this.voxels[x + nx * (y + ny * z)]!
  }

  /**
   * Colours one slice of the reference grid into `out` (RGBA bytes, or one packed Uint32 per texel as
   * packRgba makes them; the texel order of extractSlice: columns
   * left to right, rows bottom to top). The label index moves by a fixed step per column and per row,
   * so each texel costs a few additions and a table lookup.
   */
  fillSlice<T extends Uint8Array | Uint32Array>(referenceDims: Dims, layout: PlaneLayout, slice: number, palette: LabelPalette, out: T): T {
    const width = referenceDims[layout.horizontal]
    const height = referenceDims[layout.vertical]
    const capacity = out instanceof Uint32Array ? out.length : out.length / 4
    if (capacity < width * height) throw new Error(`The overlay buffer holds ${capacity} texels; ${width * height} are needed.`)
    if (this.sameGrid) return this.fillSameGrid(referenceDims, layout, slice, palette, out)
    const m = this.toLabel
    const column = (axis: number): [number, number, number] => [m[axis]!, m[4 + axis]!, m[8 + axis]!]
    const across = column(layout.horizontal).map((v) => (layout.flipHorizontal ? -v : v))
    const up = column(layout.vertical).map((v) => (layout.flipVertical ? -v : v))
    // The reference index of texel (0, 0).
    const origin = [0, 0, 0]
    origin[layout.horizontal] = layout.flipHorizontal ? width - 1 : 0
    origin[layout.vertical] = layout.flipVertical ? height - 1 : 0
    origin[layout.slice] = slice
    const start = [0, 1, 2].map((r) => m[r * 4]! * origin[0]! + m[r * 4 + 1]! * origin[1]! + m[r * 4 + 2]! * origin[2]! + m[r * 4 + 3]!)
    // One packed Uint32 per texel (an RGBA byte buffer must start 4-byte aligned); labels come in runs,
    // so the last colour is kept.
    const texels = out instanceof Uint32Array ? out : new Uint32Array(out.buffer, out.byteOffset, width * height)
    let lastLabel = 0
    let lastColour = 0
    let texel = 0
    for (let row = 0; row < height; row++) {
      let fx = start[0]! + row * up[0]!
      let fy = start[1]! + row * up[1]!
      let fz = start[2]! + row * up[2]!
      for (let col = 0; col < width; col++) {
        const label = this.read(fx, fy, fz)
        if (label !== lastLabel) {
          lastLabel = label
          lastColour = palette.packed(label)
        }
        texels[texel++] = lastColour
        fx += across[0]!
        fy += across[1]!
        fz += across[2]!
      }
    }
    return out
  }

  /** fillSlice on the reference grid itself: integer strides through the label voxels, as extractSlice does. */
  private fillSameGrid<T extends Uint8Array | Uint32Array>(dims: Dims, layout: PlaneLayout, slice: number, palette: LabelPalette, out: T): T {
    const width = dims[layout.horizontal]
    const height = dims[layout.vertical]
    const texels = out instanceof Uint32Array ? out : new Uint32Array(out.buffer, out.byteOffset, width * height)
    if (!(slice >= 0 && slice < dims[layout.slice])) {
      texels.fill(0, 0, width * height)
      return out
    }
    const strides = [1, dims[0], dims[0] * dims[1]]
    const strideH = strides[layout.horizontal]!
    const strideV = strides[layout.vertical]!
    const stepCol = layout.flipHorizontal ? -strideH : strideH
    const stepRow = layout.flipVertical ? -strideV : strideV
    let rowStart = slice * strides[layout.slice]! + (layout.flipHorizontal ? (width - 1) * strideH : 0) + (layout.flipVertical ? (height - 1) * strideV : 0)
    const voxels = this.voxels
    let lastLabel = 0
    let lastColour = 0
    let texel = 0
    for (let row = 0; row < height; row++) {
      let offset = rowStart
      for (let col = 0; col < width; col++) {
        const label = voxels[offset]!
        if (label !== lastLabel) {
          lastLabel = label
          lastColour = palette.packed(label)
        }
        texels[texel++] = lastColour
        offset += stepCol
      }
      rowStart += stepRow
    }
    return out
  }
}
