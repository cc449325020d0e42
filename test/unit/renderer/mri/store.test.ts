import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { OpenVolume } from '../../../../main/api'
import { useAppStore } from '../../../../renderer/src/stores/app'
import { useMriViewerStore } from '../../../../renderer/src/workspaces/mri/stores/mri-viewer'
import { FakeBridge, deferred, settle, storesOver } from '../fake-bridge'

const dims: [number, number, number] = [4, 5, 6]
const count = 4 * 5 * 6
// 2 mm voxels; display index (0, 0, 0) at (-3, -4, -5) mm.
const affine = [2, 0, 0, -3, 0, 2, 0, -4, 0, 0, 2, -5, 0, 0, 0, 1]

function volume(id: string, kind: 'image' | 'labels'): OpenVolume {
  return {
    id,
    path: `/scans/${id}.nii.gz`,
    name: `${id}.nii.gz`,
    kind,
    info: {
      format: 'nifti1',
      dims,
      voxelSize: [2, 2, 2],
      datatype: kind === 'image' ? 'int16' : 'uint8',
      affine,
      affineSource: 'sform',
      orientation: 'RAS',
      sformCode: 1,
      qformCode: 0,
      frames: 1,
      frame: 0,
      min: 0,
      max: 1000,
      mean: 200,
      description: '',
    },
    display: {
      dims,
      affine,
      toNative: { axes: [0, 1, 2], flip: [false, false, false] },
      voxels: `res/mri/${id}/voxels`,
      voxelType: kind === 'image' ? 'float32' : 'int32',
      window: { low: 100, high: 900 },
    },
    ...(kind === 'labels'
      ? {
          labels: [
            { label: 1, name: 'Left thing', color: [255, 0, 0] as [number, number, number], voxels: 60, volumeMl: 0.48 },
            { label: 2, name: 'Right thing', color: [0, 0, 255] as [number, number, number], voxels: 6, volumeMl: 0.048 },
          ],
        }
      : {}),
  }
}

/** Image voxel value: its offset. Labels: 1 where x < 2, 2 in the single voxel (3, 4, 5), else 0. */
function voxelBytes(kind: 'image' | 'labels'): ArrayBuffer {
  if (kind === 'image') return Float32Array.from({ length: count }, (_, i) => i).buffer
  const labels = new Int32Array(count)
  for (let i = 0; i < count; i++) labels[i] = i % 4 < 2 ? 1 : 0
  labels[3 + 4 * (4 + 5 * 5)] = 2
  return labels.buffer
}

function core(): FakeBridge {
  return new FakeBridge()
    .answer('mri.open', (input) => {
      const { path, kind } = input as { path: string; kind: 'image' | 'labels' }
      const id = /\/scans\/(\w+)\.nii\.gz$/.exec(path)?.[1]
      if (!id) return { ok: false, error: { code: 'INVALID_FILE', message: `${path} is not a NIfTI file.` } }
      return { ok: true, value: volume(id, kind) }
    })
    .answerValue('mri.close', { closed: true })
    .answerValue('mri.recent', [{ path: '/scans/t1.nii.gz', name: 't1.nii.gz', kind: 'image', openedAt: '2026-01-01T00:00:00Z' }])
}

const fetched: string[] = []

beforeEach(() => {
  fetched.length = 0
  vi.stubGlobal('fetch', async (url: string) => {
    fetched.push(url)
    const id = /res\/mri\/(\w+)\/voxels/.exec(url)?.[1] ?? ''
    if (id === 'broken') return new Response('The volume was closed.', { status: 404 })
    return new Response(voxelBytes(id.startsWith('seg') ? 'labels' : 'image'))
  })
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('the MRI viewer store', () => {
  it('opens an image: voxels fetched, crosshair in the middle, the auto window, recent files refreshed', async () => {
    const bridge = core()
    storesOver(bridge)
    const store = useMriViewerStore()
    const opening = store.openImage('/scans/t1.nii.gz')
    expect(store.busy).toBe('image')
    expect(store.loadingMessage).toBe('Loading t1.nii.gz…')
    expect(await opening).toBe(true)
    expect(store.busy).toBeNull()
    expect(store.loadingMessage).toBeNull()
    expect(fetched).toEqual(['res/mri/t1/voxels'])
    expect(store.image?.voxels.length).toBe(count)
    expect(store.crosshair).toEqual([2, 2, 3])
    expect(store.crosshairWorld).toEqual([1, 0, 1])
    expect(store.intensityWindow).toEqual({ low: 100, high: 900 })
    expect(store.windowPreset).toBe('auto')
    await settle()
    expect(store.recent.map((item) => item.name)).toEqual(['t1.nii.gz'])
    expect(bridge.callsTo('mri.open')).toEqual([{ path: '/scans/t1.nii.gz', kind: 'image' }])
  })

  it('moves the crosshair, by slices and to world mm, always inside the grid', async () => {
    storesOver(core())
    const store = useMriViewerStore()
    await store.openImage('/scans/t1.nii.gz')
    store.setCrosshair([10, -2, 2.6])
    expect(store.crosshair).toEqual([3, 0, 3])
    store.moveSlice(2, 2)
    expect(store.crosshair).toEqual([3, 0, 5])
    store.moveSlice(2, 5)
    expect(store.crosshair).toEqual([3, 0, 5])
    // World (-3, -4, -5) is voxel (0, 0, 0); (2.2, 0, 0.9) mm is nearest voxel (2.6, 2, 2.95) -> (3, 2, 3).
    expect(store.jumpToWorld([-3, -4, -5])).toBe(true)
    expect(store.crosshair).toEqual([0, 0, 0])
    expect(store.jumpToWorld([2.2, 0, 0.9])).toBe(true)
    expect(store.crosshair).toEqual([3, 2, 3])
    expect(store.jumpToWorld([100, 0, 0])).toBe(false)
    expect(store.crosshair).toEqual([3, 2, 3])
    expect(store.readout()).toMatchObject({ native: [3, 2, 3], world: [3, 0, 1], intensity: 3 + 4 * (2 + 5 * 3), label: null })
  })

  it('opens a label map over the image: names under the crosshair, visibility, opacity, jump to a structure', async () => {
    const bridge = core()
    storesOver(bridge)
    const store = useMriViewerStore()
    await store.openImage('/scans/t1.nii.gz')
    store.setCrosshair([1, 1, 1])
    expect(await store.openLabels('/scans/seg.nii.gz', { lut: '/scans/seg.txt' })).toBe(true)
    expect(bridge.callsTo('mri.open')[1]).toEqual({ path: '/scans/seg.nii.gz', kind: 'labels', lut: '/scans/seg.txt' })
    // The crosshair stays where it was when labels join an image.
    expect(store.crosshair).toEqual([1, 1, 1])
    expect(store.labelEntries.map((entry) => entry.name)).toEqual(['Left thing', 'Right thing'])
    expect(store.readout()).toMatchObject({ label: 1, labelName: 'Left thing' })
    expect(store.readout([2, 1, 1])).toMatchObject({ label: 0, labelName: null })
    store.setLabelVisible(1, false)
    expect(store.isLabelVisible(1)).toBe(false)
    expect(store.palette.isVisible(1)).toBe(false)
    expect(store.labelVisibility).toEqual({ 1: false })
    store.setAllLabelsVisible(true)
    expect([...store.hiddenLabels]).toEqual([])
    store.setAllLabelsVisible(false)
    expect([...store.hiddenLabels]).toEqual([1, 2])
    store.setOverlayOpacity(1.7)
    expect(store.overlayOpacity).toBe(1)
    expect(store.jumpToLabel(2)).toBe(true)
    expect(store.crosshair).toEqual([3, 4, 5])
    expect(store.jumpToLabel(9)).toBe(false)
  })

  it('keeps the window it is given and applies presets', async () => {
    storesOver(core())
    const store = useMriViewerStore()
    await store.openImage('/scans/t1.nii.gz')
    store.setWindow({ low: 10, high: 20 })
    expect(store.windowPreset).toBeNull()
    store.setWindow({ low: 30, high: 30 })
    expect(store.intensityWindow).toEqual({ low: 10, high: 20 })
    store.applyPreset('full')
    expect(store.intensityWindow).toEqual({ low: 0, high: 1000 })
    store.applyPreset('t1')
    expect(store.intensityWindow).toEqual({ low: 380, high: 860 })
    expect(store.windowPreset).toBe('t1')
    store.setConvention('neurological')
    expect(store.convention).toBe('neurological')
  })

  it('closes a replaced volume in the core, and everything on close()', async () => {
    const bridge = core()
    storesOver(bridge)
    const store = useMriViewerStore()
    await store.openImage('/scans/t1.nii.gz')
    await store.openImage('/scans/t2.nii.gz')
    await store.openLabels('/scans/seg.nii.gz')
    await settle()
    expect(bridge.callsTo('mri.close')).toEqual([{ id: 't1' }])
    store.close()
    await settle()
    expect(store.image).toBeNull()
    expect(store.labels).toBeNull()
    expect(store.grid).toBeNull()
    expect(bridge.callsTo('mri.close')).toEqual([{ id: 't1' }, { id: 't2' }, { id: 'seg' }])
  })

  it('shows a failure in the error banner, keeps what was open, and closes a volume whose voxels did not come', async () => {
    const bridge = core().answer('mri.open', (input) => {
      const path = (input as { path: string }).path
      if (path.includes('broken')) return { ok: true, value: volume('broken', 'image') }
      if (path.includes('t1')) return { ok: true, value: volume('t1', 'image') }
      return { ok: false, error: { code: 'INVALID_FILE', message: 'notes.txt is not a NIfTI file: use .nii or .nii.gz.' } }
    })
    storesOver(bridge)
    const store = useMriViewerStore()
    await store.openImage('/scans/t1.nii.gz')
    expect(await store.openImage('/elsewhere/notes.txt')).toBe(false)
    expect(useAppStore().lastError).toMatchObject({ code: 'INVALID_FILE', message: 'notes.txt is not a NIfTI file: use .nii or .nii.gz.' })
    expect(await store.openImage('/scans/broken.nii.gz')).toBe(false)
    expect(useAppStore().lastError).toMatchObject({ code: 'NOT_FOUND', message: 'The volume was closed.' })
    await settle()
    expect(bridge.callsTo('mri.close')).toEqual([{ id: 'broken' }])
    expect(store.image?.volume.id).toBe('t1')
    expect(store.busy).toBeNull()
  })

  it('closes a volume whose answer comes after another file was chosen', async () => {
    const slow = deferred<{ ok: true; value: OpenVolume }>()
    const bridge = core()
    const fast = bridge.answer.bind(bridge)
    fast('mri.open', (input) => ((input as { path: string }).path.includes('slow') ? slow.promise : { ok: true, value: volume('t2', 'image') }))
    storesOver(bridge)
    const store = useMriViewerStore()
    const first = store.openImage('/scans/slow.nii.gz')
    await store.openImage('/scans/t2.nii.gz')
    slow.resolve({ ok: true, value: volume('slow', 'image') })
    expect(await first).toBe(false)
    await settle()
    expect(store.image?.volume.id).toBe('t2')
    expect(bridge.callsTo('mri.close')).toEqual([{ id: 'slow' }])
  })
})
