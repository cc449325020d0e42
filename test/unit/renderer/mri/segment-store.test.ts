import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { OpenVolume, SegmentationModelInfo, SegmentResult } from '../../../../main/api'
import { confidenceBin, confidenceCodes, confidenceLegend, confidenceGradient } from '../../../../renderer/src/workspaces/mri/lib/confidence-map'
import { useAppStore } from '../../../../renderer/src/stores/app'
import { useMriSegmentStore } from '../../../../renderer/src/workspaces/mri/stores/mri-segment'
import { useMriViewerStore } from '../../../../renderer/src/workspaces/mri/stores/mri-viewer'
import { FakeBridge, deferred, settle, storesOver } from '../fake-bridge'

// Segment in the MRI workspace, without a core: the confidence colour map (bins of the top probability, low =
// warm), and the store that lists the models, runs a segmentation with its progress, cancels it, shows the
// result as the viewer's label map with its confidence overlay, and saves it.

const dims: [number, number, number] = [4, 3, 2]
const voxelCount = dims[0] * dims[1] * dims[2]
const affine = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]

function volume(id: string, kind: 'image' | 'labels', name = `${id}.nii.gz`): OpenVolume {
  return {
    id,
    path: `/scans/${name}`,
    name,
    kind,
    info: {
      format: 'nifti1', dims, voxelSize: [1, 1, 1], datatype: kind === 'image' ? 'float32' : 'int32', affine, affineSource: 'sform', orientation: 'RAS',
      sformCode: 1, qformCode: 0, frames: 1, frame: 0, min: 0, max: 2, mean: 1, description: '',
    },
    display: {
      dims, affine, toNative: { axes: [0, 1, 2], flip: [false, false, false] }, voxels: `res/mri/${id}/voxels`,
      voxelType: kind === 'image' ? 'float32' : 'int32', window: { low: 0, high: 2 },
    },
    ...(kind === 'labels' ? { labels: [{ label: 1, name: 'Left', color: [200, 10, 10] as [number, number, number], voxels: 12, volumeMl: 0.012 }] } : {}),
  }
}

const bands: SegmentationModelInfo = {
  id: 'bands', name: 'Intensity bands', bundled: false, labels: ['Background', 'Left'], patch: [2, 3, 4], spacingMm: [1, 1, 1],
  provenance: { createdAt: '2025-01-01T00:00:00Z' }, problem: null,
}
const broken: SegmentationModelInfo = { ...bands, id: 'broken', name: 'Broken', problem: 'The model broken cannot segment: its patch is wrong.' }

const result: SegmentResult = {
  labels: volume('seg', 'labels', 'head segmentation'),
  confidence: { voxels: 'res/mri/seg/confidence', min: 0.35, mean: 0.8 },
  model: { id: 'bands', name: 'Intensity bands' },
  structures: [{ label: 1, name: 'Left', voxels: 12, volumeMl: 0.012 }],
  frame: 0,
  seconds: 0.4,
  suggestedPath: '/scans/head-segmentation.nii.gz',
}

/** Confidence 0 (unseen) for the first voxel, then 0.35 and 0.95 alternately. */
const probabilities = Float32Array.from({ length: voxelCount }, (_, n) => (n === 0 ? 0 : n % 2 ? 0.35 : 0.95))

beforeEach(() => {
  vi.stubGlobal('fetch', async (url: string) => {
    if (url.endsWith('/confidence')) return new Response(probabilities.slice().buffer)
    if (url.includes('/seg/')) return new Response(new Int32Array(voxelCount).fill(1).buffer)
    return new Response(new Float32Array(voxelCount).buffer)
  })
})
afterEach(() => vi.unstubAllGlobals())

describe('the confidence colour map', () => {
  it('bins the top probability in tenths, 0 for voxels the model did not see, the top bin taking 1', () => {
    expect([0, -1, Number.NaN, 0.01, 0.1, 0.35, 0.999, 1].map(confidenceBin)).toEqual([0, 0, 0, 1, 2, 4, 10, 10])
    expect(Array.from(confidenceCodes(Float32Array.of(0, 0.2, 0.55, 1)))).toEqual([0, 3, 6, 10])
  })

  it('runs from warm (red, unsure) to cool (blue, sure), one colour per bin', () => {
    const legend = confidenceLegend()
    expect(legend.map((entry) => entry.label)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    const [r0, g0, b0] = legend[0]!.color
    const [r9, , b9] = legend[9]!.color
    expect(r0).toBeGreaterThan(200)
    expect(b0).toBeLessThan(60)
    expect(g0).toBeLessThan(60)
    expect(b9).toBeGreaterThan(150)
    expect(r9).toBeLessThan(60)
    expect(new Set(legend.map((entry) => entry.color.join())).size).toBe(10)
    expect(legend[3]!.name).toBe('Top probability 0.3–0.4')
    expect(confidenceGradient(legend)).toMatch(/^linear-gradient\(to right, rgb\(\d+ \d+ \d+\) 0% 10%, /)
  })
})

describe('the segment store', () => {
  function setup(models: SegmentationModelInfo[] = [bands]) {
    const gate = deferred<void>()
    let cancelled = false
    const bridge = new FakeBridge()
      .answerValue('mri.segmentationModels', models)
      .answer('mri.open', () => ({ ok: true, value: volume('img', 'image', 'head.nii.gz') }))
      .answerValue('mri.close', { closed: true })
      .answerValue('mri.recent', [])
      .answer('mri.segment', async () => {
        await gate.promise
        return cancelled ? { ok: false, error: { code: 'CANCELLED', message: 'The segmentation was cancelled; nothing was written.' } } : { ok: true, value: result }
      })
      .answer('mri.cancelSegment', () => {
        cancelled = true
        gate.resolve()
        return { ok: true, value: { cancelled: 1 } }
      })
      .answer('mri.saveSegmentation', () => ({
        ok: true,
        value: { files: ['/out/seg.nii.gz', '/out/seg.nii.txt'], labels: { ...result.labels, name: 'seg.nii.gz', path: '/out/seg.nii.gz' } },
      }))
    storesOver(bridge)
    return { bridge, gate, segment: useMriSegmentStore(), viewer: useMriViewerStore(), app: useAppStore() }
  }

  it('offers only the models that can segment, and nothing without an image', async () => {
    const { segment } = setup([broken, bands])
    await segment.refreshModels()
    expect(segment.listed).toBe(true)
    expect(segment.usable.map((m) => m.id)).toEqual(['bands'])
    expect(segment.chosen?.id).toBe('bands')
    expect(segment.canSegment).toBe(false)
    expect(await segment.segment()).toBe(false)
  })

  it('lists the models again when the workspace’s models change', async () => {
    const { bridge, segment } = setup([])
    await segment.refreshModels()
    expect(segment.usable).toEqual([])
    bridge.answerValue('mri.segmentationModels', [bands])
    bridge.emit('workspace.changed', { area: 'models' })
    await settle()
    expect(segment.chosen?.id).toBe('bands')
  })

  it('segments the open image with progress, then shows the labels and their confidence overlay', async () => {
    const { bridge, gate, segment, viewer } = setup()
    await segment.refreshModels()
    await viewer.openImage('/scans/head.nii.gz')
    expect(segment.canSegment).toBe(true)
    const done = segment.segment()
    await settle()
    expect(segment.running).toEqual({ imageId: 'img', fraction: 0, stage: 'starting' })
    expect(segment.canSegment).toBe(false)
    bridge.emit('mri.progress', { task: 'segment', target: 'img', fraction: 0.5, stage: 'running the model' })
    bridge.emit('mri.progress', { task: 'meshes', target: 'img', fraction: 0.9, stage: 'label 1' })
    bridge.emit('mri.progress', { task: 'segment', target: 'other', fraction: 0.9, stage: 'x' })
    expect(segment.running).toEqual({ imageId: 'img', fraction: 0.5, stage: 'running the model' })
    gate.resolve()
    expect(await done).toBe(true)
    expect(bridge.callsTo('mri.segment')).toEqual([{ id: 'img', model: 'bands' }])
    expect(segment.running).toBeNull()
    expect(viewer.labels?.volume.id).toBe('seg')
    expect(viewer.labelEntries.map((e) => e.name)).toEqual(['Left'])
    expect(segment.shown).toMatchObject({ labelsId: 'seg', seconds: 0.4, confidence: { min: 0.35, mean: 0.8 } })
    expect(Array.from(viewer.confidence!.voxels.slice(0, 4))).toEqual([0, 4, 10, 4])
    // Shown on request, instead of the labels; the labels come back when it is switched off.
    const labelsOverlay = viewer.overlay
    viewer.setShowConfidence(true)
    expect(viewer.overlay).not.toBe(labelsOverlay)
    expect(viewer.overlay!.sampler.labelAt([1, 0, 0])).toBe(4)
    viewer.setShowConfidence(false)
    expect(viewer.overlay!.sampler.labelAt([1, 0, 0])).toBe(1)
  })

  it('cancelled, it says so, opens nothing and reports no error', async () => {
    const { segment, viewer, app } = setup()
    await segment.refreshModels()
    await viewer.openImage('/scans/head.nii.gz')
    const done = segment.segment()
    await settle()
    await segment.cancel()
    expect(await done).toBe(false)
    expect(segment.notice).toBe('Segmentation cancelled; nothing was opened or written.')
    expect(viewer.labels).toBeNull()
    expect(app.lastError).toBeNull()
  })

  it('saves, and the label map then stands for the file written; another label map drops the result', async () => {
    const { bridge, gate, segment, viewer } = setup()
    await segment.refreshModels()
    await viewer.openImage('/scans/head.nii.gz')
    gate.resolve()
    await segment.segment()
    expect(await segment.save('/out/seg.nii.gz', false)).toEqual(['/out/seg.nii.gz', '/out/seg.nii.txt'])
    expect(bridge.callsTo('mri.saveSegmentation')).toEqual([{ id: 'seg', path: '/out/seg.nii.gz', confidence: false }])
    expect(viewer.labels?.volume.name).toBe('seg.nii.gz')
    expect(viewer.confidence).not.toBeNull()
    viewer.closeLabels()
    await settle()
    expect(viewer.confidence).toBeNull()
    expect(segment.shown).toBeNull()
  })
})
