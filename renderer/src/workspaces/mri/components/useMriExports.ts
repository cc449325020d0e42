import { computed, ref, type Ref } from 'vue'
import { toApiError } from '../../../api/client'
import { fadeAfter } from '../../../lib/transient'
import { reportHtml, type ReportImage } from '../lib/3d/report'
import { useAppStore } from '../../../stores/app'
import { useMriCompareStore } from '../stores/mri-compare'
import { useMriViewerStore } from '../stores/mri-viewer'
import type MriView3d from './MriView3d.vue'
import type SliceViewPanel from './SliceViewPanel.vue'
import { bitmapSource, downloadBlob, saveViewsScreenshot, screenshotFileName, viewPngDataUrl, volumeStem, type ScreenshotSource } from './viewsScreenshot'

/** Which export dialog is open. */
export type MriExporting = 'labels' | 'meshes'

/**
 * What the MRI page writes: the screenshot of its views, the printable report, and the label map and
 * the surfaces (each through its dialog, which stays open with the core's message when a write fails).
 * `notice` says what was last written, in the side panel, and fades once read.
 */
export function useMriExports(panels: Ref<Array<InstanceType<typeof SliceViewPanel> | null>>, view3d: Ref<InstanceType<typeof MriView3d> | null>) {
  const store = useMriViewerStore()
  const app = useAppStore()
  const compare = useMriCompareStore()

  const exporting = ref<MriExporting | null>(null)
  const exportBusy = ref(false)
  const meshFormat = ref<'stl' | 'obj'>('stl')
  const exportError = ref<string | null>(null)
  /** A line in the side panel saying what was last written. */
  const notice = ref<string | null>(null)
  fadeAfter(notice, () => app.succeeded())

  /** Labels the surfaces export writes: those shown (the core builds any not built yet). */
  const meshLabels = computed(() => store.labelEntries.filter((entry) => store.isLabelVisible(entry.label)).map((entry) => entry.label))

  function slicePanels(): InstanceType<typeof SliceViewPanel>[] {
    return panels.value.filter((panel): panel is InstanceType<typeof SliceViewPanel> => panel !== null)
  }

  function baseName(): string {
    return store.image?.volume.name ?? store.labels?.volume.name ?? 'mri'
  }

  /** The 3-D view as a screenshot source; null while it shows no surfaces. */
  async function view3dSource(): Promise<ScreenshotSource | null> {
    const blob = await view3d.value?.renderPngBlob()
    const size = panels.value[0]?.size()
    if (!blob || !size) return null
    return bitmapSource(await createImageBitmap(blob), '3D', size)
  }

  /** The three slice views and, when it shows surfaces, the 3-D view, side by side in one PNG. */
  async function screenshot(): Promise<void> {
    try {
      const extra = await view3dSource()
      await saveViewsScreenshot([...slicePanels(), ...(extra ? [extra] : [])], screenshotFileName(baseName()))
    } catch (error) {
      app.report(toApiError(error, 'screenshot'))
    }
  }

  /** The printable report: the views, the structure table, the Dice table when compared, the image's header facts. */
  function downloadReport(): void {
    try {
      const images: ReportImage[] = []
      for (const panel of slicePanels()) {
        const png = viewPngDataUrl(panel)
        if (png) images.push({ name: panel.title, pngDataUrl: png })
      }
      const png3d = view3d.value?.renderPngDataUrl()
      if (png3d) images.push({ name: '3D surfaces', pngDataUrl: png3d })
      const files = [store.image?.volume.name, store.labels?.volume.name].filter((name): name is string => Boolean(name))
      const html = reportHtml({
        title: `MRI report: ${baseName()}`,
        subtitle: files.join(' with labels ') + (compare.other ? `, compared with ${compare.other.name}` : ''),
        images,
        structures: store.labelEntries,
        dice: compare.dice,
        diceNames: { a: store.labels?.volume.name ?? 'A', b: compare.other?.name ?? 'B' },
        volumeInfo: store.image?.volume.info ?? null,
      })
      downloadBlob(new Blob([html], { type: 'text/html' }), `${volumeStem(baseName())}-report.html`)
      notice.value = 'Report downloaded: open it in a browser and print it to PDF.'
    } catch (error) {
      app.report(toApiError(error, 'report'))
    }
  }

  function startExport(what: MriExporting): void {
    exportError.value = null
    exporting.value = what
  }

  async function exportLabels(path: string): Promise<void> {
    const volume = store.labelVolume
    if (!volume) return
    exportBusy.value = true
    try {
      const written = await store.exportLabels(path)
      exporting.value = null
      notice.value = `Wrote ${written}`
    } catch (error) {
      exportError.value = toApiError(error, 'mri.exportLabels').message
    } finally {
      exportBusy.value = false
    }
  }

  async function exportMeshes(folder: string): Promise<void> {
    exportBusy.value = true
    const format = meshFormat.value
    try {
      const files = await store.exportMeshes(folder, format, meshLabels.value)
      exporting.value = null
      notice.value = `Wrote ${files.length} ${format.toUpperCase()} ${files.length === 1 ? 'file' : 'files'} to ${folder}`
    } catch (error) {
      exportError.value = toApiError(error, 'mri.exportMeshes').message
    } finally {
      exportBusy.value = false
    }
  }

  return { exporting, exportBusy, meshFormat, exportError, notice, meshLabels, screenshot, downloadReport, startExport, exportLabels, exportMeshes }
}
