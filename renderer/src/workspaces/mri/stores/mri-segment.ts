import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { EventPayload, OpenVolume, SegmentationModelInfo, SegmentResult } from '../../../../../main/api'
import { ApiError, toApiError } from '../../../api/client'
import { useApi } from '../../../api/inject'
import { ResourceError, codeForStatus, fetchBytes } from '../../../lib/resources'
import { confidenceCodes, confidenceLegend } from '../lib/confidence-map'
import { viewVoxels } from '../lib/voxels'
import { useAppStore } from '../../../stores/app'
import { useMriViewerStore } from './mri-viewer'

/** How far a segmentation has got (mri.progress events of task "segment"). */
export interface SegmentProgress {
  /** The image being segmented (its id). */
  imageId: string
  fraction: number
  stage: string
}

/** What the side panel says about the segmentation shown. */
export interface SegmentationShown {
  /** The label map it opened as (its id). */
  labelsId: string
  model: SegmentResult['model']
  seconds: number
  /** Lowest and mean top probability over the voxels the model saw. */
  confidence: { min: number; mean: number }
  suggestedPath: string
}

/**
 * Segment in the MRI workspace: the segmentation models installed or bundled (mri.segmentationModels,
 * listed again when the workspace's models change), the one chosen, a run on the open image with its
 * progress and Cancel, and the result: the label map opens in the viewer as if read from a file (overlay,
 * structure table, 3-D surfaces, Compare) with its confidence map (the viewer's Confidence overlay), and
 * saves beside the image. A result for an image no longer shown is closed in the core.
 */
export const useMriSegmentStore = defineStore('mriSegment', () => {
  const api = useApi()
  const app = useAppStore()
  const viewer = useMriViewerStore()

  const models = shallowRef<SegmentationModelInfo[]>([])
  /** Whether the list has been asked for once (so "no model" is not said before it is known). */
  const listed = ref(false)
  const chosenId = ref<string | null>(null)
  const running = shallowRef<SegmentProgress | null>(null)
  /** The segmentation the viewer shows now; null once another label map replaces it. */
  const shown = shallowRef<SegmentationShown | null>(null)
  /** A line for the panel: the last run cancelled, for instance. */
  const notice = ref<string | null>(null)
  let unsubscribe: Array<() => void> = []

  /** Models that can segment (a package whose model.json does not fit is listed with its problem, not offered). */
  const usable = computed(() => models.value.filter((model) => model.problem === null))
  const chosen = computed(() => usable.value.find((model) => model.id === chosenId.value) ?? usable.value[0] ?? null)
  const canSegment = computed(() => viewer.image !== null && chosen.value !== null && running.value === null && viewer.busy === null)

  function follow(): void {
    if (unsubscribe.length) return
    unsubscribe = [
      api.on('mri.progress', onProgress),
      api.on('workspace.changed', (payload: EventPayload<'workspace.changed'>) => {
        if (payload.area === 'models') void refreshModels()
      }),
    ]
  }

  function onProgress(payload: EventPayload<'mri.progress'>): void {
    const current = running.value
    if (payload.task !== 'segment' || !current || payload.target !== current.imageId) return
    if (payload.fraction >= current.fraction) running.value = { ...current, fraction: payload.fraction, stage: payload.stage }
  }

  async function refreshModels(): Promise<void> {
    follow()
    try {
      models.value = await api.call('mri.segmentationModels', {})
    } catch (error) {
      app.report(error, 'mri.segmentationModels')
    } finally {
      listed.value = true
    }
  }

  function choose(id: string): void {
    chosenId.value = id
  }

  /** Segments the open image with the chosen model; false when it failed (the banner says why) or was cancelled. */
  async function segment(): Promise<boolean> {
    const image = viewer.image?.volume
    const model = chosen.value
    if (!image || !model || running.value) return false
    follow()
    notice.value = null
    running.value = { imageId: image.id, fraction: 0, stage: 'starting' }
    let opened: OpenVolume | null = null
    try {
      // A 4-D series: the frame the viewer shows.
      const result = await api.call('mri.segment', { id: image.id, model: model.id, ...(image.info.frames > 1 ? { frame: image.info.frame } : {}) })
      opened = result.labels
      const { bytes } = await fetchBytes(result.confidence.voxels)
      const probabilities = viewVoxels(bytes, result.labels.display.dims, 'float32', 'the confidence map') as Float32Array
      if (viewer.image?.volume.id !== image.id) {
        void api.call('mri.close', { id: opened.id }).catch(() => {})
        return false
      }
      await viewer.adoptLabels(opened, { voxels: confidenceCodes(probabilities), legend: confidenceLegend() })
      shown.value = {
        labelsId: opened.id,
        model: result.model,
        seconds: result.seconds,
        confidence: { min: result.confidence.min, mean: result.confidence.mean },
        suggestedPath: result.suggestedPath,
      }
      app.succeeded()
      return true
    } catch (error) {
      const failure = error instanceof ResourceError ? new ApiError(codeForStatus(error.status), error.message, 'res/mri/confidence') : toApiError(error, 'mri.segment')
      if (opened && viewer.labels?.volume.id !== opened.id) void api.call('mri.close', { id: opened.id }).catch(() => {})
      if (failure.code === 'CANCELLED') notice.value = 'Segmentation cancelled; nothing was opened or written.'
      else app.report(failure)
      return false
    } finally {
      running.value = null
    }
  }

  /** Stops the run: the worker ends, nothing opens. */
  async function cancel(): Promise<void> {
    const current = running.value
    if (!current) return
    try {
      await api.call('mri.cancelSegment', { id: current.imageId })
    } catch (error) {
      app.report(error, 'mri.cancelSegment')
    }
  }

  /** Writes the segmentation shown (and its confidence map when asked); answers the files. Throws the core's error. */
  async function save(path: string, withConfidence: boolean): Promise<string[]> {
    const current = shown.value
    if (!current) throw new ApiError('VALIDATION', 'Segment the image first.', 'mri.saveSegmentation')
    const answer = await api.call('mri.saveSegmentation', { id: current.labelsId, path, confidence: withConfidence })
    viewer.renameLabels(answer.labels)
    shown.value = { ...current, suggestedPath: answer.files[0] ?? current.suggestedPath }
    void viewer.refreshRecent()
    return answer.files
  }

  // Another label map (or none) in the viewer: the segmentation is no longer what it shows.
  watch(
    () => viewer.labelVolume?.id ?? null,
    (id) => {
      if (shown.value && id !== shown.value.labelsId) shown.value = null
    },
  )

  /** Stops following events (the app's teardown). */
  function stop(): void {
    for (const off of unsubscribe.splice(0)) off()
  }

  return { models, listed, usable, chosen, chosenId, running, shown, notice, canSegment, refreshModels, choose, segment, cancel, save, stop }
})
