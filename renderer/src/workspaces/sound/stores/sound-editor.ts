import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { OpenSound, RecentSound } from '../../../../../main/api'
import { ApiError, toApiError } from '../../../api/client'
import { useApi } from '../../../api/inject'
import { matchedGainsDb, playbackGainDb } from '../lib/loudness'
import {
  fromAudioLabels,
  isMarker,
  nextLabel,
  normaliseRange,
  sortRegions,
  toAudioLabels,
  withRegionChanged,
  type SoundRegion,
} from '../lib/regions'
import { ResourceError, codeForStatus, uploadSound } from '../lib/resources'
import { useAppStore } from '../../../stores/app'

export interface TimeRange {
  start: number
  end: number
}

/** What the editor is waiting for, if anything. */
export type SoundEditorBusy = 'open' | 'version' | 'export' | 'labels' | null

/** File extensions the editor opens. */
export const soundExtensions = ['wav', 'flac', 'mp3', 'ogg', 'oga'] as const

let regionCounter = 0
function newRegionId(): string {
  regionCounter += 1
  return `r${Date.now().toString(36)}-${regionCounter}`
}

/**
 * The sound open in the Sound workspace's editor: its versions (the first is the sound as opened,
 * others were added to compare with it), its labelled regions and markers, the selection, gain and
 * loudness matching, and the recent files. Every sound it opened it also closes (audio.close) when
 * another file replaces it, a version is removed, or the page leaves (close()).
 */
export const useSoundEditorStore = defineStore('soundEditor', () => {
  const api = useApi()
  const app = useAppStore()

  const versions = shallowRef<OpenSound[]>([])
  const activeIndex = ref(0)
  const regions = shallowRef<SoundRegion[]>([])
  const selectedId = ref<string | null>(null)
  const selection = shallowRef<TimeRange | null>(null)
  const gainDb = ref(0)
  const matchLoudness = ref(true)
  const recent = shallowRef<RecentSound[]>([])
  const busy = ref<SoundEditorBusy>(null)
  /** A line saying what the last export or label operation did. */
  const notice = ref<string | null>(null)

  const sound = computed(() => versions.value[0] ?? null)
  const active = computed(() => versions.value[activeIndex.value] ?? sound.value)
  const duration = computed(() => active.value?.info.duration ?? 0)
  const matchedDb = computed(() => matchedGainsDb(versions.value.map((version) => version.info.lufs)))
  const playbackDb = computed(() =>
    versions.value.map((_, index) => playbackGainDb(gainDb.value, matchedDb.value[index] ?? null, matchLoudness.value)),
  )
  const activeGainDb = computed(() => playbackDb.value[activeIndex.value] ?? gainDb.value)
  const selectedRegion = computed(() => regions.value.find((region) => region.id === selectedId.value) ?? null)
  /** What play-once, loop, zoom-to and export act on: the selected region, else the selection. */
  const activeRange = computed<TimeRange | null>(() => {
    const region = selectedRegion.value
    if (region && !isMarker(region)) return { start: region.start, end: region.end }
    return selection.value
  })

  /** Bumped by every open, so an answer for a file that is no longer wanted is closed again. */
  let generation = 0

  function closeQuietly(list: readonly OpenSound[]): void {
    if (!list.length) return
    // A task later, when the editor has released the sounds' media elements and aborted its fetches,
    // so none of their requests reaches a closed sound. A sound the core no longer knows needs no closing.
    setTimeout(() => {
      for (const opened of list) void api.call('audio.close', { id: opened.id }).catch(() => {})
    }, 0)
  }

  function resetEditing(): void {
    activeIndex.value = 0
    regions.value = []
    selectedId.value = null
    selection.value = null
    notice.value = null
  }

  function replaceWith(opened: OpenSound): void {
    const previous = versions.value
    versions.value = [opened]
    resetEditing()
    closeQuietly(previous)
  }

  async function refreshRecent(): Promise<void> {
    try {
      recent.value = await api.call('audio.recent', {})
    } catch (error) {
      app.report(error, 'audio.recent')
    }
  }

  /** Opens a file as the sound (or, with `asVersion`, adds it as a version of the open one). */
  async function openSound(source: { path: string } | { file: File }, asVersion = false): Promise<boolean> {
    const mine = ++generation
    busy.value = asVersion ? 'version' : 'open'
    try {
      const opened =
        'path' in source ? await api.call('audio.open', { path: source.path }) : await uploadSound(source.file, source.file.name)
      if (mine !== generation || (asVersion && !sound.value)) {
        closeQuietly([opened])
        return false
      }
      if (asVersion) {
        versions.value = [...versions.value, opened]
        activeIndex.value = versions.value.length - 1
      } else {
        replaceWith(opened)
      }
      return true
    } catch (error) {
      if (mine === generation) {
        app.report(
          error instanceof ResourceError
            ? new ApiError(codeForStatus(error.status), error.message, 'res/audio/import')
            : toApiError(error, 'audio.open'),
        )
      }
      return false
    } finally {
      if (mine === generation) busy.value = null
      void refreshRecent()
    }
  }

  const open = (path: string) => openSound({ path })
  const openFile = (file: File) => openSound({ file })
  const addVersion = (path: string) => openSound({ path }, true)
  const addVersionFile = (file: File) => openSound({ file }, true)

  function removeVersion(index: number): void {
    const removed = versions.value[index]
    if (index === 0 || !removed) return
    versions.value = versions.value.filter((_, i) => i !== index)
    if (activeIndex.value >= index) activeIndex.value = Math.max(0, activeIndex.value - 1)
    closeQuietly([removed])
  }

  function setActive(index: number): boolean {
    if (index < 0 || index >= versions.value.length) return false
    activeIndex.value = index
    return true
  }

  /** Closes every version and forgets the editing state. */
  function close(): void {
    generation++
    const previous = versions.value
    versions.value = []
    resetEditing()
    busy.value = null
    closeQuietly(previous)
  }

  /** Sets the selection (null, or an empty range, clears it); a selection deselects the region. */
  function setSelection(range: TimeRange | null): void {
    const bounds = range ? normaliseRange(range.start, range.end, duration.value) : null
    selection.value = bounds && bounds.end > bounds.start ? bounds : null
    if (selection.value) selectedId.value = null
  }

  function selectRegion(id: string | null): void {
    selectedId.value = id && regions.value.some((region) => region.id === id) ? id : null
    if (selectedId.value) selection.value = null
  }

  /** Selects the region before or after the selected one (by start). */
  function selectAdjacent(direction: -1 | 1): void {
    const list = sortRegions(regions.value)
    if (!list.length) return
    const index = list.findIndex((region) => region.id === selectedId.value)
    const next = index < 0 ? (direction > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + direction))
    selectRegion(list[next]!.id)
  }

  function addRegion(range: TimeRange, label?: string): string {
    const bounds = normaliseRange(range.start, range.end, duration.value)
    const kind = bounds.end === bounds.start ? 'marker' : 'region'
    const region: SoundRegion = { id: newRegionId(), ...bounds, label: label ?? nextLabel(regions.value, kind) }
    regions.value = sortRegions([...regions.value, region])
    selection.value = null
    selectedId.value = region.id
    return region.id
  }

  /** Turns the selection into a labelled region; null without a selection. */
  function regionFromSelection(label?: string): string | null {
    const range = selection.value
    return range ? addRegion(range, label) : null
  }

  function addMarker(time: number, label?: string): string {
    return addRegion({ start: time, end: time }, label)
  }

  function updateRegion(id: string, patch: Partial<Omit<SoundRegion, 'id'>>): void {
    regions.value = sortRegions(withRegionChanged(regions.value, id, patch, duration.value))
  }

  function renameRegion(id: string, label: string): void {
    const text = label.trim()
    if (text) updateRegion(id, { label: text })
  }

  function removeRegion(id: string): void {
    regions.value = regions.value.filter((region) => region.id !== id)
    if (selectedId.value === id) selectedId.value = null
  }

  async function runBusy<T>(kind: Exclude<SoundEditorBusy, null>, work: () => Promise<T>): Promise<T> {
    busy.value = kind
    try {
      return await work()
    } finally {
      busy.value = null
    }
  }

  /** Adds the labels of an Audacity label track; throws the core's error for the dialog to show. */
  async function importLabels(path: string): Promise<number> {
    return runBusy('labels', async () => {
      const { labels } = await api.call('audio.labels.read', { path })
      const added = fromAudioLabels(labels, duration.value, newRegionId)
      regions.value = sortRegions([...regions.value, ...added])
      notice.value = `Imported ${added.length} label${added.length === 1 ? '' : 's'} from ${path}.`
      return added.length
    })
  }

  /** Writes the regions and markers as an Audacity label track; throws the core's error. */
  async function exportLabels(path: string): Promise<void> {
    await runBusy('labels', async () => {
      const written = await api.call('audio.labels.write', { path, labels: toAudioLabels(regions.value) })
      notice.value = `Wrote ${written.count} label${written.count === 1 ? '' : 's'} to ${written.path}.`
    })
  }

  /** Writes the active version (or `range` of it) as WAV with the gain it plays with; throws the core's error. */
  async function exportAudio(path: string, range: TimeRange | null, encoding: 'pcm16' | 'pcm24' | 'float32'): Promise<void> {
    const version = active.value
    if (!version) return
    await runBusy('export', async () => {
      const result = await api.call('audio.export', {
        id: version.id,
        path,
        ...(range ? { start: range.start, end: range.end } : {}),
        gainDb: Math.round(activeGainDb.value * 100) / 100,
        encoding,
      })
      const clipped = result.clipped > 0 ? ` ${result.clipped} samples clipped: lower the gain to avoid it.` : ''
      notice.value = `Exported ${result.frames} frames to ${result.path}.${clipped}`
    })
  }

  return {
    versions,
    activeIndex,
    regions,
    selectedId,
    selection,
    gainDb,
    matchLoudness,
    recent,
    busy,
    notice,
    sound,
    active,
    duration,
    matchedDb,
    playbackDb,
    activeGainDb,
    selectedRegion,
    activeRange,
    refreshRecent,
    open,
    openFile,
    addVersion,
    addVersionFile,
    removeVersion,
    setActive,
    close,
    setSelection,
    selectRegion,
    selectAdjacent,
    addRegion,
    regionFromSelection,
    addMarker,
    updateRegion,
    renameRegion,
    removeRegion,
    importLabels,
    exportLabels,
    exportAudio,
  }
})
