import type { EdgeLetters } from '../lib/planes'

/** What the screenshot needs of a slice view panel (SliceViewPanel's exposed members). */
export interface ScreenshotSource {
  drawInto(context: CanvasRenderingContext2D, x: number, y: number, width: number, height: number): void
  letters: EdgeLetters
  title: string
  size(): { width: number; height: number }
}

/** "ch2better.nii.gz" -> "ch2better" (safe in a file name). */
export function volumeStem(volumeName: string): string {
  return volumeName.replace(/\.(nii\.gz|nii|hdr|img)$/i, '').replace(/[^\w.-]+/g, '_') || 'mri'
}

/** "ch2better.nii.gz" -> "ch2better-views.png". */
export function screenshotFileName(volumeName: string): string {
  return `${volumeStem(volumeName)}-views.png`
}

/** A picture already made (the 3-D view's PNG) as a screenshot source, drawn without letters (the view draws its own). */
export function bitmapSource(bitmap: CanvasImageSource & { width: number; height: number }, title: string, size: { width: number; height: number }): ScreenshotSource {
  return {
    drawInto: (context, x, y, width, height) => context.drawImage(bitmap, x, y, width, height),
    letters: { left: '', right: '', top: '', bottom: '' },
    title,
    size: () => size,
  }
}

/** One view with its title and letters as a PNG data URL (for the report); null while it has no size. */
export function viewPngDataUrl(source: ScreenshotSource): string | null {
  const { width, height } = source.size()
  if (width <= 0 || height <= 0) return null
  const ratio = globalThis.devicePixelRatio || 1
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(width * ratio)
  canvas.height = Math.round(height * ratio)
  const context = canvas.getContext('2d')
  if (!context) return null
  context.scale(ratio, ratio)
  context.fillStyle = '#000'
  context.fillRect(0, 0, width, height)
  source.drawInto(context, 0, 0, width, height)
  drawLabels(context, source, 0, width, height)
  return canvas.toDataURL('image/png')
}

/** Saves a blob as a file through a download link (the browser's downloads; Electron asks where). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

/**
 * The slice views side by side in one PNG, with their titles and orientation letters drawn in (they
 * are HTML over the canvases on screen), saved through a download link. Each view is drawn and copied
 * in the same task, so the WebGL canvases need no preserved drawing buffer.
 */
export async function saveViewsScreenshot(sources: readonly ScreenshotSource[], fileName: string): Promise<void> {
  const ratio = globalThis.devicePixelRatio || 1
  const sizes = sources.map((source) => source.size())
  const width = sizes.reduce((sum, size) => sum + size.width, 0)
  const height = Math.max(0, ...sizes.map((size) => size.height))
  if (width <= 0 || height <= 0) return
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(width * ratio)
  canvas.height = Math.round(height * ratio)
  const context = canvas.getContext('2d')
  if (!context) throw new Error('This browser cannot draw the screenshot (no 2D canvas).')
  context.scale(ratio, ratio)
  context.fillStyle = '#000'
  context.fillRect(0, 0, width, height)
  let x = 0
  sources.forEach((source, index) => {
    const size = sizes[index]!
    source.drawInto(context, x, 0, size.width, size.height)
    drawLabels(context, source, x, size.width, size.height)
    x += size.width
  })
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'))
  if (!blob) throw new Error('The screenshot could not be encoded as PNG.')
  downloadBlob(blob, fileName)
}

function drawLabels(context: CanvasRenderingContext2D, source: ScreenshotSource, x: number, width: number, height: number): void {
  context.save()
  context.fillStyle = '#f2f4f7'
  context.shadowColor = '#000'
  context.shadowBlur = 3
  context.font = '600 13px system-ui, sans-serif'
  context.textBaseline = 'middle'
  context.textAlign = 'left'
  context.fillText(source.letters.left, x + 6, height / 2)
  context.textAlign = 'right'
  context.fillText(source.letters.right, x + width - 6, height / 2)
  context.textAlign = 'center'
  context.textBaseline = 'top'
  context.fillText(source.letters.top, x + width / 2, 4)
  context.textBaseline = 'bottom'
  context.fillText(source.letters.bottom, x + width / 2, height - 4)
  context.textAlign = 'left'
  context.textBaseline = 'top'
  context.font = '500 12px system-ui, sans-serif'
  context.fillText(source.title, x + 8, 4)
  context.restore()
}
