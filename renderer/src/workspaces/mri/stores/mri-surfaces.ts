import { defineStore } from 'pinia'
import { computed, markRaw, ref, shallowRef, watch } from 'vue'
import type { EventPayload } from '../../../../../main/api'
import { ApiError, toApiError } from '../../../api/client'
import { useApi } from '../../../api/inject'
import { ResourceError, codeForStatus, fetchBytes } from '../../../lib/resources'
import { defaultClipPlane, type ClipPlaneModel } from '../lib/3d/clip-plane'
import type { Rgb } from '../lib/3d/label-color'
import { autoBuildCap, batchSize, surfacePlan } from '../lib/3d/surface-build-plan'
import { useAppStore } from '../../../stores/app'
import { useMriViewerStore } from './mri-viewer'

/** One label's surface as the 3-D view takes it: the mesh binary of main/api/mri.ts (res/mri/<id>/mesh/<label>). */
export interface LoadedSurface {
  label: number
  color: Rgb
  buffer: ArrayBuffer
}

/** How far a run of batches has got: `built` counts the current batch's progress as a fraction. */
export interface SurfaceBuildProgress {
  built: number
  total: number
}

/**
 * The 3-D view's surfaces of the open label map. They build by themselves: when a label map opens, and
 * when hidden labels are shown again, the visible labels without a surface are built in the core's
 * worker in batches, largest first (lib/3d/surface-build-plan), each batch shown as it arrives. `cancel`
 * stops the worker; `buildMore` resumes and lifts the cap of very large atlases. A new or closed label
 * map drops its surfaces (closing it in the core stops its worker). The clipping plane and the surfaces'
 * global opacity live here so they survive leaving the page.
 */
export const useMriSurfacesStore = defineStore('mriSurfaces', () => {
  const api = useApi()
  const app = useAppStore()
  const viewer = useMriViewerStore()

  const surfaces = shallowRef<LoadedSurface[]>([])
  /** The label map the surfaces belong to (its id). */
  const builtFor = ref<string | null>(null)
  /** Labels built or found empty, for the label map of builtFor. */
  const done = shallowRef<ReadonlySet<number>>(new Set())
  const building = ref(false)
  const progress = shallowRef<SurfaceBuildProgress | null>(null)
  /** The user stopped building: nothing more is built by itself until buildMore. */
  const stopped = ref(false)
  /** The user asked for every visible label, past autoBuildCap. */
  const capLifted = ref(false)
  const globalOpacity = ref(1)
  const clip = shallowRef<ClipPlaneModel>({ ...defaultClipPlane })
  /** Bumped by every new label map: a run or an answer of an older one is dropped. */
  let generation = 0
  /** The generation whose run of batches is going on, so a second trigger joins it rather than starting another. */
  let running: number | null = null
  /** The batch being built, for the progress events. */
  let batch = { start: 0, size: 0 }
  let unsubscribe: (() => void) | null = null

  const plan = computed(() =>
    surfacePlan({ entries: viewer.labelEntries, hidden: viewer.hiddenLabels, done: done.value, cap: capLifted.value ? Infinity : autoBuildCap }),
  )
  /** Visible labels without a surface that wait for the user: past the cap, or all of them once stopped. */
  const waiting = computed(() => (stopped.value ? plan.value.auto.length + plan.value.deferred.length : plan.value.deferred.length))
  const status = computed(() => {
    const current = progress.value
    if (!building.value || !current) return building.value ? 'Building surfaces…' : ''
    return `Building surfaces: ${Math.floor(current.built)} of ${current.total}`
  })

  function onProgress(payload: EventPayload<'mri.progress'>): void {
    const current = progress.value
    if (!building.value || !current || payload.task !== 'meshes' || payload.target !== builtFor.value) return
    progress.value = { built: batch.start + payload.fraction * batch.size, total: current.total }
  }

  function reset(): void {
    generation++
    running = null
    surfaces.value = []
    builtFor.value = null
    done.value = new Set()
    building.value = false
    progress.value = null
    stopped.value = false
    capLifted.value = false
  }

  /**
   * Builds what the plan says, one batch at a time, planning again after each (labels shown or hidden
   * meanwhile are taken into account). Answers when there is nothing left to build, the user stopped,
   * a build failed (the banner says why) or the label map changed.
   */
  async function run(): Promise<void> {
    const volume = viewer.labelVolume
    if (!volume || running === generation || stopped.value || plan.value.auto.length === 0) return
    const mine = generation
    running = mine
    builtFor.value = volume.id
    building.value = true
    unsubscribe ??= api.on('mri.progress', onProgress)
    let built = 0
    try {
      for (let index = 0; mine === generation && !stopped.value; index++) {
        const queue = plan.value.auto
        if (queue.length === 0) break
        const labels = queue.slice(0, batchSize(index))
        batch = { start: built, size: labels.length }
        progress.value = { built, total: built + queue.length }
        if (!(await buildBatch(volume.id, labels, mine))) break
        built += labels.length
      }
    } finally {
      if (mine === generation) {
        running = null
        building.value = false
        progress.value = null
      }
    }
  }

  /** One mri.meshes call: its surfaces are added to those shown. False when it failed, was stopped or is stale. */
  async function buildBatch(id: string, labels: number[], mine: number): Promise<boolean> {
    const colors = new Map(viewer.labelEntries.map((entry) => [entry.label, entry.color]))
    try {
      const answer = await api.call('mri.meshes', { id, labels })
      const loaded = await Promise.all(
        answer.meshes
          .filter((mesh) => mesh.triangles > 0)
          .map(async (mesh) => ({ label: mesh.label, color: colors.get(mesh.label) ?? ([200, 200, 200] as const), buffer: markRaw((await fetchBytes(mesh.url)).bytes) })),
      )
      if (mine !== generation) return false
      surfaces.value = [...surfaces.value, ...loaded]
      done.value = new Set([...done.value, ...labels])
      return true
    } catch (error) {
      if (mine !== generation) return false
      // Stopped on purpose (cancel, or the label map closed in the core): nothing to report.
      const failure = error instanceof ResourceError ? new ApiError(codeForStatus(error.status), error.message, 'res/mri/mesh') : toApiError(error, 'mri.meshes')
      if (failure.code !== 'CANCELLED') app.report(failure)
      // Not retried by itself: the user's Build button tries again.
      stopped.value = true
      return false
    }
  }

  /** Stops building: the worker ends, the surfaces built so far stay. */
  async function cancel(): Promise<void> {
    const id = builtFor.value
    if (!building.value || !id) return
    stopped.value = true
    try {
      await api.call('mri.cancelMeshes', { id })
    } catch (error) {
      app.report(error, 'mri.cancelMeshes')
    }
  }

  /** Builds every visible label still without a surface, past the cap too. */
  async function buildMore(): Promise<void> {
    stopped.value = false
    capLifted.value = true
    await run()
  }

  function setGlobalOpacity(value: number): void {
    globalOpacity.value = Math.min(1, Math.max(0, value))
  }

  function setClip(next: ClipPlaneModel): void {
    clip.value = { ...next }
  }

  // A new or closed label map takes its surfaces with it; a new one starts building its own.
  watch(
    () => viewer.labelVolume?.id ?? null,
    (id) => {
      if (id === builtFor.value) return
      reset()
      if (id !== null) void run()
    },
    { immediate: true },
  )
  // Labels shown again get their surfaces (a run going on picks them up by itself).
  watch(
    () => viewer.hiddenLabels,
    () => void run(),
  )

  /** Stops following progress events (the app's teardown). */
  function stop(): void {
    unsubscribe?.()
    unsubscribe = null
  }

  return {
    surfaces,
    builtFor,
    done,
    building,
    progress,
    stopped,
    waiting,
    plan,
    globalOpacity,
    clip,
    status,
    run,
    cancel,
    buildMore,
    reset,
    setGlobalOpacity,
    setClip,
    stop,
  }
})
