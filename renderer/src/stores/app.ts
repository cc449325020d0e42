import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { AppInfo } from '../../../main/api'
import { toApiError, type ApiError, type ConnectionState } from '../api/client'
import { useApi } from '../api/inject'

/** Facts about the installation, the state of the door, and the last error worth showing. */
export const useAppStore = defineStore('app', () => {
  const api = useApi()
  const info = shallowRef<AppInfo | null>(null)
  const connection = ref<ConnectionState>(api.connection)
  const lastError = shallowRef<ApiError | null>(null)
  const loading = ref(false)
  let unsubscribe: (() => void) | null = null

  /** Shows `error` in the error banner, replacing any earlier one. */
  function report(error: unknown, method?: string): void {
    lastError.value = toApiError(error, method)
  }

  function dismissError(): void {
    lastError.value = null
  }

  /** An action the person took went well: an error from an earlier one no longer describes the page. */
  function succeeded(): void {
    lastError.value = null
  }

  async function loadInfo(): Promise<void> {
    loading.value = true
    try {
      info.value = await api.call('app.info')
    } catch (error) {
      report(error, 'app.info')
    } finally {
      loading.value = false
    }
  }

  /** Follows the connection and loads app.info; undo with stop(). */
  function start(): void {
    if (unsubscribe) return
    connection.value = api.connection
    unsubscribe = api.onConnectionChange((state) => {
      connection.value = state
      // A page opened while the server was away retries once the door is back.
      if (state === 'connected' && !info.value && !loading.value) void loadInfo()
    })
    void loadInfo()
  }

  function stop(): void {
    unsubscribe?.()
    unsubscribe = null
  }

  return { door: api.door, info, connection, lastError, loading, report, dismissError, succeeded, loadInfo, start, stop }
})
