import { defineStore } from 'pinia'
import { ref, shallowRef } from 'vue'
import type { FaceIdentification } from '../../../../../main/api'
import { toApiError } from '../../../api/client'
import { useApi } from '../../../api/inject'

/**
 * The identification panel: a probe (a path, chosen or dropped), the resolution to match at ('' for the
 * probe's own size) and how many candidates, and the last answer. A newer request supersedes an older one.
 */
export const useFacesIdentifyStore = defineStore('faces-identify', () => {
  const api = useApi()
  const path = ref<string | null>(null)
  const resolution = ref('')
  const top = ref(5)
  const result = shallowRef<FaceIdentification | null>(null)
  const busy = ref(false)
  /** Why the last identification failed, in the core's words. */
  const error = ref<string | null>(null)
  let request = 0

  async function identify(probe: string | null = path.value): Promise<void> {
    if (!probe) return
    path.value = probe
    const mine = ++request
    busy.value = true
    error.value = null
    try {
      const answer = await api.call('faces.identify', { path: probe, top: top.value, ...(resolution.value ? { resolution: resolution.value } : {}) })
      if (mine === request) result.value = answer
    } catch (caught) {
      if (mine === request) {
        error.value = toApiError(caught, 'faces.identify').message
        result.value = null
      }
    } finally {
      if (mine === request) busy.value = false
    }
  }

  /** Another resolution or number of candidates: the probe is matched again. */
  function configure(change: { resolution?: string; top?: number }): void {
    if (change.resolution !== undefined) resolution.value = change.resolution
    if (change.top !== undefined && Number.isInteger(change.top) && change.top >= 1) top.value = Math.min(100, change.top)
    void identify()
  }

  function fail(message: string): void {
    error.value = message
  }

  return { path, resolution, top, result, busy, error, identify, configure, fail }
})
