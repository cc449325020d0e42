import { onBeforeUnmount, onMounted, type Ref } from 'vue'

/**
 * Paints a canvas at the screen's pixel density, at most once per animation frame however often it
 * is asked: `schedule()` after anything it draws changed (before mounting it waits for the mount).
 * `paint` gets a context scaled to CSS pixels.
 */
export function useCanvasPainter(
  canvas: Ref<HTMLCanvasElement | null>,
  size: () => { width: number; height: number },
  paint: (context: CanvasRenderingContext2D, width: number, height: number) => void,
): { schedule: () => void } {
  let frame = 0
  let mounted = false

  function draw(): void {
    frame = 0
    const element = canvas.value
    const { width, height } = size()
    if (!element || width <= 0 || height <= 0) return
    const ratio = Math.max(1, window.devicePixelRatio || 1)
    const pixelWidth = Math.round(width * ratio)
    const pixelHeight = Math.round(height * ratio)
    if (element.width !== pixelWidth) element.width = pixelWidth
    if (element.height !== pixelHeight) element.height = pixelHeight
    const context = element.getContext('2d')
    if (!context) return
    context.setTransform(ratio, 0, 0, ratio, 0, 0)
    context.clearRect(0, 0, width, height)
    paint(context, width, height)
  }

  function schedule(): void {
    if (mounted && !frame) frame = requestAnimationFrame(draw)
  }

  onMounted(() => {
    mounted = true
    schedule()
  })

  onBeforeUnmount(() => {
    mounted = false
    if (frame) cancelAnimationFrame(frame)
    frame = 0
  })

  return { schedule }
}
