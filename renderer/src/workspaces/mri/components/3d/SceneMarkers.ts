import { BufferAttribute, BufferGeometry, Color, LineBasicMaterial, LineLoop, LineSegments, SRGBColorSpace } from 'three'
import type { Bounds } from '../../lib/3d/camera-framing'
import { clipAxisIndex, type ClipPlaneModel } from '../../lib/3d/clip-plane'
import type { Vec3 } from '../../lib/3d/vec3'

/** The conventional axis colours (x red, y green, z blue), as ITK-SNAP and 3D Slicer draw their axes. */
export const axisColors = ['#e5484d', '#30a46c', '#3e63dd'] as const

/**
 * The crosshair in 3-D: three lines through the point, one per world axis, spanning the surfaces' box
 * (plus a margin), drawn over the surfaces so it is never hidden inside them.
 */
export class CrosshairLines {
  readonly object: LineSegments<BufferGeometry, LineBasicMaterial>
  private readonly positions = new Float32Array(18)

  constructor() {
    const geometry = new BufferGeometry()
    geometry.setAttribute('position', new BufferAttribute(this.positions, 3))
    const colors = new Float32Array(18)
    axisColors.forEach((hex, axis) => {
      const color = new Color().setStyle(hex, SRGBColorSpace)
      for (const end of [0, 1]) colors.set([color.r, color.g, color.b], (axis * 2 + end) * 3)
    })
    geometry.setAttribute('color', new BufferAttribute(colors, 3))
    const material = new LineBasicMaterial({ vertexColors: true, depthTest: false, transparent: true, opacity: 0.9 })
    this.object = new LineSegments(geometry, material)
    this.object.renderOrder = 10
    this.object.frustumCulled = false
    this.object.visible = false
  }

  update(point: Vec3 | null, bounds: Bounds | null): void {
    this.object.visible = point !== null && bounds !== null
    if (!point || !bounds) return
    for (let axis = 0; axis < 3; axis++) {
      const margin = (bounds.max[axis]! - bounds.min[axis]!) * 0.08 + 5
      const from: Vec3 = [...point]
      const to: Vec3 = [...point]
      from[axis] = Math.min(bounds.min[axis]!, point[axis]!) - margin
      to[axis] = Math.max(bounds.max[axis]!, point[axis]!) + margin
      this.positions.set([...from, ...to], axis * 6)
    }
    this.object.geometry.attributes.position!.needsUpdate = true
  }

  dispose(): void {
    this.object.geometry.dispose()
    this.object.material.dispose()
  }
}

/** The outline of the clipping plane across the surfaces' box, so one sees where the cut lies. */
export class ClipOutline {
  readonly object: LineLoop<BufferGeometry, LineBasicMaterial>
  private readonly positions = new Float32Array(12)

  constructor() {
    const geometry = new BufferGeometry()
    geometry.setAttribute('position', new BufferAttribute(this.positions, 3))
    this.object = new LineLoop(geometry, new LineBasicMaterial({ color: 0xf2a33a, transparent: true, opacity: 0.85, depthTest: false }))
    this.object.renderOrder = 9
    this.object.frustumCulled = false
    this.object.visible = false
  }

  update(model: ClipPlaneModel, bounds: Bounds | null): void {
    this.object.visible = model.enabled && bounds !== null
    if (!model.enabled || !bounds) return
    const axis = clipAxisIndex[model.axis]
    const [u, v] = [0, 1, 2].filter((other) => other !== axis) as [number, number]
    const corners: [number, number][] = [
      [bounds.min[u]!, bounds.min[v]!],
      [bounds.max[u]!, bounds.min[v]!],
      [bounds.max[u]!, bounds.max[v]!],
      [bounds.min[u]!, bounds.max[v]!],
    ]
    corners.forEach(([a, b], i) => {
      const corner: Vec3 = [0, 0, 0]
      corner[axis] = model.offset
      corner[u] = a
      corner[v] = b
      this.positions.set(corner, i * 3)
    })
    this.object.geometry.attributes.position!.needsUpdate = true
  }

  dispose(): void {
    this.object.geometry.dispose()
    this.object.material.dispose()
  }
}
