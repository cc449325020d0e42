import { BufferAttribute, BufferGeometry, Color, DoubleSide, Group, Mesh, MeshPhongMaterial, SRGBColorSpace, type Object3D, type Plane } from 'three'
import { boundsCenter, boundsOfPositions, unionBounds, type Bounds } from '../../lib/3d/camera-framing'
import type { Rgb } from '../../lib/3d/label-color'
import { parseMeshBinary } from '../../lib/3d/mesh-binary'
import { isVisible, type LabelVisibility } from '../../lib/3d/structure-rows'

/** One label's surface as the page hands it over: the binary of `mri.meshes` (see main/api/mri.ts). */
export interface SurfaceMeshInput {
  label: number
  color: Rgb
  buffer: ArrayBuffer
}

export interface SurfaceStyle {
  visibility?: LabelVisibility
  /** Per label, 0..1; a missing label is opaque. */
  opacity?: Readonly<Record<number, number>>
  /** Multiplies every label's opacity. */
  globalOpacity?: number
}

interface Entry {
  buffer: ArrayBuffer
  mesh: Mesh<BufferGeometry, MeshPhongMaterial>
  bounds: Bounds | null
}

/**
 * The label surfaces in a three.js group: one mesh per label, built from its binary, rebuilt only when
 * the binary changes, disposed when the label goes. Each geometry is moved so the mesh's position is its
 * centre: three.js sorts transparent objects back to front by position, which then means something.
 */
export class LabelSurfaces {
  readonly group = new Group()
  private readonly entries = new Map<number, Entry>()

  /** Brings the meshes in line with the list; answers the labels whose binary could not be read. */
  update(inputs: readonly SurfaceMeshInput[], clipPlanes: Plane[]): { changed: boolean; errors: string[] } {
    const errors: string[] = []
    let changed = false
    const wanted = new Set(inputs.map((input) => input.label))
    for (const [label, entry] of this.entries) {
      if (wanted.has(label)) continue
      this.remove(label, entry)
      changed = true
    }
    for (const input of inputs) {
      const entry = this.entries.get(input.label)
      if (entry && entry.buffer === input.buffer) {
        entry.mesh.material.color.setRGB(input.color[0] / 255, input.color[1] / 255, input.color[2] / 255, SRGBColorSpace)
        continue
      }
      if (entry) this.remove(input.label, entry)
      try {
        this.add(input, clipPlanes)
      } catch (error) {
        errors.push(`Label ${input.label}: ${error instanceof Error ? error.message : String(error)}`)
      }
      changed = true
    }
    return { changed, errors }
  }

  private add(input: SurfaceMeshInput, clipPlanes: Plane[]): void {
    const arrays = parseMeshBinary(input.buffer)
    const bounds = boundsOfPositions(arrays.positions)
    const center = bounds ? boundsCenter(bounds) : [0, 0, 0]
    // A copy: the page's buffer stays as it was (it may be exported or reused).
    const positions = new Float32Array(arrays.positions)
    for (let i = 0; i < positions.length; i += 3) {
      positions[i] = positions[i]! - center[0]!
      positions[i + 1] = positions[i + 1]! - center[1]!
      positions[i + 2] = positions[i + 2]! - center[2]!
    }
    const geometry = new BufferGeometry()
    geometry.setAttribute('position', new BufferAttribute(positions, 3))
    geometry.setAttribute('normal', new BufferAttribute(arrays.normals, 3))
    geometry.setIndex(new BufferAttribute(arrays.indices, 1))
    geometry.computeBoundingSphere()
    const material = new MeshPhongMaterial({
      color: new Color().setRGB(input.color[0] / 255, input.color[1] / 255, input.color[2] / 255, SRGBColorSpace),
      specular: 0x202020,
      shininess: 24,
      // Both faces: a clipped surface shows its inside instead of a hole.
      side: DoubleSide,
      clippingPlanes: clipPlanes,
    })
    const mesh = new Mesh(geometry, material)
    mesh.position.set(center[0]!, center[1]!, center[2]!)
    mesh.userData.label = input.label
    mesh.name = `label-${input.label}`
    this.group.add(mesh)
    this.entries.set(input.label, { buffer: input.buffer, mesh, bounds })
  }

  private remove(label: number, entry: Entry): void {
    this.group.remove(entry.mesh)
    entry.mesh.geometry.dispose()
    entry.mesh.material.dispose()
    this.entries.delete(label)
  }

  /** Visibility and opacity; a transparent surface stops writing depth so those behind it still show. */
  applyStyle(style: SurfaceStyle): void {
    const global = clamp01(style.globalOpacity ?? 1)
    for (const [label, { mesh }] of this.entries) {
      const opacity = clamp01(style.opacity?.[label] ?? 1) * global
      mesh.visible = isVisible(style.visibility, label) && opacity > 0
      const material = mesh.material
      const transparent = opacity < 1
      if (material.transparent !== transparent) material.needsUpdate = true
      material.transparent = transparent
      material.opacity = opacity
      material.depthWrite = !transparent
    }
  }

  /** Shows or hides clipping on every material (three.js recompiles when the plane count changes). */
  setClipPlanes(clipPlanes: Plane[]): void {
    for (const { mesh } of this.entries.values()) mesh.material.clippingPlanes = clipPlanes
  }

  /** The box around the surfaces, or only around the visible ones. */
  bounds(visibleOnly = false): Bounds | null {
    return unionBounds([...this.entries.values()].filter((entry) => !visibleOnly || entry.mesh.visible).map((entry) => entry.bounds))
  }

  /**
   * World positions of the visible surfaces' vertices that `keep` accepts (the clipping plane), at most
   * about `limit` of them: every n-th vertex of each mesh, which leaves out at most an edge's length at
   * the silhouette, well inside the margin a fit leaves.
   */
  visiblePoints(keep: (point: readonly number[]) => boolean, limit = 60_000): Float32Array {
    const meshes = [...this.entries.values()].filter((entry) => entry.mesh.visible).map((entry) => entry.mesh)
    const total = meshes.reduce((sum, mesh) => sum + mesh.geometry.getAttribute('position').count, 0)
    const step = Math.max(1, Math.ceil(total / limit))
    const out: number[] = []
    const point = [0, 0, 0]
    for (const mesh of meshes) {
      const positions = mesh.geometry.getAttribute('position').array
      const { x, y, z } = mesh.position
      for (let v = 0; v * 3 + 2 < positions.length; v += step) {
        point[0] = positions[v * 3]! + x
        point[1] = positions[v * 3 + 1]! + y
        point[2] = positions[v * 3 + 2]! + z
        if (keep(point)) out.push(point[0], point[1], point[2])
      }
    }
    return Float32Array.from(out)
  }

  get size(): number {
    return this.entries.size
  }

  /** The meshes a click can hit. */
  pickable(): Object3D[] {
    return [...this.entries.values()].filter((entry) => entry.mesh.visible).map((entry) => entry.mesh)
  }

  dispose(): void {
    for (const [label, entry] of [...this.entries]) this.remove(label, entry)
  }
}

function clamp01(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 1
}
