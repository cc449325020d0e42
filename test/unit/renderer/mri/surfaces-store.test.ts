import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { OpenVolume } from '../../../../main/api'
import { encodeMeshBinary } from '../../../../renderer/src/workspaces/mri/lib/3d/mesh-binary'
import { autoBuildCap } from '../../../../renderer/src/workspaces/mri/lib/3d/surface-build-plan'
import { useAppStore } from '../../../../renderer/src/stores/app'
import { useMriSurfacesStore } from '../../../../renderer/src/workspaces/mri/stores/mri-surfaces'
import { useMriViewerStore } from '../../../../renderer/src/workspaces/mri/stores/mri-viewer'
import { FakeBridge, deferred, settle, storesOver } from '../fake-bridge'

// The 3-D view's surfaces build by themselves: the visible labels of a label map as soon as it opens,
// largest first, in batches of 8, 16, then 32, each shown as it arrives; stoppable, capped for very
// large atlases, and dropped with the label map.

const dims: [number, number, number] = [4, 3, 2]
const affine = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]

/** A label map named `id` with `count` labels; label n has 10 n voxels, so the largest is the last. */
function labelMap(id: string, count: number): OpenVolume {
  return {
    id,
    path: `/scans/${id}.nii.gz`,
    name: `${id}.nii.gz`,
    kind: 'labels',
    info: {
      format: 'nifti1',
      dims,
      voxelSize: [1, 1, 1],
      datatype: 'uint8',
      affine,
      affineSource: 'sform',
      orientation: 'RAS',
      sformCode: 1,
      qformCode: 0,
      frames: 1,
      frame: 0,
      min: 0,
      max: count,
      mean: 1,
      description: '',
    },
    display: {
      dims,
      affine,
      toNative: { axes: [0, 1, 2], flip: [false, false, false] },
      voxels: `res/mri/${id}/voxels`,
      voxelType: 'int32',
      window: { low: 0, high: count },
    },
    labels: Array.from({ length: count }, (_, i) => ({
      label: i + 1,
      name: `Structure ${i + 1}`,
      color: [i + 1, 20, 30] as [number, number, number],
      voxels: 10 * (i + 1),
      volumeMl: 0.01 * (i + 1),
    })),
  }
}

const meshBytes = encodeMeshBinary({
  positions: Float32Array.of(0, 0, 0, 1, 0, 0, 0, 1, 0),
  normals: Float32Array.of(0, 0, 1, 0, 0, 1, 0, 0, 1),
  indices: Uint32Array.of(0, 1, 2),
})

type MeshesInput = { id: string; labels: number[] }

/**
 * A core whose label maps are `<id>-<count>` (e.g. atlas-40), and whose mri.meshes calls wait for the
 * test to release them (`release()` answers the oldest one); label 3 has an empty surface.
 */
function core() {
  const pending: Array<{ input: MeshesInput; gate: ReturnType<typeof deferred<void>> }> = []
  let cancelNext = false
  const bridge = new FakeBridge()
    .answer('mri.open', (input) => {
      const id = /\/scans\/([\w-]+)\.nii\.gz$/.exec((input as { path: string }).path)![1]!
      return { ok: true, value: labelMap(id, Number(id.split('-')[1])) }
    })
    .answerValue('mri.close', { closed: true })
    .answerValue('mri.recent', [])
    .answer('mri.meshes', async (input) => {
      const gate = deferred<void>()
      const call = { input: input as MeshesInput, gate }
      pending.push(call)
      await gate.promise
      pending.splice(pending.indexOf(call), 1)
      if (cancelNext) {
        cancelNext = false
        return { ok: false, error: { code: 'CANCELLED', message: 'Building the surfaces was stopped.' } }
      }
      const { id, labels } = call.input
      return { ok: true, value: { meshes: labels.map((label) => ({ label, vertices: 3, triangles: label === 3 ? 0 : 1, url: `res/mri/${id}/mesh/${label}` })), seconds: 0.1 } }
    })
    .answer('mri.cancelMeshes', () => {
      cancelNext = true
      pending[0]?.gate.resolve()
      return { ok: true, value: { cancelled: 1 } }
    })
  return {
    bridge,
    /** The labels each mri.meshes call asked for, in order. */
    asked: () => bridge.callsTo('mri.meshes').map((input) => (input as MeshesInput).labels),
    async release(): Promise<void> {
      pending[0]?.gate.resolve()
      await settle()
    },
    async releaseAll(): Promise<void> {
      for (let i = 0; i < 50 && pending.length; i++) await this.release()
    },
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => (from > to ? from - i : from + i))

beforeEach(() => {
  vi.stubGlobal('fetch', async (url: string) => new Response(url.includes('/mesh/') ? meshBytes : new Int32Array(dims[0] * dims[1] * dims[2]).buffer))
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('the surfaces store', () => {
  it('builds every label of a map as soon as it opens, largest first, in batches of 8, 16 and 32, each shown as it arrives', async () => {
    const fake = core()
    storesOver(fake.bridge)
    const viewer = useMriViewerStore()
    const surfaces = useMriSurfacesStore()
    await viewer.openLabels('/scans/atlas-40.nii.gz')
    await settle()
    expect(surfaces.building).toBe(true)
    expect(fake.asked()).toEqual([range(40, 33)])
    expect(surfaces.status).toBe('Building surfaces: 0 of 40')
    // Progress of the batch counts towards the whole: half of 8 labels.
    fake.bridge.emit('mri.progress', { task: 'meshes', target: 'atlas-40', fraction: 0.5, stage: 'label 36' })
    fake.bridge.emit('mri.progress', { task: 'meshes', target: 'other', fraction: 0.9, stage: 'elsewhere' })
    expect(surfaces.status).toBe('Building surfaces: 4 of 40')

    await fake.release()
    expect(surfaces.surfaces.map((surface) => surface.label)).toEqual(range(40, 33))
    expect(surfaces.surfaces[0]!.color).toEqual([40, 20, 30])
    expect(fake.asked()).toEqual([range(40, 33), range(32, 17)])
    expect(surfaces.status).toBe('Building surfaces: 8 of 40')

    await fake.releaseAll()
    expect(fake.asked()).toEqual([range(40, 33), range(32, 17), range(16, 1)])
    expect(surfaces.building).toBe(false)
    expect(surfaces.status).toBe('')
    // Label 3's surface is empty: nothing to draw, and it is not asked for again.
    expect(surfaces.surfaces).toHaveLength(39)
    expect(surfaces.surfaces.some((surface) => surface.label === 3)).toBe(false)
    expect(surfaces.waiting).toBe(0)
  })

  it('leaves out labels hidden while it builds, and builds one when it is shown again', async () => {
    const fake = core()
    storesOver(fake.bridge)
    const viewer = useMriViewerStore()
    const surfaces = useMriSurfacesStore()
    await viewer.openLabels('/scans/atlas-40.nii.gz')
    await settle()
    for (const label of range(32, 10)) viewer.setLabelVisible(label, false)
    await fake.releaseAll()
    expect(fake.asked()).toEqual([range(40, 33), range(9, 1)])
    expect(surfaces.building).toBe(false)

    viewer.setLabelVisible(25, true)
    await settle()
    expect(fake.asked().at(-1)).toEqual([25])
    await fake.releaseAll()
    expect(surfaces.surfaces.map((surface) => surface.label)).toContain(25)
  })

  it(`builds the largest ${autoBuildCap} labels of a very large atlas by itself, and the rest when asked`, async () => {
    const fake = core()
    storesOver(fake.bridge)
    const viewer = useMriViewerStore()
    const surfaces = useMriSurfacesStore()
    await viewer.openLabels('/scans/atlas-150.nii.gz')
    await fake.releaseAll()
    expect(fake.asked().map((labels) => labels.length)).toEqual([8, 16, 32, 32, 32, 8])
    expect(fake.asked().flat()).toEqual(range(150, 23))
    expect(surfaces.building).toBe(false)
    expect(surfaces.waiting).toBe(22)

    const more = surfaces.buildMore()
    await fake.releaseAll()
    await more
    // A new run starts small again, so the first of the rest shows soon.
    expect(fake.asked().slice(-2)).toEqual([range(22, 15), range(14, 1)])
    expect(surfaces.waiting).toBe(0)
  })

  it('stops when asked: the core stops its worker, the surfaces built stay, no error shows, and Build resumes', async () => {
    const fake = core()
    storesOver(fake.bridge)
    const viewer = useMriViewerStore()
    const surfaces = useMriSurfacesStore()
    await viewer.openLabels('/scans/atlas-40.nii.gz')
    await fake.release()
    expect(surfaces.surfaces).toHaveLength(8)
    await surfaces.cancel()
    await settle()
    expect(fake.bridge.callsTo('mri.cancelMeshes')).toEqual([{ id: 'atlas-40' }])
    expect(surfaces.building).toBe(false)
    expect(surfaces.surfaces).toHaveLength(8)
    expect(surfaces.waiting).toBe(32)
    expect(useAppStore().lastError).toBeNull()
    // Showing or hiding labels does not start it again; Build does.
    viewer.setLabelVisible(1, false)
    await settle()
    expect(fake.asked()).toHaveLength(2)
    const more = surfaces.buildMore()
    await fake.releaseAll()
    await more
    expect(fake.asked()[2]).toEqual(range(32, 25))
    expect(surfaces.surfaces).toHaveLength(38) // 40 less label 1 (hidden) and label 3 (empty)
  })

  it('drops the surfaces with their label map, and an answer for it that comes late', async () => {
    const fake = core()
    storesOver(fake.bridge)
    const viewer = useMriViewerStore()
    const surfaces = useMriSurfacesStore()
    await viewer.openLabels('/scans/atlas-40.nii.gz')
    await fake.release()
    expect(surfaces.surfaces).toHaveLength(8)
    viewer.closeLabels()
    await settle()
    expect(surfaces.surfaces).toEqual([])
    expect(surfaces.builtFor).toBeNull()
    expect(surfaces.building).toBe(false)
    await fake.releaseAll()
    expect(surfaces.surfaces).toEqual([])

    await viewer.openLabels('/scans/small-2.nii.gz')
    await settle()
    expect(fake.asked().at(-1)).toEqual([2, 1])
    await fake.releaseAll()
    expect(surfaces.surfaces.map((surface) => surface.label)).toEqual([2, 1])
    expect(surfaces.builtFor).toBe('small-2')
  })

  it('reports a failed build in the banner and waits for the user before trying again', async () => {
    const fake = core()
    fake.bridge.answer('mri.meshes', () => ({ ok: false, error: { code: 'INTERNAL', message: 'The worker stopped.' } }))
    storesOver(fake.bridge)
    const viewer = useMriViewerStore()
    const surfaces = useMriSurfacesStore()
    await viewer.openLabels('/scans/atlas-40.nii.gz')
    await settle()
    expect(useAppStore().lastError?.message).toBe('The worker stopped.')
    expect(surfaces.building).toBe(false)
    expect(surfaces.waiting).toBe(40)
    viewer.setLabelVisible(5, false)
    await settle()
    expect(fake.bridge.callsTo('mri.meshes')).toHaveLength(1)
  })
})
