import type { Vec3 } from './affine'
import { texelToIndex, type PlaneLayout } from './planes'

/**
 * Where a slice sits in its view. Plane coordinates are millimetres on screen: u from the slice's left
 * edge to the right, w from its bottom edge up; the slice covers [0, width] x [0, height], each texel
 * a voxel of its physical size (voxel sizes differ per axis, so the aspect is the physical one).
 * Screen coordinates are CSS pixels from the view's top-left corner, y down.
 */

export interface ViewSize {
  width: number
  height: number
}

/** The slice's size in mm. */
export interface PlaneExtent {
  width: number
  height: number
  /** mm per texel across and up. */
  texelWidth: number
  texelHeight: number
}

/** The plane point at the view's centre and the zoom. */
export interface View2D {
  centerU: number
  centerW: number
  pxPerMm: number
}

export const zoomLimits = { min: 0.05, max: 80 } as const

export function planeExtent(dims: readonly number[], spacing: readonly number[], layout: PlaneLayout): PlaneExtent {
  const texelWidth = spacing[layout.horizontal]!
  const texelHeight = spacing[layout.vertical]!
  return { width: dims[layout.horizontal]! * texelWidth, height: dims[layout.vertical]! * texelHeight, texelWidth, texelHeight }
}

/** The whole slice centred in the view, filling `margin` of its tighter side. */
export function fitView(extent: PlaneExtent, size: ViewSize, margin = 0.96): View2D {
  const scale = Math.min(size.width / extent.width, size.height / extent.height) * margin
  return { centerU: extent.width / 2, centerW: extent.height / 2, pxPerMm: Number.isFinite(scale) && scale > 0 ? scale : 1 }
}

export function screenToPlane(view: View2D, size: ViewSize, x: number, y: number): [number, number] {
  return [view.centerU + (x - size.width / 2) / view.pxPerMm, view.centerW - (y - size.height / 2) / view.pxPerMm]
}

export function planeToScreen(view: View2D, size: ViewSize, u: number, w: number): [number, number] {
  return [size.width / 2 + (u - view.centerU) * view.pxPerMm, size.height / 2 - (w - view.centerW) * view.pxPerMm]
}

/** The plane rectangle the view shows (an orthographic camera's left, right, top and bottom). */
export function visiblePlane(view: View2D, size: ViewSize): { left: number; right: number; top: number; bottom: number } {
  const halfWidth = size.width / 2 / view.pxPerMm
  const halfHeight = size.height / 2 / view.pxPerMm
  return { left: view.centerU - halfWidth, right: view.centerU + halfWidth, top: view.centerW + halfHeight, bottom: view.centerW - halfHeight }
}

/** Zooms by `factor` keeping the plane point under (x, y) where it is (ctrl+wheel around the pointer). */
export function zoomAt(view: View2D, size: ViewSize, factor: number, x: number, y: number): View2D {
  const pxPerMm = Math.min(zoomLimits.max, Math.max(zoomLimits.min, view.pxPerMm * factor))
  const [u, w] = screenToPlane(view, size, x, y)
  return { centerU: u - (x - size.width / 2) / pxPerMm, centerW: w + (y - size.height / 2) / pxPerMm, pxPerMm }
}

/** Moves the slice with the pointer by (dx, dy) CSS pixels. */
export function panBy(view: View2D, dx: number, dy: number): View2D {
  return { centerU: view.centerU - dx / view.pxPerMm, centerW: view.centerW + dy / view.pxPerMm, pxPerMm: view.pxPerMm }
}

/**
 * The continuous display index at plane point (u, w) on slice `slice`: texel centres sit at
 * (col + 0.5) texel widths, and the plane's flips turn columns and rows into display indices.
 */
export function planeToIndex(layout: PlaneLayout, dims: readonly number[], extent: PlaneExtent, u: number, w: number, slice: number): Vec3 {
  const out: Vec3 = [0, 0, 0]
  out[layout.horizontal] = texelToIndex(u / extent.texelWidth - 0.5, dims[layout.horizontal]!, layout.flipHorizontal)
  out[layout.vertical] = texelToIndex(w / extent.texelHeight - 0.5, dims[layout.vertical]!, layout.flipVertical)
  out[layout.slice] = slice
  return out
}

/** The plane point (mm) of a display index's in-plane components (the voxel's centre for an integer index). */
export function indexToPlane(layout: PlaneLayout, dims: readonly number[], extent: PlaneExtent, index: readonly number[]): [number, number] {
  const col = texelToIndex(index[layout.horizontal]!, dims[layout.horizontal]!, layout.flipHorizontal)
  const row = texelToIndex(index[layout.vertical]!, dims[layout.vertical]!, layout.flipVertical)
  return [(col + 0.5) * extent.texelWidth, (row + 0.5) * extent.texelHeight]
}

/** The continuous display index under screen point (x, y). */
export function screenToIndex(
  layout: PlaneLayout,
  dims: readonly number[],
  extent: PlaneExtent,
  view: View2D,
  size: ViewSize,
  x: number,
  y: number,
  slice: number,
): Vec3 {
  const [u, w] = screenToPlane(view, size, x, y)
  return planeToIndex(layout, dims, extent, u, w, slice)
}
