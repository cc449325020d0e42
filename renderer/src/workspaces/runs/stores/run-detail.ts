import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { JobDetail, JobLogLine, JobSummary, MetricSeries } from '../../../../../main/api'
import { useApi } from '../../../api/inject'
import { applySummary, mergeDetail } from '../lib/job-detail'
import { lastLogSeq, mergeLogLines } from '../lib/job-log'
import { isJobEnded, runActions } from '../../../lib/run-actions'
import { Throttle } from '../../../lib/throttle'
import { useAppStore } from '../../../stores/app'

/** How often a live run's detail, metrics and log are fetched again at most. */
export const liveRefreshMs = 1000

/**
 * The run open on the Runs page: its detail, metric series and log, kept current while it runs by
 * refetching (throttled to about once a second) when `job.progress` events name it; and a second run's
 * series to compare it with.
 */
export const useRunDetailStore = defineStore('runDetail', () => {
  const api = useApi()
  const app = useAppStore()

  const selectedId = ref<string | null>(null)
  const detail = shallowRef<JobDetail | null>(null)
  const series = shallowRef<MetricSeries[]>([])
  const logs = shallowRef<JobLogLine[]>([])
  /** True until the first answer for the selected run has arrived. */
  const loading = ref(false)
  const compareId = ref<string | null>(null)
  const compareSeries = shallowRef<MetricSeries[]>([])
  const compareLoading = ref(false)
  /** The action under way on the selected run, while its call is in flight. */
  const acting = ref<'cancel' | 'resume' | null>(null)
  const actions = computed(() =>
    detail.value ? runActions(detail.value.state, detail.value.resumable) : { cancel: false, resume: false },
  )

  let generation = 0
  let compareGeneration = 0
  let live: Throttle | null = null
  let liveCompare: Throttle | null = null
  let unsubscribe: (() => void) | null = null

  async function refreshSelected(): Promise<void> {
    const id = selectedId.value
    if (!id) return
    const mine = generation
    try {
      const [fresh, metrics, log] = await Promise.all([
        api.call('jobs.get', { id }),
        api.call('jobs.metrics', { id }),
        api.call('jobs.logs', { id, after: lastLogSeq(logs.value) }),
      ])
      if (mine !== generation) return // another run was selected meanwhile
      detail.value = mergeDetail(detail.value, fresh)
      series.value = metrics.series
      logs.value = mergeLogLines(logs.value, log.lines)
    } catch (error) {
      if (mine === generation) app.report(error)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function refreshCompare(): Promise<void> {
    const id = compareId.value
    if (!id) return
    const mine = compareGeneration
    try {
      const metrics = await api.call('jobs.metrics', { id })
      if (mine === compareGeneration) compareSeries.value = metrics.series
    } catch (error) {
      if (mine === compareGeneration) app.report(error)
    } finally {
      if (mine === compareGeneration) compareLoading.value = false
    }
  }

  function onProgress(summary: JobSummary): void {
    if (summary.id === selectedId.value) {
      const before = detail.value?.state
      if (detail.value) detail.value = applySummary(detail.value, summary)
      // A state change (above all the end: result, error, finish time) is fetched at once.
      if (before !== summary.state && isJobEnded(summary.state)) live?.flush()
      else live?.request()
    }
    if (summary.id === compareId.value) liveCompare?.request()
  }

  /** Opens a run (null: none); loads its detail, metrics and log. */
  function select(id: string | null): void {
    if (id === selectedId.value) return
    generation++
    selectedId.value = id
    detail.value = null
    series.value = []
    logs.value = []
    acting.value = null
    loading.value = id !== null
    if (id === compareId.value) setCompare(null)
    if (!id) return
    if (live) live.flush()
    else void refreshSelected()
  }

  /** Picks the run whose curves are drawn beside the selected one's (null: none). */
  function setCompare(id: string | null): void {
    if (id === compareId.value) return
    compareGeneration++
    compareId.value = id
    compareSeries.value = []
    compareLoading.value = id !== null
    if (!id) return
    if (liveCompare) liveCompare.flush()
    else void refreshCompare()
  }

  async function act(kind: 'cancel' | 'resume'): Promise<void> {
    const id = selectedId.value
    if (!id || acting.value) return
    acting.value = kind
    try {
      const summary = kind === 'cancel' ? await api.call('jobs.cancel', { id }) : await api.call('jobs.resume', { id })
      if (id === selectedId.value && detail.value) detail.value = applySummary(detail.value, summary)
    } catch (error) {
      app.report(error)
    } finally {
      if (id === selectedId.value) {
        acting.value = null
        live?.flush()
      }
    }
  }

  /** Stops a queued or running run (the page asks the user first). Resolves once it has stopped. */
  const cancel = () => act('cancel')
  /** Queues an interrupted, failed or cancelled run again; it continues from its last checkpoint. */
  const resume = () => act('resume')

  /** Follows progress events; undo with stop(). */
  function start(): void {
    if (unsubscribe) return
    live = new Throttle(refreshSelected, liveRefreshMs)
    liveCompare = new Throttle(refreshCompare, liveRefreshMs)
    unsubscribe = api.on('job.progress', onProgress)
    if (selectedId.value) live.flush()
    if (compareId.value) liveCompare.flush()
  }

  /** Unsubscribes, drops pending refreshes, and forgets the runs shown. */
  function stop(): void {
    unsubscribe?.()
    unsubscribe = null
    live?.dispose()
    liveCompare?.dispose()
    live = null
    liveCompare = null
    select(null)
    setCompare(null)
  }

  return {
    selectedId,
    detail,
    series,
    logs,
    loading,
    compareId,
    compareSeries,
    compareLoading,
    acting,
    actions,
    select,
    setCompare,
    cancel,
    resume,
    refresh: () => (live ? live.flush() : void refreshSelected()),
    start,
    stop,
  }
})
