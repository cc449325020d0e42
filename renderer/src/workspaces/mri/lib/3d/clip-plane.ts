import type { Bounds } from './camera-framing'
import type { Vec3 } from './vec3'

/** The world axis a clipping plane is perpendicular to, named by its positive direction in RAS+. */
export type ClipAxis = 'R' | 'A' | 'S'

/**
 * One clipping plane perpendicular to a world axis at `offset` mm along it. Unflipped, it hides what lies
 * on the axis' positive side (axis R at 0 hides the right hemisphere); `flip` hides the other side.
 */
export interface ClipPlaneModel {
  enabled: boolean
  axis: ClipAxis
  offset: number
  flip: boolean
}

export const defaultClipPlane: ClipPlaneModel = { enabled: false, axis: 'R', offset: 0, flip: false }

export const clipAxisIndex: Record<ClipAxis, 0 | 1 | 2> = { R: 0, A: 1, S: 2 }

const sideNames: Record<ClipAxis, [string, string]> = {
  R: ['right', 'left'],
  A: ['anterior', 'posterior'],
  S: ['superior', 'inferior'],
}

/**
 * The plane in three.js's form (THREE.Plane: normal · p + constant = 0): three.js clips fragments on the
 * negative side, so the normal points into the kept half-space.
 */
export function clipPlaneEquation(model: ClipPlaneModel): { normal: Vec3; constant: number } {
  const normal: Vec3 = [0, 0, 0]
  const sign = model.flip ? 1 : -1
  normal[clipAxisIndex[model.axis]] = sign
  return { normal, constant: -sign * model.offset }
}

/** Whether a point stays visible (always, when the plane is off). Points on the plane stay. */
export function keepsPoint(model: ClipPlaneModel, point: readonly number[]): boolean {
  if (!model.enabled) return true
  const { normal, constant } = clipPlaneEquation(model)
  return normal[0] * point[0]! + normal[1] * point[1]! + normal[2] * point[2]! + constant >= 0
}

/** The offsets the slider offers for an axis: the extent of the surfaces along it. */
export function clipRange(bounds: Bounds | null, axis: ClipAxis): { min: number; max: number } {
  if (!bounds) return { min: -100, max: 100 }
  const index = clipAxisIndex[axis]
  return { min: Math.floor(bounds.min[index]), max: Math.ceil(bounds.max[index]) }
}

/** A sentence for the control's label: "Hides the right of x = 12.0 mm". */
export function describeClip(model: ClipPlaneModel): string {
  if (!model.enabled) return 'No clipping'
  const coordinate = ['x', 'y', 'z'][clipAxisIndex[model.axis]]
  const [positive, negative] = sideNames[model.axis]
  return `Hides the ${model.flip ? negative : positive} side of ${coordinate} = ${model.offset.toFixed(1)} mm`
}
