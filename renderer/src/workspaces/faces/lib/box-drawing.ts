/**
 * A face box drawn with the pointer on a photo shown at some size on screen: the two corners of the drag
 * (client coordinates) to the photo's pixels, clamped to the photo and rounded to whole pixels, as
 * faces.importPhotos takes it. A drag smaller than MIN_BOX photo pixels a side is not a box (a click).
 */

export interface PhotoBox {
  x: number
  y: number
  width: number
  height: number
}

export const MIN_BOX = 8

/** The photo pixel under a client point, for a photo drawn in `rect` (its on-screen box), clamped inside. */
export function photoPoint(client: { x: number; y: number }, rect: { left: number; top: number; width: number; height: number }, photo: { width: number; height: number }): { x: number; y: number } {
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v))
  return { x: clamp(((client.x - rect.left) / rect.width) * photo.width, photo.width), y: clamp(((client.y - rect.top) / rect.height) * photo.height, photo.height) }
}

/** The box between two photo points (any two opposite corners), or null when too small. */
export function boxBetween(a: { x: number; y: number }, b: { x: number; y: number }, photo: { width: number; height: number }): PhotoBox | null {
  const x = Math.max(0, Math.floor(Math.min(a.x, b.x)))
  const y = Math.max(0, Math.floor(Math.min(a.y, b.y)))
  const width = Math.min(photo.width, Math.ceil(Math.max(a.x, b.x))) - x
  const height = Math.min(photo.height, Math.ceil(Math.max(a.y, b.y))) - y
  return width >= MIN_BOX && height >= MIN_BOX ? { x, y, width, height } : null
}
