import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type {
  CrossValidationReportData,
  JobSummary,
  MethodInput,
  SoundDatasetInfo,
  SoundExperiment,
  SoundPreset,
  SoundTrainingRun,
} from '../../../../../main/api'
import { toApiError } from '../../../api/client'
import { useApi } from '../../../api/inject'
import { isJobEnded, runActions } from '../../../lib/run-actions'
import { applyRunProgress, mergeRuns, soundTrainKind } from '../lib/training/runs'
import { Throttle } from '../../../lib/throttle'
import { useAppStore } from '../../../stores/app'

/** How often the lists are fetched again at most while runs start and end. */
export const listRefreshMs = 1000

/** The held-out fold a sound.train stage names ("fold 3: epoch 2/50"), else null. */
function heldOutFold(stage: string): number | null {
  const match = /^fold (\d+):/.exec(stage)
  return match ? Number(match[1]) : null
}

/** What the comparison table shows: one experiment's table, or the runs ticked by hand. */
export type ComparisonSource = { kind: 'experiment'; id: string } | { kind: 'runs' }

/**
 * The Sound workspace's Training view: presets, cross-validation runs (kept current by job.progress
 * events), the open run's report, experiments and their comparison tables, and the data set the
 * "New cross-validation" form is about.
 */
export const useSoundTrainingStore = defineStore('soundTraining', () => {
  const api = useApi()
  const app = useAppStore()

  const presets = shallowRef<SoundPreset[]>([])
  const runs = shallowRef<readonly SoundTrainingRun[]>([])
  const experiments = shallowRef<SoundExperiment[]>([])
  const loaded = ref(false)

  const selectedId = ref<string | null>(null)
  const report = shallowRef<CrossValidationReportData | null>(null)
  /**
   * idle: no run open; loading; ready: `report` is the open run's; partial: `report` covers the folds done so far
   * (reloaded as more are done); missing: none yet (`reportMessage` says why).
   */
  const reportState = ref<'idle' | 'loading' | 'ready' | 'partial' | 'missing'>('idle')
  const reportMessage = ref<string | null>(null)

  const comparison = ref<ComparisonSource>({ kind: 'runs' })
  /** Runs ticked for the comparison table. */
  const picked = ref<string[]>([])

  /** The run whose cancel or resume call is in flight. */
  const acting = ref<{ id: string; action: 'cancel' | 'resume' } | null>(null)
  const starting = ref(false)
  const startError = ref<string | null>(null)

  const dataset = shallowRef<SoundDatasetInfo | null>(null)
  const datasetLoading = ref(false)
  const datasetError = ref<string | null>(null)

  const selected = computed(() => runs.value.find((run) => run.id === selectedId.value) ?? null)
  const selectedActions = computed(() => (selected.value ? runActions(selected.value.state, true) : { cancel: false, resume: false }))
  const experiment = computed(() => {
    const source = comparison.value
    return source.kind === 'experiment' ? (experiments.value.find((e) => e.id === source.id) ?? null) : null
  })

  let lists: Throttle | null = null
  let unsubscribe: Array<() => void> = []
  let reportGeneration = 0
  let datasetRequest = 0

  async function loadPresets(): Promise<void> {
    try {
      presets.value = await api.call('sound.presets', {})
    } catch (error) {
      app.report(error, 'sound.presets')
    }
  }

  /** Fetches the runs and experiments again. */
  async function refreshLists(): Promise<void> {
    try {
      const [freshRuns, freshExperiments] = await Promise.all([api.call('sound.trainingRuns', {}), api.call('sound.experiments', {})])
      runs.value = mergeRuns(runs.value, freshRuns)
      experiments.value = freshExperiments
      // On opening, the comparison shows the newest experiment rather than an empty hand-picked table.
      if (!loaded.value && comparison.value.kind === 'runs' && picked.value.length === 0 && freshExperiments[0]) {
        comparison.value = { kind: 'experiment', id: freshExperiments[0].id }
      }
      loaded.value = true
      if (reportOutdated()) void loadReport()
    } catch (error) {
      app.report(error)
    }
  }

  /** The open run has finished, or finished more folds than its partial report (or lack of one) shows. */
  function reportOutdated(): boolean {
    const run = selected.value
    if (!run || (reportState.value !== 'missing' && reportState.value !== 'partial')) return false
    return run.state === 'done' || run.folds.done > (reportState.value === 'partial' ? (report.value?.folds.length ?? 0) : 0)
  }

  async function loadReport(): Promise<void> {
    const id = selectedId.value
    if (!id) return
    const mine = ++reportGeneration
    if (reportState.value !== 'ready' && reportState.value !== 'partial') reportState.value = 'loading'
    try {
      const answer = await api.call('sound.trainingReport', { id })
      if (mine !== reportGeneration) return
      report.value = answer
      reportState.value = answer.partial ? 'partial' : 'ready'
      reportMessage.value = null
    } catch (error) {
      if (mine !== reportGeneration) return
      const typed = toApiError(error, 'sound.trainingReport')
      if (typed.code !== 'NOT_FOUND') app.report(typed)
      report.value = null
      reportState.value = 'missing'
      reportMessage.value = typed.message
    }
  }

  /** Opens a run's report (null: none). */
  function select(id: string | null): void {
    if (id === selectedId.value) return
    reportGeneration++
    selectedId.value = id
    report.value = null
    reportMessage.value = null
    reportState.value = id ? 'loading' : 'idle'
    if (id) void loadReport()
  }

  function onProgress(summary: JobSummary): void {
    if (summary.kind !== soundTrainKind) return
    const before = runs.value.find((run) => run.id === summary.id)
    const next = applyRunProgress(runs.value, summary)
    if (next !== runs.value) runs.value = next
    // A new run, or a run that ended or started: its folds, accuracy and experiment change.
    if (!before || before.state !== summary.state) {
      if (isJobEnded(summary.state)) lists?.flush()
      else lists?.request()
      if (summary.id === selectedId.value && isJobEnded(summary.state)) void loadReport()
    } else if (heldOutFold(summary.stage) !== heldOutFold(before.stage)) {
      // The job went on to the next held-out fold: the folds-done count comes with the list.
      lists?.request()
    }
  }

  /** Loads presets, runs and experiments and follows job events; undo with stop(). */
  function start(): void {
    if (unsubscribe.length) return
    lists = new Throttle(refreshLists, listRefreshMs)
    let wasConnected = api.connection === 'connected'
    unsubscribe = [
      api.on('job.progress', onProgress),
      api.onConnectionChange((state) => {
        if (state === 'connected' && !wasConnected) lists?.flush()
        wasConnected = state === 'connected'
      }),
    ]
    if (presets.value.length === 0) void loadPresets()
    lists.flush()
    if (selectedId.value) void loadReport()
  }

  function stop(): void {
    for (const undo of unsubscribe) undo()
    unsubscribe = []
    lists?.dispose()
    lists = null
  }

  /** Reads the data set folder the form names, for its folds and classes; stale answers are dropped. */
  async function inspectDataset(path: string): Promise<void> {
    const mine = ++datasetRequest
    dataset.value = null
    datasetError.value = null
    if (!path.trim()) {
      datasetLoading.value = false
      return
    }
    datasetLoading.value = true
    try {
      const info = await api.call('sound.dataset', { path })
      if (mine === datasetRequest) dataset.value = info
    } catch (error) {
      if (mine === datasetRequest) datasetError.value = toApiError(error, 'sound.dataset').message
    } finally {
      if (mine === datasetRequest) datasetLoading.value = false
    }
  }

  /**
   * Starts one run per preset (sound.startExperiment), opens the first and shows the experiment's table.
   * Answers true when it started; the reason it did not is in `startError`.
   */
  async function startExperiment(input: MethodInput<'sound.startExperiment'>): Promise<boolean> {
    if (starting.value) return false
    starting.value = true
    startError.value = null
    try {
      const started = await api.call('sound.startExperiment', input)
      comparison.value = { kind: 'experiment', id: started.id }
      await refreshLists()
      select(started.jobIds[0] ?? null)
      return true
    } catch (error) {
      startError.value = toApiError(error, 'sound.startExperiment').message
      return false
    } finally {
      starting.value = false
    }
  }

  async function act(id: string, action: 'cancel' | 'resume'): Promise<void> {
    if (acting.value) return
    acting.value = { id, action }
    try {
      const summary = action === 'cancel' ? await api.call('jobs.cancel', { id }) : await api.call('jobs.resume', { id })
      onProgress(summary)
    } catch (error) {
      app.report(error)
    } finally {
      acting.value = null
      lists?.flush()
    }
  }

  /** Stops a queued or running run (the view asks first); it can be resumed from its last checkpoint. */
  const cancel = (id: string) => act(id, 'cancel')
  /** Queues a cancelled, failed or interrupted run again; it continues from its last checkpoint. */
  const resume = (id: string) => act(id, 'resume')

  function showExperiment(id: string): void {
    comparison.value = { kind: 'experiment', id }
  }

  /** Ticks or unticks a run for the comparison table, which then shows the ticked runs. */
  function togglePicked(id: string): void {
    picked.value = picked.value.includes(id) ? picked.value.filter((p) => p !== id) : [...picked.value, id]
    comparison.value = { kind: 'runs' }
  }

  return {
    presets,
    runs,
    experiments,
    loaded,
    selectedId,
    selected,
    selectedActions,
    report,
    reportState,
    reportMessage,
    comparison,
    experiment,
    picked,
    acting,
    starting,
    startError,
    dataset,
    datasetLoading,
    datasetError,
    start,
    stop,
    refresh: () => (lists ? lists.flush() : void refreshLists()),
    select,
    loadReport,
    inspectDataset,
    startExperiment,
    cancel,
    resume,
    showExperiment,
    togglePicked,
  }
})
