import type { Vec3 } from '../lib/affine'
import { dragModeFor, sliceStepForKey, wheelSlices, wheelZoomFactor, type DragMode } from '../lib/controls'

/** What the input needs of its view: whether it shows anything, and how to move its camera. */
export interface SliceInputTarget {
  hasSource(): boolean
  /** The continuous display index under a point (CSS px from the canvas's top-left). */
  indexAt(x: number, y: number): Vec3 | null
  zoomAt(factor: number, x: number, y: number): void
  panBy(dx: number, dy: number): void
  fit(): void
}

export interface SliceInputCallbacks {
  /** The crosshair was placed (click, left drag) at this continuous display index. */
  pick(index: Vec3): void
  /** The pointer is over this continuous display index; null when it left the view. */
  hover(index: Vec3 | null): void
  /** Move this many slices (wheel, keys). */
  step(slices: number): void
  /** A window/level drag moved by (dx, dy) CSS pixels. */
  windowDrag(dx: number, dy: number): void
}

/**
 * A slice view's mouse and keyboard (the scheme of lib/controls.ts): pointer drags with capture
 * (crosshair, window/level, pan), the wheel (slices; with Ctrl, zoom around the pointer), double-click
 * and Home to fit, arrows and Page Up/Down for slices. `destroy()` removes every listener.
 */
export class SliceInput {
  private readonly cleanup: Array<() => void> = []
  private drag: { mode: DragMode; x: number; y: number; pointer: number } | null = null
  private wheelRest = 0

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly target: SliceInputTarget,
    private readonly callbacks: SliceInputCallbacks,
  ) {
    this.listen()
  }

  private on<K extends keyof HTMLElementEventMap>(type: K, handler: (event: HTMLElementEventMap[K]) => void, options?: AddEventListenerOptions): void {
    this.canvas.addEventListener(type, handler, options)
    this.cleanup.push(() => this.canvas.removeEventListener(type, handler, options))
  }

  private point(event: MouseEvent): [number, number] {
    const rect = this.canvas.getBoundingClientRect()
    return [event.clientX - rect.left, event.clientY - rect.top]
  }

  private indexAt(event: MouseEvent): Vec3 | null {
    const [x, y] = this.point(event)
    return this.target.indexAt(x, y)
  }

  private listen(): void {
    this.on('contextmenu', (event) => event.preventDefault())
    this.on('pointerdown', (event) => {
      const mode = dragModeFor(event)
      if (!mode || !this.target.hasSource()) return
      event.preventDefault()
      this.canvas.focus({ preventScroll: true })
      this.canvas.setPointerCapture(event.pointerId)
      this.drag = { mode, x: event.clientX, y: event.clientY, pointer: event.pointerId }
      if (mode === 'crosshair') this.pickAt(event)
    })
    this.on('pointermove', (event) => {
      const drag = this.drag
      if (drag && drag.pointer === event.pointerId) {
        const dx = event.clientX - drag.x
        const dy = event.clientY - drag.y
        drag.x = event.clientX
        drag.y = event.clientY
        if (drag.mode === 'crosshair') this.pickAt(event)
        else if (drag.mode === 'window') this.callbacks.windowDrag(dx, dy)
        else this.target.panBy(dx, dy)
      }
      this.callbacks.hover(this.indexAt(event))
    })
    const release = (event: PointerEvent): void => {
      if (this.drag?.pointer !== event.pointerId) return
      this.drag = null
      if (this.canvas.hasPointerCapture(event.pointerId)) this.canvas.releasePointerCapture(event.pointerId)
    }
    this.on('pointerup', release)
    this.on('pointercancel', release)
    this.on('pointerleave', () => {
      if (!this.drag) this.callbacks.hover(null)
    })
    this.on('dblclick', () => this.target.fit())
    this.on(
      'wheel',
      (event) => {
        if (!this.target.hasSource()) return
        // Not the page's scroll (nor Chromium's Ctrl+wheel page zoom): the wheel belongs to the view.
        event.preventDefault()
        if (event.ctrlKey || event.metaKey) {
          const [x, y] = this.point(event)
          this.target.zoomAt(wheelZoomFactor(event.deltaY, event.deltaMode), x, y)
          return
        }
        const { steps, rest } = wheelSlices(this.wheelRest, event.deltaY, event.deltaMode)
        this.wheelRest = rest
        if (steps) this.callbacks.step(steps)
      },
      { passive: false },
    )
    this.on('keydown', (event) => {
      if (!this.target.hasSource() || event.altKey || event.ctrlKey || event.metaKey) return
      if (event.key === 'Home') {
        event.preventDefault()
        this.target.fit()
        return
      }
      const step = sliceStepForKey(event.key)
      if (step === null) return
      event.preventDefault()
      this.callbacks.step(step)
    })
  }

  private pickAt(event: MouseEvent): void {
    const index = this.indexAt(event)
    if (index) this.callbacks.pick(index)
  }

  destroy(): void {
    for (const undo of this.cleanup.splice(0)) undo()
    this.drag = null
  }
}
