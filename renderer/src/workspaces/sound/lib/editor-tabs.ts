import type { EditorTabState, OpenSound, SoundClassificationResult, SoundEditorState } from '../../../../../main/api'
import { isMarker, sortRegions, type SoundRegion } from './regions'
import type { Viewport } from './viewport'

export interface TimeRange {
  start: number
  end: number
}

/** An open version of a tab's sound, with a key that outlives its core handle (a reopen gives a new id). */
export interface TabVersion extends OpenSound {
  key: string
}

/** One sound open in the editor: a tab with its versions and everything edited on them. */
export interface SoundTab {
  key: string
  versions: TabVersion[]
  activeIndex: number
  regions: SoundRegion[]
  selectedId: string | null
  selection: TimeRange | null
  gainDb: number
  matchLoudness: boolean
  /** null: fit the whole sound. */
  view: Viewport | null
  /** Regions or markers changed since they were last exported as a label track. */
  unsaved: boolean
}

/** Sounds open side by side; the core keeps 12 sounds open, versions included. */
export const maxTabs = 8

export function emptyTab(key: string, versions: TabVersion[]): SoundTab {
  return { key, versions, activeIndex: 0, regions: [], selectedId: null, selection: null, gainDb: 0, matchLoudness: true, view: null, unsaved: false }
}

/** What closing the tab or replacing its sound would lose: regions and markers never exported. */
export function unsavedLabels(tab: SoundTab | null | undefined): number {
  return tab && tab.unsaved ? tab.regions.length : 0
}

/** "2 regions and a marker", "1 region", "3 markers". */
export function describeLabels(regions: readonly SoundRegion[]): string {
  const markers = regions.filter((region) => isMarker(region)).length
  const spans = regions.length - markers
  const part = (count: number, noun: string) => (count === 1 ? `a ${noun}` : `${count} ${noun}s`)
  const parts = [spans ? part(spans, 'region') : '', markers ? part(markers, 'marker') : ''].filter(Boolean)
  return parts.join(' and ') || 'no labels'
}

/** The state kept in the workspace: tabs by file path, each version with its classification. */
export function savedState(
  tabs: readonly SoundTab[],
  activeKey: string | null,
  classificationOf: (version: TabVersion) => SoundClassificationResult | null,
): SoundEditorState {
  const kept = tabs.filter((tab) => tab.versions.length > 0)
  return {
    formatVersion: 1,
    activeKey: kept.some((tab) => tab.key === activeKey) ? activeKey : (kept[0]?.key ?? null),
    tabs: kept.map((tab) => ({
      key: tab.key,
      versions: tab.versions.map((version) => ({ path: version.path, name: version.name, id: version.id, classification: classificationOf(version) })),
      activeIndex: Math.min(tab.activeIndex, tab.versions.length - 1),
      regions: tab.regions.map(({ id, start, end, label }) => ({ id, start, end, label })),
      selectedId: tab.selectedId,
      selection: tab.selection,
      gainDb: tab.gainDb,
      matchLoudness: tab.matchLoudness,
      view: tab.view,
      unsaved: tab.unsaved,
    })),
  }
}

/**
 * A saved tab rebuilt around the versions that could be reopened (`opened[i]` for saved version i,
 * null where it failed); null when the sound itself (the first version) is gone.
 */
export function restoredTab(saved: EditorTabState, opened: ReadonlyArray<TabVersion | null>): SoundTab | null {
  if (!opened[0]) return null
  const versions = opened.filter((version): version is TabVersion => version !== null)
  const kept = opened.slice(0, saved.activeIndex + 1).filter((version) => version !== null).length
  const activeIndex = opened[saved.activeIndex] ? kept - 1 : 0
  const regions = sortRegions(saved.regions.filter((region) => region.end >= region.start))
  return {
    key: saved.key,
    versions,
    activeIndex,
    regions,
    selectedId: regions.some((region) => region.id === saved.selectedId) ? saved.selectedId : null,
    selection: saved.selection && saved.selection.end > saved.selection.start ? saved.selection : null,
    gainDb: saved.gainDb,
    matchLoudness: saved.matchLoudness,
    view: saved.view,
    unsaved: saved.unsaved,
  }
}

