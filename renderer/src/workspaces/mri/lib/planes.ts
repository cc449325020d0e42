/**
 * The three slice planes and how each lies on screen, in both display conventions.
 *
 * The display grid is RAS+ (x to the subject's Right, y Anterior, z Superior). On screen:
 *  - axial (a z slice): anterior up; neurological shows the patient's left on screen left (seen from
 *    above), radiological the patient's right on screen left (seen from the feet, as in a clinic);
 *  - coronal (a y slice): superior up, left/right as for axial (seen from the front or the back);
 *  - sagittal (an x slice): superior up, anterior on screen left as ITK-SNAP and 3D Slicer show it; the
 *    convention does not change it (it only swaps left and right).
 */

export type Plane = 'axial' | 'coronal' | 'sagittal'
export type Convention = 'radiological' | 'neurological'
export type Axis = 0 | 1 | 2

export const planes: readonly Plane[] = ['axial', 'coronal', 'sagittal']

export const planeTitles: Record<Plane, string> = { axial: 'Axial', coronal: 'Coronal', sagittal: 'Sagittal' }

/** Which display axis runs across the screen, up it and through it, and which way along each. */
export interface PlaneLayout {
  plane: Plane
  /** Left to right on screen. */
  horizontal: Axis
  /** Bottom to top on screen. */
  vertical: Axis
  /** The axis the slice index moves along. */
  slice: Axis
  /** The display index along `horizontal` decreases from screen left to right. */
  flipHorizontal: boolean
  /** The display index along `vertical` decreases from screen bottom to top. */
  flipVertical: boolean
}

export function planeLayout(plane: Plane, convention: Convention): PlaneLayout {
  const radiological = convention === 'radiological'
  switch (plane) {
    case 'axial':
      return { plane, horizontal: 0, vertical: 1, slice: 2, flipHorizontal: radiological, flipVertical: false }
    case 'coronal':
      return { plane, horizontal: 0, vertical: 2, slice: 1, flipHorizontal: radiological, flipVertical: false }
    case 'sagittal':
      return { plane, horizontal: 1, vertical: 2, slice: 0, flipHorizontal: true, flipVertical: false }
  }
}

/** The anatomical direction each display axis grows towards, and the opposite one. */
const axisLetters: Record<Axis, { plus: string; minus: string }> = {
  0: { plus: 'R', minus: 'L' },
  1: { plus: 'A', minus: 'P' },
  2: { plus: 'S', minus: 'I' },
}

export interface EdgeLetters {
  left: string
  right: string
  top: string
  bottom: string
}

/** The letter at each edge of a view: the direction the subject extends towards past that edge. */
export function orientationLetters(plane: Plane, convention: Convention): EdgeLetters {
  const layout = planeLayout(plane, convention)
  const across = axisLetters[layout.horizontal]
  const up = axisLetters[layout.vertical]
  return {
    left: layout.flipHorizontal ? across.plus : across.minus,
    right: layout.flipHorizontal ? across.minus : across.plus,
    top: layout.flipVertical ? up.minus : up.plus,
    bottom: layout.flipVertical ? up.plus : up.minus,
  }
}

/** The texels of a slice: display dims along the screen's horizontal and vertical axes. */
export function sliceShape(dims: readonly number[], layout: PlaneLayout): { width: number; height: number } {
  return { width: dims[layout.horizontal]!, height: dims[layout.vertical]! }
}

/** Display index along `horizontal` of texel column `col` (and the same for rows): the flip, undone. */
export function texelToIndex(texel: number, count: number, flipped: boolean): number {
  return flipped ? count - 1 - texel : texel
}
