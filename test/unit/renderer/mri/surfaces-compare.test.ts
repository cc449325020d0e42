import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { OpenVolume } from '../../../../main/api'
import { differenceLegend, labelDifference } from '../../../../renderer/src/workspaces/mri/lib/label-difference'
import { parseWorldPoint } from '../../../../renderer/src/workspaces/mri/lib/world-point'
import { encodeMeshBinary } from '../../../../renderer/src/workspaces/mri/lib/3d/mesh-binary'
import { useAppStore } from '../../../../renderer/src/stores/app'
import { useMriCompareStore } from '../../../../renderer/src/workspaces/mri/stores/mri-compare'
import { useMriSurfacesStore } from '../../../../renderer/src/workspaces/mri/stores/mri-surfaces'
import { useMriViewerStore } from '../../../../renderer/src/workspaces/mri/stores/mri-viewer'
import { FakeBridge, deferred, settle, storesOver } from '../fake-bridge'

const dims: [number, number, number] = [4, 3, 2]
const count = 4 * 3 * 2
const affine = [1, 0, 0, -2, 0, 1, 0, -1, 0, 0, 1, 0, 0, 0, 0, 1]

/** Map "seg": label 1 where x < 2, label 2 where x >= 2. "ref": 1 where x == 0, 2 where x == 3 at z 0, 3 where x == 1 at z 1. */
const segVoxels = Int32Array.from({ length: count }, (_, i) => (i % 4 < 2 ? 1 : 2))
const refVoxels = Int32Array.from({ length: count }, (_, i) => {
  const x = i % 4
  const z = Math.floor(i / 12)
  return x === 0 ? 1 : x === 3 && z === 0 ? 2 : x === 1 && z === 1 ? 3 : 0
})

function labels(id: string, grid: { dims: [number, number, number]; affine: number[] } = { dims, affine }, entryCount = 2): OpenVolume {
  return {
    id,
    path: `/scans/${id}.nii.gz`,
    name: `${id}.nii.gz`,
    kind: 'labels',
    info: {
      format: 'nifti1',
      dims: grid.dims,
      voxelSize: [1, 1, 1],
      datatype: 'uint8',
      affine: grid.affine,
      affineSource: 'sform',
      orientation: 'RAS',
      sformCode: 1,
      qformCode: 0,
      frames: 1,
      frame: 0,
      min: 0,
      max: 2,
      mean: 1,
      description: '',
    },
    display: {
      dims: grid.dims,
      affine: grid.affine,
      toNative: { axes: [0, 1, 2], flip: [false, false, false] },
      voxels: `res/mri/${id}/voxels`,
      voxelType: 'int32',
      window: { low: 0, high: 2 },
    },
    labels: Array.from({ length: entryCount }, (_, i) => ({
      label: i + 1,
      name: `Structure ${i + 1}`,
      color: [10 * (i + 1), 20, 30] as [number, number, number],
      voxels: 12,
      volumeMl: 0.012,
    })),
  }
}

/** A one-triangle mesh. */
const meshBytes = encodeMeshBinary({
  positions: Float32Array.of(0, 0, 0, 1, 0, 0, 0, 1, 0),
  normals: Float32Array.of(0, 0, 1, 0, 0, 1, 0, 0, 1),
  indices: Uint32Array.of(0, 1, 2),
})

function core(): FakeBridge {
  return new FakeBridge()
    .answer('mri.open', (input) => {
      const { path } = input as { path: string }
      const id = /\/scans\/(\w+)\.nii\.gz$/.exec(path)![1]!
      if (id === 'coarse') return { ok: true, value: labels(id, { dims: [2, 2, 1], affine: [2, 0, 0, -2, 0, 2, 0, -1, 0, 0, 2, 0, 0, 0, 0, 1] }) }
      if (id === 'atlas') return { ok: true, value: labels(id, { dims, affine }, 40) }
      return { ok: true, value: labels(id) }
    })
    .answerValue('mri.close', { closed: true })
    .answerValue('mri.recent', [])
    .answer('mri.meshes', (input) => {
      const { id, labels: wanted } = input as { id: string; labels?: number[] }
      const chosen = wanted ?? [1, 2]
      return {
        ok: true,
        value: { meshes: chosen.map((label) => ({ label, vertices: 3, triangles: label === 99 ? 0 : 1, url: `res/mri/${id}/mesh/${label}` })), seconds: 0.5 },
      }
    })
    .answerValue('mri.dice', {
      labels: [
        { label: 1, name: 'Structure 1', dice: 0.5, voxelsA: 12, voxelsB: 6 },
        { label: 2, name: 'Structure 2', dice: 0.25, voxelsA: 12, voxelsB: 3 },
        { label: 3, name: 'Label 3', dice: 0, voxelsA: 0, voxelsB: 3 },
      ],
      meanDice: 0.25,
    })
}

const fetched: string[] = []

beforeEach(() => {
  fetched.length = 0
  vi.stubGlobal('fetch', async (url: string) => {
    fetched.push(url)
    if (url.includes('/mesh/')) return new Response(meshBytes)
    const id = /res\/mri\/(\w+)\/voxels/.exec(url)?.[1] ?? ''
    return new Response((id === 'ref' ? refVoxels : segVoxels).slice().buffer)
  })
})

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('the difference of two label maps', () => {
  it('marks voxels only in A, only in B, and in both with different labels', () => {
    const { voxels, counts } = labelDifference(Int32Array.of(0, 1, 1, 0, 2, 2), Int32Array.of(0, 0, 1, 3, 1, 2))
    expect([...voxels]).toEqual([0, 1, 0, 2, 3, 0])
    expect(counts).toEqual({ onlyA: 1, onlyB: 1, mismatch: 1 })
  })

  it('refuses maps of different sizes', () => {
    expect(() => labelDifference(new Int32Array(4), new Int32Array(5))).toThrow(/same grid/)
  })

  it('names its colours after the two maps', () => {
    expect(differenceLegend('pred', 'ref').map((entry) => [entry.label, entry.name])).toEqual([
      [1, 'Only in pred'],
      [2, 'Only in ref'],
      [3, 'In both, different labels'],
    ])
  })
})

describe('a typed world position', () => {
  it('reads three numbers separated by commas, spaces or semicolons', () => {
    expect(parseWorldPoint('-38, -20, 56')).toEqual([-38, -20, 56])
    expect(parseWorldPoint(' 1.5 2 -3 ')).toEqual([1.5, 2, -3])
    expect(parseWorldPoint('(4;5;6)')).toEqual([4, 5, 6])
  })

  it('refuses anything else', () => {
    expect(parseWorldPoint('1, 2')).toBeNull()
    expect(parseWorldPoint('1, 2, x')).toBeNull()
    expect(parseWorldPoint('')).toBeNull()
  })
})

describe('the comparison store', () => {
  it('compares with a second map on the same grid: Dice from the core, the difference shown in the slice views', async () => {
    const bridge = core()
    storesOver(bridge)
    const viewer = useMriViewerStore()
    const compare = useMriCompareStore()
    await viewer.openLabels('/scans/seg.nii.gz')
    expect(await compare.compareWith('/scans/ref.nii.gz')).toBe(true)
    expect(bridge.callsTo('mri.dice')).toEqual([{ a: 'seg', b: 'ref' }])
    expect(compare.dice?.meanDice).toBe(0.25)
    // seg has a label everywhere. Per row of x: at z 0 ref is empty at x 1 and 2, at z 1 at x 2 and 3 (4 only in A),
    // and holds 3 where seg holds 1 at (1, z 1) (1 different); 3 rows of y.
    expect(compare.counts).toEqual({ onlyA: 12, onlyB: 0, mismatch: 3 })
    expect(viewer.showDifference).toBe(true)
    // The slice views colour the difference; the readout still names the label map's structures.
    const overlay = viewer.overlay!
    expect(overlay.palette.nameOf(1)).toBe('Only in A')
    expect(overlay.sampler.labelAt([1, 0, 0])).toBe(1)
    expect(overlay.sampler.labelAt([0, 0, 0])).toBe(0)
    expect(overlay.sampler.labelAt([3, 0, 1])).toBe(1)
    expect(overlay.sampler.labelAt([1, 0, 1])).toBe(3)
    viewer.setCrosshair([1, 0, 0])
    expect(viewer.readout()?.labelName).toBe('Structure 1')
    viewer.setShowDifference(false)
    expect(viewer.overlay?.palette.nameOf(1)).toBe('Structure 1')

    compare.close()
    expect(bridge.callsTo('mri.close')).toContainEqual({ id: 'ref' })
    expect(viewer.difference).toBeNull()
    expect(compare.dice).toBeNull()
  })

  it('refuses a map on another grid, says why, and closes it again', async () => {
    const bridge = core()
    storesOver(bridge)
    const viewer = useMriViewerStore()
    const compare = useMriCompareStore()
    await viewer.openLabels('/scans/seg.nii.gz')
    expect(await compare.compareWith('/scans/coarse.nii.gz')).toBe(false)
    expect(useAppStore().lastError?.message).toMatch(/coarse\.nii\.gz \(2 × 2 × 1\) is not on the voxel grid of seg\.nii\.gz/)
    expect(bridge.callsTo('mri.dice')).toEqual([])
    expect(bridge.callsTo('mri.close')).toContainEqual({ id: 'coarse' })
    expect(viewer.difference).toBeNull()
  })

  it('ends the comparison when the first label map is replaced', async () => {
    const bridge = core()
    storesOver(bridge)
    const viewer = useMriViewerStore()
    const compare = useMriCompareStore()
    await viewer.openLabels('/scans/seg.nii.gz')
    await compare.compareWith('/scans/ref.nii.gz')
    await viewer.openLabels('/scans/atlas.nii.gz')
    await settle()
    expect(compare.other).toBeNull()
    expect(viewer.difference).toBeNull()
    expect(bridge.callsTo('mri.close')).toContainEqual({ id: 'ref' })
  })
})
