import {
  BufferAttribute,
  BufferGeometry,
  DataTexture,
  FloatType,
  LineBasicMaterial,
  LineSegments,
  Mesh,
  NearestFilter,
  OrthographicCamera,
  PlaneGeometry,
  RGBAFormat,
  RedFormat,
  Scene,
  ShaderMaterial,
  UnsignedByteType,
  WebGLRenderer,
} from 'three'
import type { Vec3 } from '../lib/affine'
import type { Dims } from '../lib/grid'
import type { LabelPalette } from '../lib/label-palette'
import type { LabelSampler } from '../lib/label-sampler'
import { planeLayout, sliceShape, type Convention, type Plane, type PlaneLayout } from '../lib/planes'
import { extractSlice } from '../lib/slice'
import {
  fitView,
  indexToPlane,
  panBy,
  planeExtent,
  screenToIndex,
  visiblePlane,
  zoomAt,
  type PlaneExtent,
  type View2D,
  type ViewSize,
} from '../lib/viewport'
import type { IntensityWindow } from '../lib/window-level'
import { SliceInput, type SliceInputCallbacks } from './SliceInput'

export type SliceViewCallbacks = SliceInputCallbacks

/** The volume a view shows: the reference grid and its data. */
export interface SliceSource {
  dims: Dims
  /** mm per display voxel along x, y, z. */
  spacing: Vec3
  image: Float32Array | null
}

export interface SliceOverlay {
  sampler: LabelSampler
  palette: LabelPalette
}

const crosshairColour = 0x4fc3f7

const vertexShader = /* glsl */ `
varying vec2 vUv;
void main() {
  vUv = uv;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}
`

// Window/level on the GPU (DICOM's linear VOI function), then the label colour blended over it with the
// global opacity. Intensities stay float32 in the texture so a window drag only changes two uniforms.
const fragmentShader = /* glsl */ `
uniform sampler2D uImage;
uniform sampler2D uLabels;
uniform float uLow;
uniform float uHigh;
uniform float uOpacity;
uniform float uHasImage;
varying vec2 vUv;
void main() {
  float value = texture2D(uImage, vUv).r;
  float grey = uHasImage * clamp((value - uLow) / max(uHigh - uLow, 1e-30), 0.0, 1.0);
  vec4 label = texture2D(uLabels, vUv);
  gl_FragColor = vec4(mix(vec3(grey), label.rgb, label.a * uOpacity), 1.0);
}
`

function nearest<T extends DataTexture>(texture: T): T {
  texture.minFilter = NearestFilter
  texture.magFilter = NearestFilter
  texture.generateMipmaps = false
  texture.needsUpdate = true
  return texture
}

/**
 * One slice view drawn with three.js: an orthographic camera over the slice plane in mm (so voxels keep
 * their physical aspect), the slice as a float32 texture windowed in a shader, the label overlay as an
 * RGBA texture with nearest sampling, and the crosshair lines. Only the visible slice is copied, into
 * buffers kept between slices; it draws on demand, once per animation frame at most.
 *
 * It owns its canvas, WebGL renderer, textures, geometries, materials, its resize observer and its
 * input (SliceInput: pointer, wheel and keys); `destroy()` releases them all, the WebGL context
 * included, like a wavesurfer plugin's destroy.
 *
 * Why float32 textures: windowing in the shader makes a window/level drag two uniform updates, with no
 * slice copied or re-quantised; nearest sampling shows the voxels as stored (no interpolation, as in
 * ITK-SNAP's default), and needs no float-linear filtering extension.
 */
export class SliceView {
  readonly canvas: HTMLCanvasElement
  private readonly renderer: WebGLRenderer
  private readonly scene = new Scene()
  private readonly camera = new OrthographicCamera(-1, 1, 1, -1, -10, 10)
  private readonly material: ShaderMaterial
  private readonly plane: Mesh<PlaneGeometry, ShaderMaterial>
  private readonly lines: LineSegments<BufferGeometry, LineBasicMaterial>
  private readonly linePositions = new Float32Array(12)
  private readonly blankImage = nearest(new DataTexture(new Float32Array(1), 1, 1, RedFormat, FloatType))
  private readonly blankLabels = nearest(new DataTexture(new Uint8Array(4), 1, 1, RGBAFormat, UnsignedByteType))
  private imageTexture: DataTexture | null = null
  private labelTexture: DataTexture | null = null
  /** The label texture's bytes seen as one packed RGBA Uint32 per texel. */
  private labelTexels: Uint32Array | null = null
  private readonly input: SliceInput
  private readonly resizeObserver: ResizeObserver

  private layout: PlaneLayout
  private source: SliceSource | null = null
  private overlay: SliceOverlay | null = null
  private extent: PlaneExtent | null = null
  private crosshair: Vec3 = [0, 0, 0]
  private size: ViewSize = { width: 0, height: 0 }
  private view: View2D | null = null
  /** Whether the view follows the size (until the user zooms or pans). */
  private fitted = true
  private shownSlice = -1
  private frame = 0
  private destroyed = false

  constructor(
    container: HTMLElement,
    readonly planeName: Plane,
    convention: Convention,
    callbacks: SliceViewCallbacks,
  ) {
    this.layout = planeLayout(planeName, convention)
    this.canvas = document.createElement('canvas')
    this.canvas.className = 'slice-canvas'
    this.canvas.tabIndex = 0
    this.canvas.setAttribute('role', 'img')
    this.canvas.setAttribute('aria-label', `${planeName} slice`)
    container.appendChild(this.canvas)
    try {
      this.renderer = new WebGLRenderer({ canvas: this.canvas, antialias: false, alpha: false })
    } catch (error) {
      this.canvas.remove()
      throw error
    }
    this.renderer.setPixelRatio(globalThis.devicePixelRatio || 1)
    this.renderer.setClearColor(0x000000, 1)
    this.camera.position.set(0, 0, 5)

    this.material = new ShaderMaterial({
      uniforms: {
        uImage: { value: this.blankImage },
        uLabels: { value: this.blankLabels },
        uLow: { value: 0 },
        uHigh: { value: 1 },
        uOpacity: { value: 0.5 },
        uHasImage: { value: 0 },
      },
      vertexShader,
      fragmentShader,
      depthTest: false,
    })
    this.plane = new Mesh(new PlaneGeometry(1, 1), this.material)
    this.plane.visible = false
    this.scene.add(this.plane)

    const lineGeometry = new BufferGeometry()
    lineGeometry.setAttribute('position', new BufferAttribute(this.linePositions, 3))
    this.lines = new LineSegments(lineGeometry, new LineBasicMaterial({ color: crosshairColour, depthTest: false, transparent: true, opacity: 0.85 }))
    this.lines.renderOrder = 1
    this.lines.frustumCulled = false
    this.lines.visible = false
    this.scene.add(this.lines)

    this.resizeObserver = new ResizeObserver(() => this.measure())
    this.resizeObserver.observe(container)
    this.input = new SliceInput(
      this.canvas,
      {
        hasSource: () => this.source !== null,
        indexAt: (x, y) => this.indexAt(x, y),
        zoomAt: (factor, x, y) => this.moveCamera(this.view && zoomAt(this.view, this.size, factor, x, y)),
        panBy: (dx, dy) => this.moveCamera(this.view && panBy(this.view, dx, dy)),
        fit: () => this.fit(),
      },
      callbacks,
    )
    this.measure()
  }

  // --- what to show ------------------------------------------------------------------------------

  setSource(source: SliceSource | null): void {
    this.source = source
    this.imageTexture?.dispose()
    this.labelTexture?.dispose()
    this.imageTexture = null
    this.labelTexture = null
    this.labelTexels = null
    this.extent = null
    if (source) {
      const { width, height } = sliceShape(source.dims, this.layout)
      this.imageTexture = nearest(new DataTexture(new Float32Array(width * height), width, height, RedFormat, FloatType))
      const labelBytes = new Uint8Array(width * height * 4)
      this.labelTexels = new Uint32Array(labelBytes.buffer)
      this.labelTexture = nearest(new DataTexture(labelBytes, width, height, RGBAFormat, UnsignedByteType))
      this.placePlane()
    }
    this.material.uniforms.uImage!.value = source?.image ? this.imageTexture : this.blankImage
    this.material.uniforms.uHasImage!.value = source?.image ? 1 : 0
    this.plane.visible = source !== null
    this.lines.visible = source !== null
    this.fitted = true
    this.refit()
    this.fillSlice()
  }

  setOverlay(overlay: SliceOverlay | null): void {
    this.overlay = overlay
    this.fillLabels()
    this.requestRender()
  }

  setConvention(convention: Convention): void {
    const next = planeLayout(this.planeName, convention)
    if (next.flipHorizontal === this.layout.flipHorizontal && next.flipVertical === this.layout.flipVertical) return
    this.layout = next
    this.fillSlice()
  }

  setCrosshair(index: Vec3): void {
    const sliceChanged = index[this.layout.slice] !== this.crosshair[this.layout.slice]
    this.crosshair = [index[0], index[1], index[2]]
    if (sliceChanged) this.fillSlice()
    else this.requestRender()
  }

  setWindow(window: IntensityWindow): void {
    this.material.uniforms.uLow!.value = window.low
    this.material.uniforms.uHigh!.value = window.high
    this.requestRender()
  }

  setOpacity(opacity: number): void {
    this.material.uniforms.uOpacity!.value = opacity
    this.requestRender()
  }

  /** Fits the slice to the view again (after a zoom or pan). */
  fit(): void {
    this.fitted = true
    this.refit()
    this.requestRender()
  }

  // --- drawing -----------------------------------------------------------------------------------

  private placePlane(): void {
    const source = this.source
    if (!source) return
    this.extent = planeExtent(source.dims, source.spacing, this.layout)
    this.plane.scale.set(this.extent.width, this.extent.height, 1)
    this.plane.position.set(this.extent.width / 2, this.extent.height / 2, 0)
  }

  private fillSlice(): void {
    const source = this.source
    this.shownSlice = source ? this.crosshair[this.layout.slice] : -1
    if (source && source.image && this.imageTexture) {
      extractSlice(source.image, source.dims, this.layout, this.shownSlice, this.imageTexture.image.data as Float32Array)
      this.imageTexture.needsUpdate = true
    }
    this.fillLabels()
    this.requestRender()
  }

  private fillLabels(): void {
    const source = this.source
    const texture = this.labelTexture
    const texels = this.labelTexels
    if (!source || !texture || !texels) return
    if (this.overlay) {
      this.overlay.sampler.fillSlice(source.dims, this.layout, this.shownSlice, this.overlay.palette, texels)
      this.material.uniforms.uLabels!.value = texture
    } else {
      this.material.uniforms.uLabels!.value = this.blankLabels
    }
    texture.needsUpdate = true
  }

  private refit(): void {
    if (!this.extent || this.size.width <= 0 || this.size.height <= 0) return
    if (this.fitted || !this.view) this.view = fitView(this.extent, this.size)
  }

  private measure(): void {
    const parent = this.canvas.parentElement
    if (!parent) return
    const width = Math.max(1, Math.floor(parent.clientWidth))
    const height = Math.max(1, Math.floor(parent.clientHeight))
    if (width === this.size.width && height === this.size.height) return
    this.size = { width, height }
    this.renderer.setPixelRatio(globalThis.devicePixelRatio || 1)
    this.renderer.setSize(width, height, false)
    this.refit()
    this.renderNow()
  }

  private requestRender(): void {
    if (this.frame || this.destroyed) return
    this.frame = requestAnimationFrame(() => {
      this.frame = 0
      this.renderNow()
    })
  }

  /** Draws now; a caller may copy the canvas (drawImage, toBlob) in the same task. */
  renderNow(): void {
    if (this.destroyed) return
    const view = this.view
    if (view && this.extent) {
      const bounds = visiblePlane(view, this.size)
      this.camera.left = bounds.left
      this.camera.right = bounds.right
      this.camera.top = bounds.top
      this.camera.bottom = bounds.bottom
      this.camera.updateProjectionMatrix()
      this.placeLines(bounds)
    }
    this.renderer.render(this.scene, this.camera)
  }

  /** The crosshair through the crosshair voxel's centre, across the whole view. */
  private placeLines(bounds: { left: number; right: number; top: number; bottom: number }): void {
    const source = this.source
    if (!source || !this.extent) return
    const [u, w] = indexToPlane(this.layout, source.dims, this.extent, this.crosshair)
    const p = this.linePositions
    p.set([u, bounds.bottom, 0.5, u, bounds.top, 0.5, bounds.left, w, 0.5, bounds.right, w, 0.5])
    const attribute = this.lines.geometry.getAttribute('position') as BufferAttribute
    attribute.needsUpdate = true
  }

  // --- camera (for SliceInput) -----------------------------------------------------------------

  private indexAt(x: number, y: number): Vec3 | null {
    const source = this.source
    if (!source || !this.extent || !this.view) return null
    return screenToIndex(this.layout, source.dims, this.extent, this.view, this.size, x, y, this.shownSlice)
  }

  private moveCamera(next: View2D | null): void {
    if (!next) return
    this.view = next
    this.fitted = false
    this.requestRender()
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    if (this.frame) cancelAnimationFrame(this.frame)
    this.frame = 0
    this.input.destroy()
    this.resizeObserver.disconnect()
    this.imageTexture?.dispose()
    this.labelTexture?.dispose()
    this.blankImage.dispose()
    this.blankLabels.dispose()
    this.plane.geometry.dispose()
    this.material.dispose()
    this.lines.geometry.dispose()
    this.lines.material.dispose()
    this.scene.clear()
    this.renderer.dispose()
    // Browsers keep only a few WebGL contexts alive; give this one back now rather than at collection.
    this.renderer.forceContextLoss()
    this.canvas.remove()
    this.source = null
    this.overlay = null
  }
}
