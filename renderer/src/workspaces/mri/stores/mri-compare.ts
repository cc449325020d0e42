import { defineStore } from 'pinia'
import { ref, shallowRef, watch } from 'vue'
import type { DiceResult, OpenVolume } from '../../../../../main/api'
import { ApiError, toApiError } from '../../../api/client'
import { useApi } from '../../../api/inject'
import { ResourceError, codeForStatus } from '../../../lib/resources'
import { differenceLegend, labelDifference, type DifferenceCounts } from '../lib/label-difference'
import { sameGrid } from '../lib/label-sampler'
import { fetchVoxels } from '../lib/voxels'
import { useAppStore } from '../../../stores/app'
import { useMriViewerStore } from './mri-viewer'

/**
 * A second label map compared with the open one (say a prediction, A, against a reference, B): the
 * per-label Dice from the core (mri.dice) and a per-voxel difference map that the slice views can show
 * instead of the labels. Both maps must share a voxel grid. The second map is closed in the core when
 * it is replaced, when the comparison is closed, and when the first label map changes.
 */
export const useMriCompareStore = defineStore('mriCompare', () => {
  const api = useApi()
  const app = useAppStore()
  const viewer = useMriViewerStore()

  const other = shallowRef<OpenVolume | null>(null)
  const dice = shallowRef<DiceResult | null>(null)
  const counts = shallowRef<DifferenceCounts | null>(null)
  /** The file being compared while it loads. */
  const loading = ref<string | null>(null)
  /** The label map the comparison belongs to (its id). */
  let against: string | null = null
  let generation = 0

  function release(volume: OpenVolume | null): void {
    if (volume) void api.call('mri.close', { id: volume.id }).catch(() => {})
  }

  function close(): void {
    generation++
    release(other.value)
    other.value = null
    dice.value = null
    counts.value = null
    loading.value = null
    against = null
    if (viewer.difference) viewer.setDifference(null)
  }

  /** Opens `path` as map B and compares the open label map (A) with it; false when it failed (the banner says why). */
  async function compareWith(path: string): Promise<boolean> {
    const mapA = viewer.labels
    if (!mapA) return false
    close()
    const mine = generation
    loading.value = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1)
    let opened: OpenVolume | null = null
    try {
      opened = await api.call('mri.open', { path, kind: 'labels' })
      if (!sameGrid(mapA.volume.display, opened.display)) {
        throw new ApiError(
          'VALIDATION',
          `${opened.name} (${opened.display.dims.join(' × ')}) is not on the voxel grid of ${mapA.volume.name} (${mapA.volume.display.dims.join(' × ')}): only label maps on the same grid can be compared.`,
          'mri.dice',
        )
      }
      const [result, voxels] = await Promise.all([api.call('mri.dice', { a: mapA.volume.id, b: opened.id }), fetchVoxels(opened)])
      if (mine !== generation || viewer.labels !== mapA) {
        release(opened)
        return false
      }
      if (!(voxels instanceof Int32Array)) throw new Error(`${opened.name} came as intensities, not labels.`)
      const diff = labelDifference(mapA.voxels, voxels)
      other.value = opened
      dice.value = result
      counts.value = diff.counts
      against = mapA.volume.id
      viewer.setDifference({ display: mapA.volume.display, voxels: diff.voxels, legend: differenceLegend('A', 'B') })
      return true
    } catch (error) {
      if (other.value !== opened) release(opened)
      if (mine === generation) {
        app.report(error instanceof ResourceError ? new ApiError(codeForStatus(error.status), error.message, 'res/mri/voxels') : toApiError(error, 'mri.dice'))
      }
      return false
    } finally {
      if (mine === generation) loading.value = null
    }
  }

  watch(
    () => viewer.labelVolume?.id ?? null,
    (id) => {
      if (against !== null && id !== against) close()
    },
  )

  return { other, dice, counts, loading, compareWith, close }
})
