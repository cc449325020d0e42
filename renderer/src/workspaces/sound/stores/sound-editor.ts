import { defineStore } from 'pinia'
import { computed, ref, shallowRef, type WritableComputedRef } from 'vue'
import type { OpenSound, RecentSound } from '../../../../../main/api'
import { ApiError, toApiError } from '../../../api/client'
import { useApi } from '../../../api/inject'
import { emptyTab, maxTabs, unsavedLabels, type SoundTab, type TabVersion, type TimeRange } from '../lib/editor-tabs'
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
import type { Viewport } from '../lib/viewport'
import { fadeAfter } from '../../../lib/transient'
import { useAppStore } from '../../../stores/app'

export type { TimeRange } from '../lib/editor-tabs'

/** What the editor is waiting for, if anything. */
export type SoundEditorBusy = 'open' | 'version' | 'export' | 'labels' | null

/** Where an opened file goes: in place of the active tab's sound, beside it as a version, or into a new tab. */
export type OpenTarget = 'replace' | 'version' | 'tab'

/** File extensions the editor opens. */
export const soundExtensions = ['wav', 'flac', 'mp3', 'ogg', 'oga'] as const

let counter = 0
function newKey(prefix: string): string {
  counter += 1
  return `${prefix}${Date.now().toString(36)}-${counter}`
}

const noVersions: TabVersion[] = []
const noRegions: SoundRegion[] = []

/**
 * The sounds open in the Sound workspace's editor, one tab each. A tab holds its versions (the first is
 * the sound as opened, others were added to compare with it), its labelled regions and markers, the
 * selection, gain, loudness matching and view; the fields below read and write the active tab's. The
 * tabs stay when the page is left (as the MRI viewer's volumes do); the session store keeps them in
 * the workspace. Every sound it opened it also closes (audio.close) when another file replaces it, a
 * version is removed or its tab is closed.
 */
export const useSoundEditorStore = defineStore('soundEditor', () => {
  const api = useApi()
  const app = useAppStore()

  const tabs = shallowRef<SoundTab[]>([])
  const activeKey = ref<string | null>(null)
  const recent = shallowRef<RecentSound[]>([])
  const busy = ref<SoundEditorBusy>(null)
  /** A line saying what the last export or label operation did. */
  const notice = ref<string | null>(null)
  fadeAfter(notice, () => app.succeeded())

  const activeTab = computed(() => tabs.value.find((tab) => tab.key === activeKey.value) ?? null)
  /** Every version of every tab (results and playback are kept per version). */
  const allVersions = computed(() => tabs.value.flatMap((tab) => tab.versions))

  function patchTab(key: string, patch: (tab: SoundTab) => Partial<SoundTab>): void {
    tabs.value = tabs.value.map((tab) => (tab.key === key ? { ...tab, ...patch(tab) } : tab))
  }

  function patchActive(patch: (tab: SoundTab) => Partial<SoundTab>): void {
    if (activeKey.value) patchTab(activeKey.value, patch)
  }

  /** A field of the active tab that reads and writes through. */
  function field<K extends keyof SoundTab>(name: K, fallback: SoundTab[K]): WritableComputedRef<SoundTab[K]> {
    return computed({
      get: () => activeTab.value?.[name] ?? fallback,
      set: (value) => patchActive(() => ({ [name]: value }) as Partial<SoundTab>),
    })
  }

  function withKey(sound: OpenSound | TabVersion): TabVersion {
    return 'key' in sound ? sound : { ...sound, key: newKey('v') }
  }

  const activeIndex = field('activeIndex', 0)
  const regions = field('regions', noRegions)
  const selectedId = field('selectedId', null)
  const selection = field('selection', null)
  const gainDb = field('gainDb', 0)
  const matchLoudness = field('matchLoudness', true)
  const view = field('view', null)
  const unsaved = field('unsaved', false)
  /** The active tab's versions; set without a tab, a tab is made for them. */
  const versions = computed<TabVersion[]>({
    get: () => activeTab.value?.versions ?? noVersions,
    set: (list) => {
      const keyed = list.map(withKey)
      if (activeTab.value) patchActive(() => ({ versions: keyed }))
      else addTab(emptyTab(newKey('t'), keyed))
    },
  })

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
  /** Regions and markers of the active tab that closing it or replacing its sound would lose. */
  const unsavedCount = computed(() => unsavedLabels(activeTab.value))

  function closeQuietly(list: readonly OpenSound[]): void {
    if (!list.length) return
    // A task later, when the editor has released the sounds' media elements and aborted its fetches,
    // so none of their requests reaches a closed sound. A sound the core no longer knows needs no closing.
    setTimeout(() => {
      for (const opened of list) void api.call('audio.close', { id: opened.id }).catch(() => {})
    }, 0)
  }

  /** Adds a tab (at `index`, else last) and shows it unless told not to. */
  function addTab(tab: SoundTab, index = tabs.value.length, show = true): void {
    const list = [...tabs.value]
    list.splice(Math.min(index, list.length), 0, tab)
    tabs.value = list
    if (show) activeKey.value = tab.key
  }

  async function refreshRecent(): Promise<void> {
    try {
      recent.value = await api.call('audio.recent', {})
    } catch (error) {
      app.report(error, 'audio.recent')
    }
  }

  /** Bumped per tab (or '' before the first) by every open into it, so an answer no longer wanted is closed again. */
  const generations = new Map<string, number>()
  let opening = 0

  /** Opens a file into the active tab (replacing its sound), as a version of it, or into a new tab. */
  async function openSound(source: { path: string } | { file: File }, target: OpenTarget): Promise<boolean> {
    const into = target === 'tab' ? null : (activeKey.value ?? '')
    const mine = into === null ? 0 : (generations.get(into) ?? 0) + 1
    if (into !== null) generations.set(into, mine)
    opening++
    busy.value = target === 'version' ? 'version' : 'open'
    try {
      if (target === 'tab' && tabs.value.length >= maxTabs) {
        throw new ApiError('VALIDATION', `At most ${maxTabs} sounds are open side by side: close a tab to open another.`, 'audio.open')
      }
      const opened = withKey(
        'path' in source ? await api.call('audio.open', { path: source.path }) : await uploadSound(source.file, source.file.name),
      )
      const gone = into !== null && (generations.get(into) !== mine || (into !== '' && !tabs.value.some((tab) => tab.key === into)))
      if (gone || (target === 'version' && !into)) {
        closeQuietly([opened])
        return false
      }
      if (target === 'version' && into) {
        patchTab(into, (tab) => ({ versions: [...tab.versions, opened], activeIndex: tab.versions.length }))
      } else if (into) {
        const previous = tabs.value.find((tab) => tab.key === into)!
        patchTab(into, (tab) => ({ ...emptyTab(tab.key, [opened]), gainDb: tab.gainDb, matchLoudness: tab.matchLoudness }))
        activeKey.value = into
        notice.value = null
        closeQuietly(previous.versions)
      } else {
        addTab(emptyTab(newKey('t'), [opened]))
        notice.value = null
      }
      app.succeeded()
      return true
    } catch (error) {
      if (into === null || generations.get(into) === mine) {
        app.report(
          error instanceof ResourceError
            ? new ApiError(codeForStatus(error.status), error.message, 'res/audio/import')
            : toApiError(error, 'audio.open'),
        )
      }
      return false
    } finally {
      opening--
      if (opening === 0 && (busy.value === 'open' || busy.value === 'version')) busy.value = null
      void refreshRecent()
    }
  }

  const open = (path: string) => openSound({ path }, 'replace')
  const openFile = (file: File) => openSound({ file }, 'replace')
  const openInNewTab = (path: string) => openSound({ path }, 'tab')
  const openFileInNewTab = (file: File) => openSound({ file }, 'tab')
  const addVersion = (path: string) => openSound({ path }, 'version')
  const addVersionFile = (file: File) => openSound({ file }, 'version')

  /**
   * Makes sure the tab's sounds are open in the core (it closes the least recently used past a dozen):
   * a sound still open answers at once, another is decoded again and gets a new handle.
   */
  async function reopen(key: string): Promise<void> {
    const tab = tabs.value.find((entry) => entry.key === key)
    if (!tab) return
    const again = await Promise.all(
      tab.versions.map((version) =>
        api.call('audio.open', { path: version.path, reuse: version.id }).then(
          (opened): TabVersion => ({ ...opened, key: version.key }),
          () => null,
        ),
      ),
    )
    const changed = new Map(again.flatMap((opened, i) => (opened && opened.id !== tab.versions[i]?.id ? [[opened.key, opened] as const] : [])))
    if (changed.size) patchTab(key, (current) => ({ versions: current.versions.map((version) => changed.get(version.key) ?? version) }))
  }

  let activation = 0
  /** Shows another tab, once its sounds are open. */
  async function activateTab(key: string): Promise<void> {
    if (key === activeKey.value || !tabs.value.some((tab) => tab.key === key)) return
    const mine = ++activation
    await reopen(key)
    if (mine === activation && tabs.value.some((tab) => tab.key === key)) activeKey.value = key
  }

  /** Closes a tab and its sounds; the tab to its right (else left) is shown. */
  function closeTab(key: string | null = activeKey.value): void {
    const index = tabs.value.findIndex((tab) => tab.key === key)
    const closing = tabs.value[index]
    if (!closing) return
    generations.delete(closing.key)
    tabs.value = tabs.value.filter((tab) => tab !== closing)
    if (activeKey.value === closing.key) {
      activeKey.value = (tabs.value[index] ?? tabs.value[index - 1])?.key ?? null
      notice.value = null
      if (activeKey.value) void reopen(activeKey.value)
    }
    closeQuietly(closing.versions)
  }

  function removeVersion(index: number): void {
    const removed = versions.value[index]
    if (index === 0 || !removed) return
    patchActive((tab) => ({
      versions: tab.versions.filter((_, i) => i !== index),
      activeIndex: tab.activeIndex >= index ? Math.max(0, tab.activeIndex - 1) : tab.activeIndex,
    }))
    closeQuietly([removed])
  }

  function setActive(index: number): boolean {
    if (index < 0 || index >= versions.value.length) return false
    activeIndex.value = index
    return true
  }

  /** Sets the selection (null, or an empty range, clears it); a selection deselects the region. */
  function setSelection(range: TimeRange | null): void {
    const bounds = range ? normaliseRange(range.start, range.end, duration.value) : null
    const next = bounds && bounds.end > bounds.start ? bounds : null
    patchActive((tab) => ({ selection: next, selectedId: next ? null : tab.selectedId }))
  }

  function selectRegion(id: string | null): void {
    patchActive((tab) => {
      const chosen = id && tab.regions.some((region) => region.id === id) ? id : null
      return { selectedId: chosen, selection: chosen ? null : tab.selection }
    })
  }

  /** Selects the region before or after the selected one (by start). */
  function selectAdjacent(direction: -1 | 1): void {
    const list = sortRegions(regions.value)
    if (!list.length) return
    const index = list.findIndex((region) => region.id === selectedId.value)
    const next = index < 0 ? (direction > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, index + direction))
    selectRegion(list[next]!.id)
  }

  /** Changes the active tab's regions; they now differ from any label track written. */
  function editRegions(change: (list: SoundRegion[]) => SoundRegion[], extra: Partial<SoundTab> = {}): void {
    patchActive((tab) => ({ regions: change(tab.regions), unsaved: true, ...extra }))
  }

  function addRegion(range: TimeRange, label?: string): string {
    const bounds = normaliseRange(range.start, range.end, duration.value)
    const kind = bounds.end === bounds.start ? 'marker' : 'region'
    const region: SoundRegion = { id: newKey('r'), ...bounds, label: label ?? nextLabel(regions.value, kind) }
    editRegions((list) => sortRegions([...list, region]), { selection: null, selectedId: region.id })
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
    editRegions((list) => sortRegions(withRegionChanged(list, id, patch, duration.value)))
  }

  function renameRegion(id: string, label: string): void {
    const text = label.trim()
    if (text && regions.value.find((region) => region.id === id)?.label !== text) updateRegion(id, { label: text })
  }

  function removeRegion(id: string): void {
    editRegions((list) => list.filter((region) => region.id !== id), selectedId.value === id ? { selectedId: null } : {})
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
      const added = fromAudioLabels(labels, duration.value, () => newKey('r'))
      editRegions((list) => sortRegions([...list, ...added]))
      notice.value = `Imported ${added.length} label${added.length === 1 ? '' : 's'} from ${path}.`
      return added.length
    })
  }

  /** Writes the regions and markers as an Audacity label track; throws the core's error. */
  async function exportLabels(path: string): Promise<void> {
    const key = activeKey.value
    const written = regions.value
    await runBusy('labels', async () => {
      const result = await api.call('audio.labels.write', { path, labels: toAudioLabels(written) })
      // Saved, unless they changed while the file was written.
      if (key) patchTab(key, (tab) => (tab.regions === written ? { unsaved: false } : {}))
      notice.value = `Wrote ${result.count} label${result.count === 1 ? '' : 's'} to ${result.path}.`
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

  /** Keeps the view of the active tab (null: fit); the editor calls it as the view changes. */
  function setView(next: Viewport | null): void {
    const current = view.value
    if (current === next || (current && next && current.start === next.start && current.pxPerSec === next.pxPerSec)) return
    view.value = next
  }

  return {
    tabs,
    activeKey,
    activeTab,
    allVersions,
    versions,
    activeIndex,
    regions,
    selectedId,
    selection,
    gainDb,
    matchLoudness,
    view,
    unsaved,
    unsavedCount,
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
    openInNewTab,
    openFileInNewTab,
    addVersion,
    addVersionFile,
    addTab,
    reopen,
    activateTab,
    closeTab,
    removeVersion,
    setActive,
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
    setView,
  }
})
