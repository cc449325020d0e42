import {
  Color,
  DirectionalLight,
  HemisphereLight,
  PerspectiveCamera,
  Plane,
  Raycaster,
  Scene,
  Vector2,
  Vector3,
  WebGLRenderer,
} from 'three'
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js'
import { frameBounds, type Bounds, type Framing } from '../../lib/3d/camera-framing'
import { clipPlaneEquation, defaultClipPlane, keepsPoint, type ClipPlaneModel } from '../../lib/3d/clip-plane'
import { fitPoints } from '../../lib/3d/fit-view'
import type { CameraBasis } from '../../lib/3d/orientation-letters'
import { presetCamera, type ViewPreset } from '../../lib/3d/view-presets'
import type { Vec3 } from '../../lib/3d/vec3'
import { LabelSurfaces, type SurfaceMeshInput, type SurfaceStyle } from './LabelSurfaces'
import { ClipOutline, CrosshairLines } from './SceneMarkers'

export interface SurfacePick {
  label: number
  /** Where the ray met the surface, world mm (RAS+). */
  point: Vec3
}

export interface SurfaceSceneOptions {
  /** The camera moved (orbit, zoom, preset): the view's letters and axes follow. */
  onCamera?: (basis: CameraBasis) => void
  /** A click (not a drag) landed on a visible, unclipped surface. */
  onPick?: (pick: SurfacePick) => void
}

/** Pixels the pointer may move between press and release for a click rather than an orbit. */
const clickSlop = 4
const fovDeg = 30
/** Room left around the surfaces by a fit: 1 / 1.1 of the pane, clear of the orientation letters at the edges. */
const fitMargin = 1.1

/**
 * The 3-D surface view's three.js side: renderer, scene, camera, orbit controls, lights, label meshes,
 * crosshair and clipping plane. It renders on demand (after a change, once per frame at most) and
 * `destroy()` releases every GPU resource, listener and observer, so closing the view or swapping the
 * meshes leaks nothing. World space is RAS+ millimetres, the meshes' own coordinates.
 */
export class SurfaceScene {
  private readonly renderer: WebGLRenderer
  private readonly scene = new Scene()
  private readonly camera = new PerspectiveCamera(fovDeg, 1, 1, 5000)
  private readonly controls: OrbitControls
  private readonly surfaces = new LabelSurfaces()
  private readonly crosshair = new CrosshairLines()
  private readonly clipOutline = new ClipOutline()
  private readonly clipPlane = new Plane()
  private readonly raycaster = new Raycaster()
  private readonly resizeObserver: ResizeObserver
  private readonly cleanups: (() => void)[] = []
  private clip: ClipPlaneModel = { ...defaultClipPlane }
  private crosshairPoint: Vec3 | null = null
  private style: SurfaceStyle = {}
  private frameRequest = 0
  /** Between the controls' start and end: a camera change then is the user's. */
  private userMoving = false
  /** The camera shows the surfaces as a fit placed it: new surfaces and a resized pane fit again, until the user moves the camera. */
  private fitted = true
  private destroyed = false

  /** Throws when WebGL is unavailable; the view shows the message. */
  constructor(
    private readonly container: HTMLElement,
    private readonly options: SurfaceSceneOptions = {},
  ) {
    this.renderer = new WebGLRenderer({ antialias: true, alpha: true })
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2))
    this.renderer.setClearColor(0x000000, 0) // the container's themed background shows through
    this.renderer.localClippingEnabled = true
    const canvas = this.renderer.domElement
    canvas.style.display = 'block'
    canvas.style.width = '100%'
    canvas.style.height = '100%'
    container.appendChild(canvas)

    // Sky and ground light give the shape; a key light riding on the camera lights whatever faces the viewer.
    this.scene.add(new HemisphereLight(0xffffff, 0x3a3f4a, 1.4))
    const key = new DirectionalLight(0xffffff, 2.2)
    key.position.set(0.4, 0.6, 1)
    key.target.position.set(0, 0, -1)
    this.camera.add(key, key.target)
    this.scene.add(this.camera, this.surfaces.group, this.crosshair.object, this.clipOutline.object)

    this.camera.up.set(0, 0, 1) // orbit around Superior, before the controls read it
    this.controls = new OrbitControls(this.camera, canvas)
    this.controls.screenSpacePanning = true
    this.controls.zoomToCursor = true
    this.controls.addEventListener('change', this.onControlsChange)
    this.controls.addEventListener('start', this.onControlsStart)
    this.controls.addEventListener('end', this.onControlsEnd)
    this.cleanups.push(() => {
      this.controls.removeEventListener('change', this.onControlsChange)
      this.controls.removeEventListener('start', this.onControlsStart)
      this.controls.removeEventListener('end', this.onControlsEnd)
    })

    this.listen<PointerEvent>(canvas, 'pointerdown', this.onPointerDown)
    this.listen<PointerEvent>(canvas, 'pointerup', this.onPointerUp)
    this.listen(canvas, 'webglcontextrestored', () => this.requestRender())

    this.resizeObserver = new ResizeObserver(() => this.resize())
    this.resizeObserver.observe(container)
    this.resize()
    this.showPreset('left')
  }

  private listen<E extends Event>(target: HTMLElement, type: string, handler: (event: E) => void): void {
    const listener = handler as EventListener
    target.addEventListener(type, listener)
    this.cleanups.push(() => target.removeEventListener(type, listener))
  }

  /** Replaces the surfaces (unchanged binaries are kept); while the view is fitted, fits them all again. */
  setMeshes(meshes: readonly SurfaceMeshInput[]): string[] {
    const { changed, errors } = this.surfaces.update(meshes, this.activeClipPlanes())
    if (changed) {
      this.surfaces.applyStyle(this.style)
      this.refreshMarkers()
      // Surfaces arrive in batches, largest first: each batch may reach further out.
      if (this.fitted && this.surfaces.size > 0) this.frame()
      this.requestRender()
    }
    if (this.surfaces.size === 0) this.fitted = true
    return errors
  }

  setStyle(style: SurfaceStyle): void {
    this.style = style
    this.surfaces.applyStyle(style)
    this.requestRender()
  }

  setCrosshair(point: Vec3 | null): void {
    this.crosshairPoint = point ? [...point] : null
    this.crosshair.update(this.crosshairPoint, this.surfaces.bounds())
    this.requestRender()
  }

  setClip(model: ClipPlaneModel): void {
    const wasEnabled = this.clip.enabled
    this.clip = { ...model }
    const { normal, constant } = clipPlaneEquation(model)
    this.clipPlane.normal.set(...normal)
    this.clipPlane.constant = constant
    if (wasEnabled !== model.enabled) this.surfaces.setClipPlanes(this.activeClipPlanes())
    this.clipOutline.update(this.clip, this.surfaces.bounds())
    this.requestRender()
  }

  private activeClipPlanes(): Plane[] {
    return this.clip.enabled ? [this.clipPlane] : []
  }

  private refreshMarkers(): void {
    const bounds = this.surfaces.bounds()
    this.crosshair.update(this.crosshairPoint, bounds)
    this.clipOutline.update(this.clip, bounds)
  }

  /** The box around all surfaces (for the clipping slider's range). */
  bounds(): Bounds | null {
    return this.surfaces.bounds()
  }

  /** Puts the camera on an anatomical side and fits the surfaces from there. */
  showPreset(preset: ViewPreset): void {
    const target: Vec3 = this.controls.target.toArray()
    const distance = this.surfaces.size > 0 ? Math.max(this.camera.position.distanceTo(this.controls.target), 1) : 400
    const pose = presetCamera(preset, target, distance)
    this.camera.position.set(...pose.position)
    this.controls.target.set(...pose.target)
    this.controls.update() // emits 'change'
    this.frame()
  }

  /**
   * Fits what is visible (shown labels, the side the clipping plane keeps) to the pane from where the
   * camera looks now (lib/3d/fit-view), and keeps it fitted until the user moves the camera.
   */
  frame(): void {
    const framing = this.fitFraming()
    this.fitted = true
    if (!framing) return
    const direction = this.camera.position.clone().sub(this.controls.target)
    if (direction.lengthSq() === 0) direction.set(-1, 0, 0)
    direction.normalize().multiplyScalar(framing.distance)
    this.controls.target.set(...framing.target)
    this.camera.position.copy(this.controls.target).add(direction)
    this.camera.near = framing.near
    this.camera.far = framing.far
    this.camera.updateProjectionMatrix()
    this.controls.update()
  }

  private fitFraming(): Framing | null {
    const basis = this.cameraBasis()
    const points = this.surfaces.visiblePoints((point) => keepsPoint(this.clip, point))
    const fit = fitPoints(points, basis, fovDeg, this.camera.aspect, fitMargin)
    if (fit) return fit
    // Everything hidden or clipped away: the box of all surfaces, so the camera still points at them.
    const box = this.surfaces.bounds()
    return box ? frameBounds(box, fovDeg, this.camera.aspect, fitMargin) : null
  }

  /** The camera's screen axes in world directions. */
  cameraBasis(): CameraBasis {
    this.camera.updateMatrixWorld()
    const m = this.camera.matrixWorld
    const right = new Vector3().setFromMatrixColumn(m, 0).normalize()
    const up = new Vector3().setFromMatrixColumn(m, 1).normalize()
    const forward = new Vector3().setFromMatrixColumn(m, 2).normalize().negate()
    return { right: right.toArray(), up: up.toArray(), forward: forward.toArray() }
  }

  /**
   * The view as a PNG data URL. Rendering and reading in the same task needs no preserveDrawingBuffer;
   * `background` (a CSS colour) replaces the transparent clear colour so the image reads on any page.
   */
  renderPngDataUrl(background?: string): string {
    return this.withFreshFrame(background, (canvas) => canvas.toDataURL('image/png'))
  }

  /** The view as a PNG blob (for saving a screenshot); the canvas is copied when toBlob is called. */
  renderPngBlob(background?: string): Promise<Blob> {
    return new Promise((resolve, reject) => {
      this.withFreshFrame(background, (canvas) =>
        canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The 3-D view could not be saved as PNG.'))), 'image/png'),
      )
    })
  }

  private withFreshFrame<T>(background: string | undefined, read: (canvas: HTMLCanvasElement) => T): T {
    const previous = this.renderer.getClearColor(new Color())
    const previousAlpha = this.renderer.getClearAlpha()
    if (background) this.renderer.setClearColor(new Color(background), 1)
    try {
      this.renderer.render(this.scene, this.camera)
      return read(this.renderer.domElement)
    } finally {
      this.renderer.setClearColor(previous, previousAlpha)
      this.requestRender()
    }
  }

  requestRender(): void {
    if (this.frameRequest || this.destroyed) return
    this.frameRequest = requestAnimationFrame(() => {
      this.frameRequest = 0
      if (!this.destroyed) this.renderer.render(this.scene, this.camera)
    })
  }

  private resize(): void {
    const width = Math.max(1, this.container.clientWidth)
    const height = Math.max(1, this.container.clientHeight)
    this.renderer.setSize(width, height, false)
    this.camera.aspect = width / height
    this.camera.updateProjectionMatrix()
    // A pane made larger (the enlarged 3-D view) or of another shape keeps the surfaces filling it.
    if (this.fitted && this.surfaces.size > 0) this.frame()
    this.requestRender()
  }

  private readonly onControlsChange = (): void => {
    // The user moved the camera (orbit, pan, zoom): it stays where they put it. A click alone moves nothing.
    if (this.userMoving) this.fitted = false
    this.options.onCamera?.(this.cameraBasis())
    this.requestRender()
  }

  private readonly onControlsStart = (): void => {
    this.userMoving = true
  }

  private readonly onControlsEnd = (): void => {
    this.userMoving = false
  }

  private pressedAt: { x: number; y: number } | null = null

  private readonly onPointerDown = (event: PointerEvent): void => {
    this.pressedAt = event.button === 0 ? { x: event.clientX, y: event.clientY } : null
  }

  private readonly onPointerUp = (event: PointerEvent): void => {
    const pressed = this.pressedAt
    this.pressedAt = null
    if (!pressed || event.button !== 0 || Math.hypot(event.clientX - pressed.x, event.clientY - pressed.y) > clickSlop) return
    const pick = this.pick(event.clientX, event.clientY)
    if (pick) this.options.onPick?.(pick)
  }

  /** The nearest visible surface under a client-space point, skipping the parts the plane clips away. */
  pick(clientX: number, clientY: number): SurfacePick | null {
    const rect = this.renderer.domElement.getBoundingClientRect()
    if (rect.width === 0 || rect.height === 0) return null
    const ndc = new Vector2(((clientX - rect.left) / rect.width) * 2 - 1, -((clientY - rect.top) / rect.height) * 2 + 1)
    this.raycaster.setFromCamera(ndc, this.camera)
    for (const hit of this.raycaster.intersectObjects(this.surfaces.pickable(), false)) {
      const point: Vec3 = hit.point.toArray()
      const label = hit.object.userData.label
      if (typeof label === 'number' && keepsPoint(this.clip, point)) return { label, point }
    }
    return null
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    if (this.frameRequest) cancelAnimationFrame(this.frameRequest)
    this.resizeObserver.disconnect()
    for (const cleanup of this.cleanups.splice(0)) cleanup()
    this.controls.dispose()
    this.surfaces.dispose()
    this.crosshair.dispose()
    this.clipOutline.dispose()
    this.scene.clear()
    this.renderer.dispose()
    this.renderer.forceContextLoss() // give the GL context back now, not at garbage collection
    this.renderer.domElement.remove()
  }
}
