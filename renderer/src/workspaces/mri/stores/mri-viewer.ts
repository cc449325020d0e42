import { defineStore } from 'pinia'
import { computed, markRaw, ref, shallowRef } from 'vue'
import type { LabelEntry, MethodOutput, OpenVolume, RecentVolume } from '../../../../../main/api'
import { ApiError, toApiError } from '../../../api/client'
import { useApi } from '../../../api/inject'
import { ResourceError, codeForStatus } from '../../../lib/resources'
import { columnLengths, type Vec3 } from '../lib/affine'
import { centreIndex, clampIndex, displayToWorld, insideGrid, worldToDisplay, type DisplayGrid } from '../lib/grid'
import { labelLocation } from '../lib/label-location'
import { LabelPalette } from '../lib/label-palette'
import { LabelSampler } from '../lib/label-sampler'
import type { Axis, Convention } from '../lib/planes'
import { readoutAt, type Readout } from '../lib/readout'
import { fetchVoxels } from '../lib/voxels'
import { presetWindow, type IntensityStats, type IntensityWindow, type WindowPresetId } from '../lib/window-level'
import { useAppStore } from '../../../stores/app'

/** An open volume with its voxels (display grid, RAS+). */
export interface LoadedImage {
  volume: OpenVolume
  voxels: Float32Array
}

export interface LoadedLabels {
  volume: OpenVolume
  voxels: Int32Array
}

export type MriVolumeKind = OpenVolume['kind']

/** A per-voxel comparison of the label map with a second one (lib/label-difference), drawn instead of the labels when shown. */
export interface DifferenceOverlay {
  /** The label map's display grid, which the second map shares. */
  display: DisplayGrid
  voxels: Int32Array
  legend: readonly Pick<LabelEntry, 'label' | 'name' | 'color'>[]
}

/** A segmentation's confidence map (lib/confidence-map), drawn instead of the labels when shown. */
export interface ConfidenceOverlay {
  /** The label map's display grid, which the map shares. */
  display: DisplayGrid
  /** Per display voxel, the bin of its top probability (0: not seen by the model). */
  voxels: Int32Array
  legend: readonly Pick<LabelEntry, 'label' | 'name' | 'color'>[]
}

/** What the slice views colour: a label sampler and its palette. */
export interface SliceOverlaySource {
  sampler: LabelSampler
  palette: LabelPalette
}

/** What the page waits for: opening an image or a label map. */
export type MriBusy = MriVolumeKind | null

export interface OpenOptions {
  /** Label maps: a colour table file. */
  lut?: string
  /** DICOM folders: the series to read. */
  series?: string
  /** 4-D files: the frame to read. */
  frame?: number
}

/** Extensions the Open dialogs list (`.nii.gz` ends in gz); DICOM series are folders. */
export const volumeExtensions = ['nii', 'gz', 'hdr', 'img'] as const
export const colourTableExtensions = ['txt', 'lut', 'csv', 'json', 'ctbl'] as const

/** The overlay's opacity when a label map opens. */
export const defaultOverlayOpacity = 0.5

/**
 * The MRI workspace's viewer: the open image and label map (with their voxels), the crosshair (an
 * integer display index of the reference grid: the image's, else the label map's), the intensity
 * window, the overlay's opacity and per-label visibility, the left/right convention, and the recent
 * files. The slice views, the 3D view and the structure tables all read from here.
 *
 * Volumes stay open when the page is left (reopening a 256^3 volume costs seconds); each is closed in
 * the core (mri.close) when replaced or closed here.
 */
export const useMriViewerStore = defineStore('mriViewer', () => {
  const api = useApi()
  const app = useAppStore()

  const image = shallowRef<LoadedImage | null>(null)
  const labels = shallowRef<LoadedLabels | null>(null)
  const crosshair = shallowRef<Vec3>([0, 0, 0])
  const intensityWindow = shallowRef<IntensityWindow>({ low: 0, high: 1 })
  /** The preset the window came from; null once dragged or typed. */
  const windowPreset = ref<WindowPresetId | null>('auto')
  const overlayOpacity = ref(defaultOverlayOpacity)
  /** Labels the user hid (the 2D overlay and the 3D surfaces both leave them out). */
  const hiddenLabels = shallowRef<ReadonlySet<number>>(new Set())
  const convention = ref<Convention>('radiological')
  const recent = shallowRef<RecentVolume[]>([])
  const difference = shallowRef<DifferenceOverlay | null>(null)
  /** Whether the slice views show the difference map instead of the labels. */
  const showDifference = ref(false)
  /** The open label map's confidence map, when it is a segmentation made here. */
  const confidence = shallowRef<ConfidenceOverlay | null>(null)
  /** Whether the slice views show the confidence map instead of the labels. */
  const showConfidence = ref(false)
  /** The file being opened, per kind, for "Loading ch2better.nii.gz…". */
  const loading = shallowRef<Partial<Record<MriVolumeKind, string>>>({})

  /** The grid the views show: the image's display grid, else the label map's. */
  const grid = computed<DisplayGrid | null>(() => image.value?.volume.display ?? labels.value?.volume.display ?? null)
  /** mm per display voxel along x, y, z. */
  const spacing = computed<Vec3>(() => (grid.value ? columnLengths(grid.value.affine) : [1, 1, 1]))
  /** The crosshair in world mm (RAS+): what the 3D view and the tables follow. */
  const crosshairWorld = computed<Vec3 | null>(() => (grid.value ? displayToWorld(grid.value, crosshair.value) : null))
  const labelVolume = computed(() => labels.value?.volume ?? null)
  /** Every label of the open label map, with name, colour, voxels and mL (background excluded). */
  const labelEntries = computed<readonly LabelEntry[]>(() => labels.value?.volume.labels ?? [])
  /** Visibility per label in the shape the 3D view and the tables take: false for a hidden label, absent for a shown one. */
  const labelVisibility = computed<Readonly<Record<number, boolean>>>(() => Object.fromEntries([...hiddenLabels.value].map((label) => [label, false])))
  const palette = computed(() => markRaw(LabelPalette.from(labelEntries.value, hiddenLabels.value)))
  /** Reads the label map at the reference grid's voxels; null without a label map. */
  const labelSampler = computed(() => {
    const reference = grid.value
    const loaded = labels.value
    return reference && loaded ? markRaw(new LabelSampler(reference, loaded.volume.display, loaded.voxels)) : null
  })
  /** What the slice views colour: the difference map while it is shown, else the label map. The readout keeps naming labels. */
  const overlay = computed<SliceOverlaySource | null>(() => {
    const reference = grid.value
    const diff = difference.value
    if (reference && diff && showDifference.value) {
      return { sampler: markRaw(new LabelSampler(reference, diff.display, diff.voxels)), palette: markRaw(LabelPalette.from(diff.legend)) }
    }
    const sure = confidence.value
    if (reference && sure && showConfidence.value) {
      return { sampler: markRaw(new LabelSampler(reference, sure.display, sure.voxels)), palette: markRaw(LabelPalette.from(sure.legend)) }
    }
    const sampler = labelSampler.value
    return sampler ? { sampler, palette: palette.value } : null
  })
  const intensityStats = computed<IntensityStats | null>(() => {
    const volume = image.value?.volume
    if (!volume) return null
    return { p1: volume.display.window.low, p99: volume.display.window.high, min: volume.info.min, max: volume.info.max }
  })
  const busy = computed<MriBusy>(() => (loading.value.image !== undefined ? 'image' : loading.value.labels !== undefined ? 'labels' : null))
  const loadingMessage = computed(() => {
    const names = [loading.value.image, loading.value.labels].filter((name): name is string => name !== undefined)
    return names.length ? `Loading ${names.join(' and ')}…` : null
  })
  const hasVolume = computed(() => grid.value !== null)

  /** Bumped by every open of that kind, so an answer nobody waits for any more is closed again. */
  const generations: Record<MriVolumeKind, number> = { image: 0, labels: 0 }

  function closeQuietly(volume: OpenVolume | null | undefined): void {
    if (volume) void api.call('mri.close', { id: volume.id }).catch(() => {})
  }

  async function refreshRecent(): Promise<void> {
    try {
      recent.value = await api.call('mri.recent', {})
    } catch (error) {
      app.report(error, 'mri.recent')
    }
  }

  /** The DICOM series in a folder (for the user to choose one); null when listing failed (the banner says why). */
  async function listSeries(path: string): Promise<MethodOutput<'mri.series'> | null> {
    try {
      return await api.call('mri.series', { path })
    } catch (error) {
      app.report(error, 'mri.series')
      return null
    }
  }

  function reportOpenError(error: unknown): void {
    app.report(
      error instanceof ResourceError
        ? new ApiError(codeForStatus(error.status), error.message, 'res/mri/voxels')
        : toApiError(error, 'mri.open'),
    )
  }

  function fileName(path: string): string {
    const trimmed = path.replace(/[\\/]+$/, '')
    return trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1) || path
  }

  /** Opens a file as the image or the label map, replacing the one open; false when it failed or was superseded. */
  async function open(path: string, kind: MriVolumeKind = 'image', options: OpenOptions = {}): Promise<boolean> {
    const mine = ++generations[kind]
    setLoading(kind, fileName(path))
    let opened: OpenVolume | null = null
    try {
      opened = await api.call('mri.open', { path, kind, ...options })
      const voxels = await fetchVoxels(opened)
      if (mine !== generations[kind]) {
        closeQuietly(opened)
        return false
      }
      if (kind === 'image') {
        if (!(voxels instanceof Float32Array)) throw new Error(`${opened.name} came as labels, not intensities.`)
        setImage({ volume: opened, voxels: markRaw(voxels) })
      } else {
        if (!(voxels instanceof Int32Array)) throw new Error(`${opened.name} came as intensities, not labels.`)
        setLabels({ volume: opened, voxels: markRaw(voxels) })
      }
      app.succeeded()
      return true
    } catch (error) {
      if (opened) closeQuietly(opened)
      if (mine === generations[kind]) reportOpenError(error)
      return false
    } finally {
      if (mine === generations[kind]) setLoading(kind, undefined)
      void refreshRecent()
    }
  }

  function setLoading(kind: MriVolumeKind, name: string | undefined): void {
    const next = { ...loading.value }
    if (name === undefined) delete next[kind]
    else next[kind] = name
    loading.value = next
  }

  const openImage = (path: string, options?: OpenOptions) => open(path, 'image', options)
  const openLabels = (path: string, options?: OpenOptions) => open(path, 'labels', options)

  function setImage(next: LoadedImage): void {
    const previous = image.value
    image.value = next
    crosshair.value = centreIndex(next.volume.display.dims)
    applyPreset('auto')
    if (previous) closeQuietly(previous.volume)
  }

  function setLabels(next: LoadedLabels): void {
    const previous = labels.value
    labels.value = next
    hiddenLabels.value = new Set()
    setDifference(null)
    setConfidence(null)
    if (!image.value) crosshair.value = centreIndex(next.volume.display.dims)
    if (previous) closeQuietly(previous.volume)
  }

  /**
   * Shows a label map the core opened by itself (a segmentation): as if opened from a file, with its
   * confidence map when it has one. Throws what fetching its voxels threw (the volume is closed then).
   */
  async function adoptLabels(volume: OpenVolume, confidenceMap?: Omit<ConfidenceOverlay, 'display'>): Promise<void> {
    const mine = ++generations.labels
    try {
      const voxels = await fetchVoxels(volume)
      if (!(voxels instanceof Int32Array)) throw new Error(`${volume.name} came as intensities, not labels.`)
      if (mine !== generations.labels) return closeQuietly(volume)
      setLabels({ volume, voxels: markRaw(voxels) })
      if (confidenceMap) setConfidence({ ...confidenceMap, display: volume.display })
    } catch (error) {
      closeQuietly(volume)
      throw error
    }
  }

  /** The open label map's record after the core changed it (saved under a new name); the voxels stay. */
  function renameLabels(volume: OpenVolume): void {
    const loaded = labels.value
    if (loaded && loaded.volume.id === volume.id) labels.value = { ...loaded, volume }
  }

  function closeImage(): void {
    generations.image++
    const previous = image.value
    image.value = null
    setLoading('image', undefined)
    if (labels.value) crosshair.value = clampIndex(labels.value.volume.display.dims, crosshair.value)
    closeQuietly(previous?.volume)
  }

  function closeLabels(): void {
    generations.labels++
    const previous = labels.value
    labels.value = null
    hiddenLabels.value = new Set()
    setDifference(null)
    setConfidence(null)
    setLoading('labels', undefined)
    closeQuietly(previous?.volume)
  }

  /** Closes the image and the label map. */
  function close(): void {
    closeImage()
    closeLabels()
  }

  /** Moves the crosshair to a display index of the reference grid (rounded, kept inside). */
  function setCrosshair(index: readonly number[]): void {
    const dims = grid.value?.dims
    if (!dims) return
    const next = clampIndex(dims, index)
    const current = crosshair.value
    if (next[0] !== current[0] || next[1] !== current[1] || next[2] !== current[2]) crosshair.value = next
  }

  /** Moves the crosshair `delta` slices along a display axis (2: axial, 1: coronal, 0: sagittal). */
  function moveSlice(axis: Axis, delta: number): void {
    const next: Vec3 = [...crosshair.value]
    next[axis] += delta
    setCrosshair(next)
  }

  /** Moves the crosshair to the voxel at a world point (mm, RAS+); false (and no move) outside the grid. */
  function jumpToWorld(mm: readonly number[]): boolean {
    const reference = grid.value
    if (!reference) return false
    const index = worldToDisplay(reference, mm)
    if (!insideGrid(reference.dims, index)) return false
    setCrosshair(index)
    return true
  }

  /** Moves the crosshair into a structure (its voxel nearest its centroid); false when the label is absent. */
  function jumpToLabel(label: number): boolean {
    const loaded = labels.value
    if (!loaded) return false
    const where = labelLocation(loaded.voxels, loaded.volume.display.dims, label)
    return where ? jumpToWorld(displayToWorld(loaded.volume.display, where)) : false
  }

  function setWindow(next: IntensityWindow): void {
    if (!(next.high > next.low)) return
    intensityWindow.value = { low: next.low, high: next.high }
    windowPreset.value = null
  }

  function applyPreset(id: WindowPresetId): void {
    const stats = intensityStats.value
    if (!stats) return
    const next = presetWindow(id, stats)
    intensityWindow.value = next.high > next.low ? next : { low: next.low, high: next.low + 1 }
    windowPreset.value = id
  }

  function setOverlayOpacity(value: number): void {
    overlayOpacity.value = Math.min(1, Math.max(0, value))
  }

  function isLabelVisible(label: number): boolean {
    return !hiddenLabels.value.has(label)
  }

  function setLabelVisible(label: number, visible: boolean): void {
    if (visible === isLabelVisible(label)) return
    const next = new Set(hiddenLabels.value)
    if (visible) next.delete(label)
    else next.add(label)
    hiddenLabels.value = next
  }

  function setAllLabelsVisible(visible: boolean): void {
    hiddenLabels.value = visible ? new Set() : new Set(labelEntries.value.map((entry) => entry.label))
  }

  /** Sets (or clears) the difference map; a new one is shown at once. */
  function setDifference(next: DifferenceOverlay | null): void {
    difference.value = next ? { ...next, voxels: markRaw(next.voxels) } : null
    showDifference.value = next !== null
    if (next) showConfidence.value = false
  }

  function setShowDifference(show: boolean): void {
    showDifference.value = show && difference.value !== null
    if (showDifference.value) showConfidence.value = false
  }

  /** Sets (or clears) the confidence map; it is shown when asked (setShowConfidence). */
  function setConfidence(next: ConfidenceOverlay | null): void {
    confidence.value = next ? { ...next, voxels: markRaw(next.voxels) } : null
    if (!next) showConfidence.value = false
  }

  /** Shows the confidence map instead of the labels (and of the difference map), or the labels again. */
  function setShowConfidence(show: boolean): void {
    showConfidence.value = show && confidence.value !== null
    if (showConfidence.value) showDifference.value = false
  }

  function setConvention(next: Convention): void {
    convention.value = next
  }

  function openLabelId(method: string): string {
    const id = labels.value?.volume.id
    if (!id) throw new ApiError('VALIDATION', 'Open a label map first.', method)
    return id
  }

  /** Writes the label map as .nii.gz on its native grid (geometry kept); answers the path written. Throws the core's error. */
  async function exportLabels(path: string): Promise<string> {
    return (await api.call('mri.exportLabels', { id: openLabelId('mri.exportLabels'), path })).path
  }

  /** Writes label surfaces (those of `labelList`, else all) as STL or OBJ files into a folder; answers the files. */
  async function exportMeshes(dir: string, format: 'stl' | 'obj', labelList?: readonly number[]): Promise<string[]> {
    const id = openLabelId('mri.exportMeshes')
    return (await api.call('mri.exportMeshes', { id, dir, format, ...(labelList ? { labels: [...labelList] } : {}) })).files
  }

  /** The readout at a display index of the reference grid (the pointer's, or the crosshair's by default). */
  function readout(index: readonly number[] = crosshair.value): Readout | null {
    const reference = grid.value
    if (!reference) return null
    const sampler = labelSampler.value
    return readoutAt(index, { grid: reference, image: image.value?.voxels ?? null, labels: sampler ? { sampler, palette: palette.value } : null })
  }

  return {
    image,
    labels,
    crosshair,
    intensityWindow,
    windowPreset,
    overlayOpacity,
    hiddenLabels,
    convention,
    recent,
    busy,
    loading,
    grid,
    spacing,
    crosshairWorld,
    labelVolume,
    labelEntries,
    labelVisibility,
    palette,
    labelSampler,
    difference,
    showDifference,
    confidence,
    showConfidence,
    overlay,
    intensityStats,
    loadingMessage,
    hasVolume,
    refreshRecent,
    listSeries,
    open,
    openImage,
    openLabels,
    closeImage,
    closeLabels,
    close,
    setCrosshair,
    moveSlice,
    jumpToWorld,
    jumpToLabel,
    setWindow,
    applyPreset,
    setOverlayOpacity,
    isLabelVisible,
    setLabelVisible,
    setAllLabelsVisible,
    setConvention,
    setDifference,
    setShowDifference,
    setConfidence,
    setShowConfidence,
    adoptLabels,
    renameLabels,
    exportLabels,
    exportMeshes,
    readout,
  }
})
