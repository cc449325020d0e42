import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { FaceEvaluationInput, FaceEvaluationResult, JobSummary } from '../../../../../main/api'
import { useApi } from '../../../api/inject'
import { useAppStore } from '../../../stores/app'

export const EVALUATION_KIND = 'faces.evaluate'

/** Whether a job result has the shape of an evaluation's (a run of an older version may not). */
export function isEvaluationResult(value: unknown): value is FaceEvaluationResult {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Partial<FaceEvaluationResult>
  return Array.isArray(v.resolutions) && v.resolutions.every((r) => typeof r?.resolution === 'string' && Array.isArray(r.methods))
}

/**
 * The evaluation tab: faces.evaluate jobs (newest first), followed live through job.progress, the chosen
 * one's result once done, and starting and cancelling them.
 */
export const useFacesEvaluationStore = defineStore('faces-evaluation', () => {
  const api = useApi()
  const app = useAppStore()
  const runs = shallowRef<JobSummary[]>([])
  const selectedId = ref<string | null>(null)
  const results = shallowRef<Record<string, FaceEvaluationResult>>({})
  const errors = ref<Record<string, string>>({})
  let cleanup: Array<() => void> = []

  const selected = computed(() => runs.value.find((r) => r.id === selectedId.value) ?? null)
  const result = computed(() => (selectedId.value ? (results.value[selectedId.value] ?? null) : null))

  async function loadResult(id: string): Promise<void> {
    if (results.value[id]) return
    try {
      const detail = await api.call('jobs.get', { id })
      if (isEvaluationResult(detail.result)) results.value = { ...results.value, [id]: detail.result }
      if (detail.error) errors.value = { ...errors.value, [id]: detail.error.message }
    } catch (error) {
      app.report(error, 'jobs.get')
    }
  }

  function select(id: string): void {
    selectedId.value = id
    const run = runs.value.find((r) => r.id === id)
    if (run && (run.state === 'done' || run.state === 'failed')) void loadResult(id)
  }

  async function refresh(): Promise<void> {
    try {
      runs.value = (await api.call('jobs.list', {})).filter((job) => job.kind === EVALUATION_KIND)
      if (!selectedId.value && runs.value[0]) select(runs.value[0].id)
      else if (selectedId.value) select(selectedId.value)
    } catch (error) {
      app.report(error, 'jobs.list')
    }
  }

  function onProgress(job: JobSummary): void {
    if (job.kind !== EVALUATION_KIND) return
    const known = runs.value.some((r) => r.id === job.id)
    runs.value = known ? runs.value.map((r) => (r.id === job.id ? job : r)) : [job, ...runs.value]
    if ((job.state === 'done' || job.state === 'failed') && job.id === selectedId.value) void loadResult(job.id)
  }

  /** Starts an evaluation and selects it; throws the core's refusal (the form shows it). */
  async function start(input: FaceEvaluationInput): Promise<JobSummary> {
    const job = await api.call('faces.evaluate', input)
    onProgress(job)
    selectedId.value = job.id
    return job
  }

  async function cancel(id: string): Promise<void> {
    try {
      onProgress(await api.call('jobs.cancel', { id }))
    } catch (error) {
      app.report(error, 'jobs.cancel')
    }
  }

  function startFollowing(): void {
    if (cleanup.length) return
    cleanup = [api.on('job.progress', onProgress)]
    void refresh()
  }

  function stop(): void {
    for (const undo of cleanup) undo()
    cleanup = []
  }

  return { runs, selectedId, selected, result, results, errors, select, refresh, start, cancel, startFollowing, stop }
})
