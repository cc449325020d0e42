import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { JobSummary } from '../../../main/api'
import { useApi } from '../api/inject'
import { countInState, mergeJobList, upsertJob } from '../lib/jobs'
import { useAppStore } from './app'

/** Every job the workspace knows, kept current by `job.progress` events. */
export const useJobsStore = defineStore('jobs', () => {
  const api = useApi()
  const app = useAppStore()
  const jobs = shallowRef<JobSummary[]>([])
  const loaded = ref(false)
  const running = computed(() => countInState(jobs.value, 'running'))
  const queued = computed(() => countInState(jobs.value, 'queued'))

  let cleanup: Array<() => void> = []
  let request = 0
  /** Ids of jobs that events touched while a `jobs.list` request was in flight. */
  let touchedDuringRequest: Set<string> | null = null

  function applyProgress(job: JobSummary): void {
    touchedDuringRequest?.add(job.id)
    jobs.value = upsertJob(jobs.value, job)
  }

  async function refresh(): Promise<void> {
    const mine = ++request
    touchedDuringRequest = new Set()
    try {
      const fresh = await api.call('jobs.list', {})
      if (mine !== request) return // a later refresh answers instead
      jobs.value = mergeJobList(jobs.value, fresh, touchedDuringRequest)
      loaded.value = true
    } catch (error) {
      if (mine === request) app.report(error, 'jobs.list')
    } finally {
      if (mine === request) touchedDuringRequest = null
    }
  }

  /** Loads the list and follows events; undo with stop(). */
  function start(): void {
    if (cleanup.length) return
    let wasConnected = api.connection === 'connected'
    cleanup = [
      api.on('job.progress', applyProgress),
      api.on('workspace.changed', (change) => {
        if (change.area === 'jobs') void refresh()
      }),
      api.onConnectionChange((state) => {
        // Events sent while the socket was down are lost: catch up from the list.
        if (state === 'connected' && !wasConnected) void refresh()
        wasConnected = state === 'connected'
      }),
    ]
    void refresh()
  }

  function stop(): void {
    for (const undo of cleanup) undo()
    cleanup = []
  }

  return { jobs, loaded, running, queued, applyProgress, refresh, start, stop }
})
