import { nextTick, onBeforeUnmount, onMounted, ref, shallowRef, watch, type ComputedRef, type Ref, type ShallowRef } from 'vue'
import type { OpenSound } from '../../../../../main/api'
import type { EditorColors } from '../lib/editor-colors'
import { isMarker } from '../lib/regions'
import { clampView, fitPxPerSec, fitView, followTime, type ViewLimits, type Viewport } from '../lib/viewport'
import { useSoundEditorStore, type TimeRange } from '../stores/sound-editor'
import { PeakTiles } from './PeakTiles'
import { PlaybackEngine } from './PlaybackEngine'
import type SoundStage from './SoundStage.vue'
import { WavesurferLayer } from './WavesurferLayer'

/** A loop being played: a region's bounds (regionId set) or the selection's. */
export interface EditorLoop {
  range: TimeRange
  regionId: string | null
}

export interface SoundPlaybackOptions {
  /** The stage whose wave mount holds the wavesurfer layer, and which measures the width. */
  stage: Ref<InstanceType<typeof SoundStage> | null>
  view: ShallowRef<Viewport>
  width: Ref<number>
  limits: ComputedRef<ViewLimits>
  waveHeight: ComputedRef<number>
  colors: ShallowRef<EditorColors>
  /** Sets the view, clamped to the limits. */
  setView(next: Viewport): void
  report(error: unknown, what: string): void
}

/**
 * The sound editor's playback of the active tab: the PlaybackEngine (audio elements, Web Audio graph),
 * the WavesurferLayer (wavesurfer: the playback cursor), the PeakTiles of each version (their fetches),
 * the playhead and the loop. It owns what it creates: all of it goes when the sound is replaced,
 * another tab shows or the editor unmounts, and is made again from the tab (its view included) when
 * it shows again. The sounds themselves are the store's to close.
 */
export function useSoundPlayback(options: SoundPlaybackOptions) {
  const { stage, view, width, limits, waveHeight, colors, setView, report } = options
  const store = useSoundEditorStore()

  const playhead = ref(0)
  const playing = ref(false)
  const tiles = shallowRef<PeakTiles | null>(null)
  const tilesRevision = ref(0)
  const loop = shallowRef<EditorLoop | null>(null)

  let engine: PlaybackEngine | null = null
  let layer: WavesurferLayer | null = null
  /** The sound the engine and layer were made for: until the watcher rebuilds them for another tab, others are not theirs. */
  let setUpFor: string | null = null
  const tilesById = new Map<string, PeakTiles>()

  function tilesFor(sound: OpenSound): PeakTiles {
    const known = tilesById.get(sound.id)
    if (known) return known
    const { sampleRate, frames, duration } = sound.info
    const created = new PeakTiles({ id: sound.id, sampleRate, frames, duration }, () => tilesRevision.value++)
    tilesById.set(sound.id, created)
    void created.loadOverview().then(() => {
      if (created.error) report(new Error(`Could not load the waveform of ${sound.name}: ${created.error}`), 'res/audio/peaks')
    })
    return created
  }

  function teardown(): void {
    setUpFor = null
    layer?.destroy()
    layer = null
    engine?.destroy()
    engine = null
    for (const entry of tilesById.values()) entry.destroy()
    tilesById.clear()
    tiles.value = null
    loop.value = null
    playing.value = false
    playhead.value = 0
  }

  function setUp(sound: OpenSound): void {
    const mount = stage.value?.waveMount
    if (!mount) return
    const current = new PlaybackEngine(sound.id, sound.media, (id, message) => {
      const name = store.versions.find((version) => version.id === id)?.name ?? 'the sound'
      report(new Error(`Cannot play ${name}: ${message}.`), 'playback')
    })
    engine = current
    setUpFor = sound.id
    current.onTime((time, isPlaying) => {
      playhead.value = time
      playing.value = isPlaying
      if (isPlaying) setView(followTime(view.value, time, limits.value))
    })
    layer = new WavesurferLayer(mount, current.media, sound.info.duration, { height: waveHeight.value, colors: colors.value })
    syncVersions()
    tiles.value = tilesFor(sound)
    width.value = stage.value?.measure() ?? width.value
    // The tab's view as it was left (or saved), else the whole sound.
    view.value = store.view ? clampView(store.view, limits.value) : fitView(limits.value)
    layer.setView(view.value, width.value)
  }

  /** Gives the engine (and the tiles) every version of the store, and the gain each plays with. */
  function syncVersions(): void {
    if (!engine || setUpFor !== store.sound?.id) return
    const ids = new Set(store.versions.map((version) => version.id))
    for (const version of store.versions) {
      engine.addVersion(version.id, version.media)
      tilesFor(version)
    }
    for (const [id, entry] of tilesById) {
      if (ids.has(id)) continue
      engine.removeVersion(id)
      entry.destroy()
      tilesById.delete(id)
    }
    store.versions.forEach((version, index) => engine?.setGainDb(version.id, store.playbackDb[index] ?? 0))
  }

  async function activateVersion(sound: OpenSound): Promise<void> {
    if (!engine || setUpFor !== store.sound?.id || engine.activeId === sound.id) return
    tiles.value = tilesFor(sound)
    layer?.setDuration(sound.info.duration)
    setView(view.value)
    await attempt(() => engine?.activate(sound.id))
    // A version removed while it played is released once another one plays.
    syncVersions()
  }

  /** Runs a playback action, showing why the browser refused it. */
  async function attempt(action: () => Promise<void> | undefined): Promise<void> {
    try {
      await action()
    } catch (error) {
      report(error, 'playback')
    }
  }

  async function setLoop(next: EditorLoop | null): Promise<void> {
    loop.value = next
    await attempt(() => engine?.setLoop(next?.range ?? null))
  }

  /** Loops a region (the selected one by default) or the selection; again to stop. */
  function toggleLoop(regionId = store.selectedRegion && !isMarker(store.selectedRegion) ? store.selectedRegion.id : null): void {
    const region = regionId ? store.regions.find((entry) => entry.id === regionId) : null
    const range = region ? { start: region.start, end: region.end } : store.activeRange
    const same = loop.value?.regionId === (region?.id ?? null)
    if (loop.value && (same || !range)) void setLoop(null)
    else if (range) void setLoop({ range, regionId: region?.id ?? null })
  }

  function playRange(range: TimeRange | null): void {
    if (range) void attempt(() => engine?.playRange(range))
  }

  function togglePlay(): void {
    void attempt(() => engine?.toggle())
  }

  /** Moves the playback to a time (the view is the caller's to follow). */
  function seek(time: number): void {
    engine?.seek(time)
  }

  function setColors(next: EditorColors): void {
    layer?.setColors(next)
  }

  watch(
    () => store.sound?.id ?? null,
    async () => {
      teardown()
      const sound = store.sound
      if (!sound) return
      await nextTick()
      if (store.sound === sound) setUp(sound)
    },
    { flush: 'post' },
  )

  watch(() => [store.versions, store.playbackDb], syncVersions)
  watch(
    () => store.active,
    (active) => {
      if (active) void activateVersion(active)
    },
  )
  watch([view, width], ([next, size]) => {
    layer?.setView(next, size)
    // Kept in the tab (null while the whole sound shows, so a resized window still shows all of it).
    if (setUpFor && setUpFor === store.sound?.id && size > 0) {
      store.setView(Math.abs(next.pxPerSec - fitPxPerSec(limits.value)) < 1e-9 && next.start === 0 ? null : next)
    }
  })
  watch(waveHeight, (height) => layer?.setHeight(height))

  // A looped region that is moved or resized loops its new bounds.
  watch(
    () => store.regions,
    (regions) => {
      const current = loop.value
      if (!current?.regionId) return
      const region = regions.find((entry) => entry.id === current.regionId)
      if (!region) void setLoop(null)
      else if (region.start !== current.range.start || region.end !== current.range.end) {
        void setLoop({ range: { start: region.start, end: region.end }, regionId: region.id })
      }
    },
  )

  onMounted(() => {
    // Back on the page with a sound still open in its tab: build the editor for it again.
    const sound = store.sound
    if (sound) void nextTick(() => (store.sound === sound && !setUpFor ? setUp(sound) : undefined))
  })

  onBeforeUnmount(teardown)

  return { playhead, playing, tiles, tilesRevision, loop, setLoop, toggleLoop, playRange, togglePlay, seek, setColors }
}
