import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { JobSummary, ListeningSession, ListeningSummary, ListeningTest, SpeechSystem } from '../../../../../main/api'
import { toApiError } from '../../../api/client'
import { useApi } from '../../../api/inject'
import { useAppStore } from '../../../stores/app'

/**
 * The Listening test tab: the MUSHRA tests of the workspace, preparing a new one (a tts.listening job
 * followed live), one listener's session trial by trial (ratings saved by the core after each trial), and
 * the summary with 95% intervals, exportable as CSV.
 */
export const useListeningTestStore = defineStore('speechListening', () => {
  const api = useApi()
  const app = useAppStore()

  const tests = shallowRef<ListeningTest[]>([])
  const selectedId = ref<string | null>(null)
  const preparing = shallowRef<JobSummary | null>(null)
  const prepareError = ref<string | null>(null)
  const session = shallowRef<ListeningSession | null>(null)
  const trialIndex = ref(0)
  const summary = shallowRef<ListeningSummary | null>(null)
  const screen = ref(true)
  const error = ref<string | null>(null)
  let stopFollowing: (() => void) | null = null

  const selected = computed(() => tests.value.find((t) => t.id === selectedId.value) ?? null)
  const trial = computed(() => session.value?.trials[trialIndex.value] ?? null)

  async function refresh(): Promise<void> {
    try {
      tests.value = await api.call('speech.listening.tests', {})
      if (!selected.value) selectedId.value = tests.value[0]?.id ?? null
    } catch (caught) {
      app.report(caught, 'speech.listening.tests')
    }
  }

  async function prepare(input: { name: string; voice: string; systems: SpeechSystem[]; sentences: number; texts?: string[] }): Promise<void> {
    prepareError.value = null
    try {
      preparing.value = await api.call('speech.listening.prepare', { ...input, seed: Math.floor(Math.random() * 2 ** 31) })
    } catch (caught) {
      prepareError.value = toApiError(caught, 'speech.listening.prepare').message
    }
  }

  async function cancelPrepare(): Promise<void> {
    if (!preparing.value) return
    try {
      preparing.value = await api.call('jobs.cancel', { id: preparing.value.id })
    } catch (caught) {
      app.report(caught, 'jobs.cancel')
    }
  }

  async function onProgress(job: JobSummary): Promise<void> {
    if (job.id !== preparing.value?.id) return
    preparing.value = job
    if (job.state === 'done') {
      await refresh()
      select(job.id)
      preparing.value = null
    } else if (job.state === 'failed') {
      const detail = await api.call('jobs.get', { id: job.id })
      prepareError.value = detail.error?.message ?? 'Preparing the test failed.'
    }
  }

  function select(id: string): void {
    selectedId.value = id
    session.value = null
    summary.value = null
    error.value = null
  }

  async function begin(listener: string): Promise<void> {
    const test = selectedId.value
    if (!test) return
    error.value = null
    summary.value = null
    try {
      const started = await api.call('speech.listening.begin', { test, listener })
      session.value = started
      const next = started.trials.findIndex((t) => t.ratings === null)
      if (next < 0) await showSummary()
      else trialIndex.value = next
    } catch (caught) {
      error.value = toApiError(caught, 'speech.listening.begin').message
    }
  }

  /** Saves the trial's ratings and moves on; after the last trial, the summary. */
  async function rate(ratings: Record<string, number>): Promise<void> {
    const current = session.value
    const at = trialIndex.value
    if (!current) return
    error.value = null
    try {
      await api.call('speech.listening.rate', { test: current.test, listener: current.listener, trial: at, ratings })
      session.value = { ...current, trials: current.trials.map((t, i) => (i === at ? { ...t, ratings } : t)) }
      const next = session.value.trials.findIndex((t) => t.ratings === null)
      if (next < 0) await showSummary()
      else trialIndex.value = next
    } catch (caught) {
      error.value = toApiError(caught, 'speech.listening.rate').message
    }
  }

  async function showSummary(): Promise<void> {
    const test = selectedId.value
    if (!test) return
    try {
      summary.value = await api.call('speech.listening.summary', { test, screen: screen.value })
      session.value = null
      await refresh()
    } catch (caught) {
      error.value = toApiError(caught, 'speech.listening.summary').message
    }
  }

  async function exportCsv(path: string): Promise<string> {
    const test = selectedId.value
    if (!test) throw new Error('No test chosen.')
    const result = await api.call('speech.listening.export', { test, path })
    return `Wrote ${result.rows} rating${result.rows === 1 ? '' : 's'} to ${result.path}.`
  }

  function follow(): void {
    stopFollowing ??= api.on('job.progress', (job) => void onProgress(job))
  }

  function unfollow(): void {
    stopFollowing?.()
    stopFollowing = null
  }

  return { tests, selectedId, selected, preparing, prepareError, session, trialIndex, trial, summary, screen, error, refresh, prepare, cancelPrepare, select, begin, rate, showSummary, exportCsv, follow, unfollow }
})
