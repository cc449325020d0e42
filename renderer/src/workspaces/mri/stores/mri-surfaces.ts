import { defineStore } from 'pinia'
import { computed, markRaw, ref, shallowRef, watch } from 'vue'
import type { EventPayload } from '../../../../../main/api'
import { ApiError, toApiError } from '../../../api/client'
import { useApi } from '../../../api/inject'
import { ResourceError, codeForStatus, fetchBytes } from '../../../lib/resources'
import { defaultClipPlane, type ClipPlaneModel } from '../lib/3d/clip-plane'
import type { Rgb } from '../lib/3d/label-color'
import { useAppStore } from '../../../stores/app'
import { useMriViewerStore } from './mri-viewer'

/** One label's surface as the 3-D view takes it: the mesh binary of main/api/mri.ts (res/mri/<id>/mesh/<label>). */
export interface LoadedSurface {
  label: number
  color: Rgb
  buffer: ArrayBuffer
}

/** Label maps with at most this many labels get their surfaces built as soon as they open. */
export const autoBuildLimit = 20

/**
 * The 3-D view's surfaces of the open label map: built in the core (mri.meshes, a worker), fetched as
 * binaries, and dropped when the label map changes. Progress comes from `mri.progress` events for the
 * label map. The clipping plane and the surfaces' global opacity live here so they survive leaving the page.
 */
export const useMriSurfacesStore = defineStore('mriSurfaces', () => {
  const api = useApi()
  const app = useAppStore()
  const viewer = useMriViewerStore()

  const surfaces = shallowRef<LoadedSurface[]>([])
  /** The label map the surfaces belong to (its id). */
  const builtFor = ref<string | null>(null)
  const building = ref(false)
  const progress = shallowRef<{ fraction: number; stage: string } | null>(null)
  /** How long the core took for the last build (seconds). */
  const seconds = ref<number | null>(null)
  const globalOpacity = ref(1)
  const clip = shallowRef<ClipPlaneModel>({ ...defaultClipPlane })
  let generation = 0
  let unsubscribe: (() => void) | null = null

  const labelsWithoutSurface = computed(() => {
    const built = new Set(surfaces.value.map((surface) => surface.label))
    return viewer.labelEntries.filter((entry) => !built.has(entry.label)).length
  })
  const status = computed(() => {
    if (!building.value) return ''
    const current = progress.value
    return current ? `Building surfaces: ${current.stage} (${Math.round(current.fraction * 100)}%)` : 'Building surfaces…'
  })

  function onProgress(payload: EventPayload<'mri.progress'>): void {
    if (building.value && payload.task === 'meshes' && payload.target === viewer.labelVolume?.id) progress.value = { fraction: payload.fraction, stage: payload.stage }
  }

  function reset(): void {
    generation++
    surfaces.value = []
    builtFor.value = null
    building.value = false
    progress.value = null
    seconds.value = null
  }

  /**
   * Builds the surfaces of `labels` (every label of the map by default) and shows them, replacing those
   * shown. False when it failed (the banner says why) or a newer build or another label map took over.
   */
  async function build(labels?: readonly number[]): Promise<boolean> {
    const volume = viewer.labelVolume
    if (!volume) return false
    const mine = ++generation
    building.value = true
    progress.value = null
    unsubscribe ??= api.on('mri.progress', onProgress)
    const colors = new Map(viewer.labelEntries.map((entry) => [entry.label, entry.color]))
    try {
      const answer = await api.call('mri.meshes', { id: volume.id, ...(labels ? { labels: [...labels] } : {}) })
      const loaded = await Promise.all(
        answer.meshes
          .filter((mesh) => mesh.triangles > 0)
          .map(async (mesh) => ({ label: mesh.label, color: colors.get(mesh.label) ?? ([200, 200, 200] as const), buffer: markRaw((await fetchBytes(mesh.url)).bytes) })),
      )
      if (mine !== generation) return false
      surfaces.value = loaded
      builtFor.value = volume.id
      seconds.value = answer.seconds
      return true
    } catch (error) {
      if (mine === generation) {
        app.report(error instanceof ResourceError ? new ApiError(codeForStatus(error.status), error.message, 'res/mri/mesh') : toApiError(error, 'mri.meshes'))
      }
      return false
    } finally {
      if (mine === generation) {
        building.value = false
        progress.value = null
      }
    }
  }

  function setGlobalOpacity(value: number): void {
    globalOpacity.value = Math.min(1, Math.max(0, value))
  }

  function setClip(next: ClipPlaneModel): void {
    clip.value = { ...next }
  }

  // A new or closed label map takes its surfaces with it; a small one gets its own built at once.
  watch(
    () => viewer.labelVolume?.id ?? null,
    (id) => {
      if (id === builtFor.value) return
      reset()
      if (id !== null && viewer.labelEntries.length > 0 && viewer.labelEntries.length <= autoBuildLimit) void build()
    },
  )

  function stop(): void {
    unsubscribe?.()
    unsubscribe = null
  }

  return { surfaces, builtFor, building, progress, seconds, globalOpacity, clip, labelsWithoutSurface, status, build, reset, setGlobalOpacity, setClip, stop }
})
