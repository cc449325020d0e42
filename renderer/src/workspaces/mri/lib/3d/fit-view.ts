import type { Framing } from './camera-framing'
import type { CameraBasis } from './orientation-letters'
import { add, scale, type Vec3 } from './vec3'

/**
 * "Fit" for the 3-D view: where a perspective camera looking along `basis.forward` must stand so that
 * the given points (the visible, unclipped surface vertices) fill the view. Fitting a bounding sphere
 * instead wastes most of a wide pane: a brain seen from the side is 1.2 times as long as it is tall, its
 * sphere round, and the pane about twice as wide as tall.
 *
 * In the camera's axes, with (x, y, z) a point relative to the target (z along forward), a camera at
 * distance d sees it at x / (d + z); it lies inside the view, `margin` from its edge, when
 * d >= margin |x| / tan(hfov / 2) - z, and likewise for y with the vertical half-angle. The distance
 * is the largest of these over the points. Perspective makes the nearer side look larger, so the target
 * is also moved sideways until the projection is centred (a few rounds: the shift and d depend on each
 * other). The target's depth is the middle of the points' depth, so orbiting turns them about their centre.
 */
export function fitPoints(points: ArrayLike<number>, basis: CameraBasis, verticalFovDeg: number, aspect: number, margin = 1.1): Framing | null {
  const count = Math.floor(points.length / 3)
  if (count === 0) return null
  const xs = new Float64Array(count)
  const ys = new Float64Array(count)
  const zs = new Float64Array(count)
  const lo = [Infinity, Infinity, Infinity]
  const hi = [-Infinity, -Infinity, -Infinity]
  const axes = [basis.right, basis.up, basis.forward]
  const columns = [xs, ys, zs]
  for (let i = 0; i < count; i++) {
    const px = points[i * 3]!
    const py = points[i * 3 + 1]!
    const pz = points[i * 3 + 2]!
    for (let a = 0; a < 3; a++) {
      const axis = axes[a]!
      const value = px * axis[0] + py * axis[1] + pz * axis[2]
      columns[a]![i] = value
      if (value < lo[a]!) lo[a] = value
      if (value > hi[a]!) hi[a] = value
    }
  }
  const halfV = (verticalFovDeg * Math.PI) / 360
  const tanY = Math.tan(halfV) / margin
  const tanX = (Math.tan(halfV) * Math.max(aspect, 1e-3)) / margin
  const centre = [(lo[0]! + hi[0]!) / 2, (lo[1]! + hi[1]!) / 2, (lo[2]! + hi[2]!) / 2]
  // At least 1 mm, so a single point still gets a camera in front of it and a depth range.
  const extent = Math.max(hi[0]! - lo[0]!, hi[1]! - lo[1]!, hi[2]! - lo[2]!, 1)

  const distanceFor = (cx: number, cy: number): number => {
    let d = (centre[2]! - lo[2]!) + extent * 1e-3 // every point in front of the camera
    for (let i = 0; i < count; i++) {
      const z = zs[i]! - centre[2]!
      d = Math.max(d, Math.abs(xs[i]! - cx) / tanX - z, Math.abs(ys[i]! - cy) / tanY - z)
    }
    return d
  }

  let [cx, cy] = [centre[0]!, centre[1]!]
  let distance = distanceFor(cx, cy)
  for (let round = 0; round < 4; round++) {
    let [uLo, uHi, vLo, vHi] = [Infinity, -Infinity, Infinity, -Infinity]
    for (let i = 0; i < count; i++) {
      const depth = distance + zs[i]! - centre[2]!
      const u = (xs[i]! - cx) / depth
      const v = (ys[i]! - cy) / depth
      if (u < uLo) uLo = u
      if (u > uHi) uHi = u
      if (v < vLo) vLo = v
      if (v > vHi) vHi = v
    }
    // A shift s sideways moves a point at depth D by s / D on screen; the target's own depth stands in for D.
    cx += ((uLo + uHi) / 2) * distance
    cy += ((vLo + vHi) / 2) * distance
    distance = distanceFor(cx, cy)
  }

  const target = add(add(scale(basis.right, cx), scale(basis.up, cy)), scale(basis.forward, centre[2]!))
  const radius = Math.hypot(extent, extent, extent) / 2
  return { target: target as Vec3, distance, near: Math.max(distance - radius * 2, distance / 100), far: distance + radius * 4 }
}
