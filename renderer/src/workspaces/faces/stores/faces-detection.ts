import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { FaceBoxWire, FaceDetection, FaceImportReport, JobSummary } from '../../../../../main/api'
import { useApi } from '../../../api/inject'
import { useAppStore } from '../../../stores/app'
import { targetInput, useFacesGalleryStore, type ImportTarget } from './faces-gallery'

export const DETECTION_KIND = 'faces.detect'
/** face-api's own SSD threshold. */
export const DEFAULT_MIN_CONFIDENCE = 0.5

/**
 * An import through face detection: the faces.detect job followed through job.progress (stage, fraction,
 * cancel), then its photos with their boxes and crops and what the gallery took, and boxes drawn by hand
 * for photos where no face was found (imported with faces.importPhotos and that box).
 */
export const useFacesDetectionStore = defineStore('faces-detection', () => {
  const api = useApi()
  const app = useAppStore()
  const gallery = useFacesGalleryStore()
  const job = shallowRef<JobSummary | null>(null)
  const detection = shallowRef<FaceDetection | null>(null)
  /** Why the job failed, in the core's words. */
  const failure = ref<string | null>(null)
  /** What a hand-drawn box imported, by photo index. */
  const manual = shallowRef<Record<number, FaceImportReport>>({})
  const target = shallowRef<ImportTarget>({ kind: 'inbox' })
  const threshold = ref(DEFAULT_MIN_CONFIDENCE)
  let unsubscribe: (() => void) | null = null

  const running = computed(() => job.value !== null && (job.value.state === 'queued' || job.value.state === 'running'))

  async function settle(summary: JobSummary): Promise<void> {
    if (summary.state === 'done') {
      try {
        detection.value = await api.call('faces.detection', { job: summary.id })
        const report = detection.value.report
        if (report) gallery.notice = { text: `Imported ${report.taken} face${report.taken === 1 ? '' : 's'} to ${report.person ? report.person.name : 'the inbox'}${report.refused ? `; ${report.refused} refused` : ''}.` }
        await gallery.reload()
      } catch (error) {
        failure.value = (error as Error).message
      }
    } else if (summary.state === 'failed') {
      try {
        failure.value = (await api.call('jobs.get', { id: summary.id })).error?.message ?? 'The detection failed.'
      } catch (error) {
        app.report(error, 'jobs.get')
      }
    }
  }

  function onProgress(summary: JobSummary): void {
    const current = job.value
    if (!current || summary.id !== current.id || summary.updatedAt < current.updatedAt) return
    const was = current.state
    job.value = summary
    if (was !== summary.state && (summary.state === 'done' || summary.state === 'failed')) void settle(summary)
  }

  /** Starts detection on files or folders; throws the core's refusal (the dialog shows it). */
  async function start(paths: string[], where: ImportTarget, minConfidence: number): Promise<void> {
    unsubscribe ??= api.on('job.progress', onProgress)
    detection.value = null
    failure.value = null
    manual.value = {}
    target.value = where
    threshold.value = minConfidence
    job.value = await api.call('faces.detectPhotos', { paths, minConfidence, ...targetInput(where) })
    // Events sent before the answer arrived were not ours yet: read the state once.
    const now = await api.call('jobs.get', { id: job.value.id })
    onProgress(now)
  }

  async function cancel(): Promise<void> {
    if (!job.value) return
    try {
      onProgress(await api.call('jobs.cancel', { id: job.value.id }))
    } catch (error) {
      app.report(error, 'jobs.cancel')
    }
  }

  /** Imports one photo by a box drawn on it, to where the detection's faces went; throws the core's refusal. */
  async function importBox(photo: { index: number; file: string }, box: FaceBoxWire): Promise<FaceImportReport> {
    const where = detection.value?.report?.person ? { kind: 'person' as const, id: detection.value.report.person.id } : target.value
    const report = await api.call('faces.importPhotos', { paths: [photo.file], box, ...targetInput(where) })
    manual.value = { ...manual.value, [photo.index]: report }
    if (report.taken) gallery.notice = { text: `Imported the face you drew on ${photo.file.split(/[\\/]/).pop()} to ${report.person ? report.person.name : 'the inbox'}.` }
    await gallery.reload()
    return report
  }

  function reset(): void {
    unsubscribe?.()
    unsubscribe = null
    job.value = null
    detection.value = null
    failure.value = null
    manual.value = {}
  }

  return { job, detection, failure, manual, target, threshold, running, start, cancel, importBox, reset }
})
