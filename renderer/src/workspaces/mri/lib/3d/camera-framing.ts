import { Box3 } from 'three'
import { length, scale, sub, add, type Vec3 } from './vec3'

/** An axis-aligned box in world mm. */
export interface Bounds {
  min: Vec3
  max: Vec3
}

/** The box around packed x, y, z positions; null when there are none. */
export function boundsOfPositions(positions: ArrayLike<number>): Bounds | null {
  if (positions.length < 3) return null
  const box = new Box3().setFromArray(positions)
  return { min: box.min.toArray(), max: box.max.toArray() }
}

/** The box around all the given boxes; null when none is given. */
export function unionBounds(boxes: Iterable<Bounds | null>): Bounds | null {
  let result: Bounds | null = null
  for (const box of boxes) {
    if (!box) continue
    result = result
      ? {
          min: [Math.min(result.min[0], box.min[0]), Math.min(result.min[1], box.min[1]), Math.min(result.min[2], box.min[2])],
          max: [Math.max(result.max[0], box.max[0]), Math.max(result.max[1], box.max[1]), Math.max(result.max[2], box.max[2])],
        }
      : { min: [...box.min], max: [...box.max] }
  }
  return result
}

export function boundsCenter(box: Bounds): Vec3 {
  return scale(add(box.min, box.max), 0.5)
}

/** Radius of the sphere through the box's corners. */
export function boundsRadius(box: Bounds): number {
  return length(sub(box.max, box.min)) / 2
}

export interface Framing {
  target: Vec3
  /** From the target to the camera. */
  distance: number
  near: number
  far: number
}

/**
 * Where a perspective camera must stand to see the whole box: the box's bounding sphere (radius r) fits a
 * view cone of half-angle a when the distance is r / sin(a); a is the smaller of the vertical half-angle
 * and the horizontal one, atan(tan(vfov / 2) * aspect), so narrow viewports fit too. `margin` leaves room
 * around the object (1 = touching the edges).
 */
export function frameBounds(box: Bounds, verticalFovDeg: number, aspect: number, margin = 1.1): Framing {
  const radius = Math.max(boundsRadius(box), 1) // a point still gets a 1 mm sphere
  const halfVertical = (verticalFovDeg * Math.PI) / 360
  const halfHorizontal = Math.atan(Math.tan(halfVertical) * Math.max(aspect, 1e-3))
  const distance = (margin * radius) / Math.sin(Math.min(halfVertical, halfHorizontal))
  return {
    target: boundsCenter(box),
    distance,
    near: Math.max(distance - radius * 2, distance / 100),
    far: distance + radius * 4,
  }
}
