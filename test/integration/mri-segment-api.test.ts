import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DiceResult, MeshSummary, OpenVolume, PerceptEvent, ResourceResponse, SegmentationModelInfo, SegmentResult } from '../../main/api'
import type { PerceptApp } from '../../main/app/compose'
import { makePhantom, phantomLabelAt, PHANTOM_MARKER, PHANTOM_SHELLS } from '../../main/imaging/fixtures/phantom'
import { readColorTable } from '../../main/imaging/labels'
import { readNifti, writeNifti } from '../../main/imaging/nifti'
import { reorient } from '../../main/imaging/reorient'
import { voxelToWorld, type Vec3 } from '../../main/imaging/volume'
import { BAND_LABELS, headZscore, writeBandModel } from '../fixtures/mri-seg/band-model'
import { routerCalls } from '../helpers/router-calls'
import { tempApp } from '../helpers/temp-app'

// Segmenting in the MRI workspace's core, through the router: the hand-built band model (labels by intensity,
// test/fixtures/mri-seg/band-model.ts) installed in the workspace's models/, a phantom head stored LPS opened as
// the image, mri.segment in the MRI worker thread with progress events; the label map opens on the image's grid
// with the phantom's own voxel counts and a confidence map, compares (Dice) and meshes as any label map, and
// saves beside the input with its colour table. A cancelled run opens and writes nothing; refusals are typed.
let app: PerceptApp
let home: string
let cleanup: () => void
let dir: string
let input: string
let reference: string
const counts = [0, 0, 0, 0, 0]
const dims: Vec3 = [54, 58, 52]
const { call, fail } = routerCalls(() => app)

beforeAll(async () => {
  ;({ app, home, close: cleanup } = tempApp())
  dir = mkdtempSync(join(tmpdir(), 'percept-mri-segment-'))
  const ras = makePhantom({ dims, voxelMm: [2, 2, 2] })
  for (let k = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) counts[phantomLabelAt(voxelToWorld(ras.affine, i, j, k))]!++
  const { mean, std } = headZscore(ras.data)
  const centres = [0, ...PHANTOM_SHELLS.map((s) => s.intensity), PHANTOM_MARKER.intensity].map((c) => (c - mean) / std)
  await writeBandModel(join(home, 'models', 'bands'), { centres, patch: [32, 40, 34], spacingMm: [2, 2, 2] })
  // A package whose model.json declares another cube than its preprocessing: listed with its problem, refused.
  await writeBandModel(join(home, 'models', 'misfit'), { centres, patch: [32, 40, 34], spacingMm: [2, 2, 2], declaredSpatial: [30, 40, 34] })
  // One whose model.json lists 3 labels for a graph of 5 classes: only the graph tells, when the model opens.
  await writeBandModel(join(home, 'models', 'three-labels'), { centres, patch: [32, 40, 34], spacingMm: [2, 2, 2], labels: BAND_LABELS.slice(0, 3), declaredSpatial: ['D', 'H', 'W'] })
  input = join(dir, 'head-lps.nii.gz')
  await writeNifti(input, reorient(ras, 'LPS').volume)
  reference = join(dir, 'reference.nii.gz')
  await writeNifti(reference, makePhantom({ kind: 'labels', dims, voxelMm: [2, 2, 2] }))
}, 60_000)

afterAll(() => {
  cleanup?.()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

async function bytesOf(url: string): Promise<ArrayBuffer> {
  const response: ResourceResponse = await app.resources({ method: 'GET', path: url.replace(/^res\//, '').split('/'), query: new URLSearchParams(), range: null, body: null })
  expect(response.status).toBe(200)
  if (response.body?.kind !== 'bytes') throw new Error('expected bytes')
  const { bytes } = response.body
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}

/** mri.progress events of segmenting `target`, as they arrive. */
function watchProgress(target: () => string | null): { events: { fraction: number; stage: string }[]; stop: () => void } {
  const events: { fraction: number; stage: string }[] = []
  const stop = app.events.subscribe((event: PerceptEvent) => {
    if (event.event === 'mri.progress' && event.payload.task === 'segment' && event.payload.target === target()) events.push({ fraction: event.payload.fraction, stage: event.payload.stage })
  })
  return { events, stop }
}

describe('mri.segmentationModels', () => {
  it('lists the installed segmentation packages with labels, cube, spacing and provenance, and says why one cannot segment', async () => {
    const models = (await call<SegmentationModelInfo[]>('mri.segmentationModels', {})).filter((m) => !m.bundled)
    expect(models.map((m) => m.id)).toEqual(['bands', 'misfit', 'three-labels'])
    expect(models[0]).toEqual({
      id: 'bands',
      name: 'Intensity bands',
      bundled: false,
      labels: BAND_LABELS,
      patch: [32, 40, 34],
      spacingMm: [2, 2, 2],
      provenance: { createdAt: '2025-01-01T00:00:00Z', framework: 'hand-built ONNX' },
      problem: null,
    })
    expect(models[1]!.problem).toMatch(/The model misfit cannot segment: .*preprocessing\.patch is \[32, 40, 34\]/)
    expect(models[2]!.problem).toBeNull()
  })
})

describe('mri.segment', () => {
  let image: OpenVolume
  let result: SegmentResult

  beforeAll(async () => {
    image = await call<OpenVolume>('mri.open', { path: input })
  })

  it('segments the open image in the worker, with progress, into a label map on the same grid with the phantom’s voxel counts', async () => {
    const progress = watchProgress(() => image.id)
    try {
      result = await call<SegmentResult>('mri.segment', { id: image.id, model: 'bands' })
    } finally {
      progress.stop()
    }
    expect(progress.events.length).toBeGreaterThanOrEqual(4)
    expect(progress.events.map((e) => e.stage)).toContain('running the model')
    const fractions = progress.events.map((e) => e.fraction)
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions)
    expect(result.model).toEqual({ id: 'bands', name: 'Intensity bands' })
    expect(result.frame).toBe(0)
    expect(result.suggestedPath).toBe(join(dir, 'head-lps-segmentation.nii.gz'))

    const labels = result.labels
    expect(labels.kind).toBe('labels')
    expect(labels.display.dims).toEqual(image.display.dims)
    expect(labels.display.affine).toEqual(image.display.affine)
    expect(labels.display.toNative).toEqual(image.display.toNative)
    expect(labels.info.dims).toEqual(image.info.dims)
    expect(labels.info.affine).toEqual(image.info.affine)
    expect(labels.labels!.map((l) => [l.label, l.name, l.voxels])).toEqual(BAND_LABELS.slice(1).map((name, i) => [i + 1, name, counts[i + 1]]))
    for (const l of labels.labels!) expect(l.volumeMl).toBeCloseTo((l.voxels * 8) / 1000, 10)
    expect(result.structures.map((s) => s.voxels)).toEqual(counts.slice(1))

    // Voxel by voxel on the display grid (RAS+): the phantom's label at every voxel's centre.
    const voxels = new Int32Array(await bytesOf(labels.display.voxels))
    const a = labels.display.affine as unknown as Parameters<typeof voxelToWorld>[0]
    const [nx, ny, nz] = labels.display.dims
    let wrong = 0
    for (let k = 0, n = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, n++) if (voxels[n] !== phantomLabelAt(voxelToWorld(a, i, j, k))) wrong++
    expect(wrong).toBe(0)

    // The confidence map: a top probability per display voxel, in (1/5, 1] where the model looked, 0 outside its cube.
    const confidence = new Float32Array(await bytesOf(result.confidence.voxels))
    expect(confidence.length).toBe(nx * ny * nz)
    const seen = confidence.filter((v) => v > 0)
    expect(seen.length).toBe(32 * 40 * 34)
    expect(Math.min(...seen)).toBeGreaterThan(1 / 5)
    expect(Math.max(...seen)).toBeLessThanOrEqual(1 + 1e-6)
    expect(result.confidence.min).toBeCloseTo(Math.min(...seen), 6)
    expect(result.confidence.mean).toBeGreaterThan(result.confidence.min)
  }, 120_000)

  it('compares with a reference on the grid (Dice 1 per structure) and builds surfaces as any label map', async () => {
    const ref = await call<OpenVolume>('mri.open', { path: reference, kind: 'labels' })
    const dice = await call<DiceResult>('mri.dice', { a: result.labels.id, b: ref.id })
    expect(dice.labels.map((d) => [d.label, d.dice])).toEqual([1, 2, 3, 4].map((label) => [label, 1]))
    expect(dice.meanDice).toBe(1)
    const meshes = await call<{ meshes: MeshSummary[] }>('mri.meshes', { id: result.labels.id, labels: [3] })
    expect(meshes.meshes[0]!.triangles).toBeGreaterThan(50)
  }, 60_000)

  it('saves the label map beside the input with its colour table and, on request, its confidence map; it reads back on the input grid', async () => {
    const target = join(dir, 'head-lps-segmentation.nii.gz')
    const saved = await call<{ files: string[]; labels: OpenVolume }>('mri.saveSegmentation', { id: result.labels.id, path: target, confidence: true })
    expect(saved.files).toEqual([target, join(dir, 'head-lps-segmentation.nii.txt'), join(dir, 'head-lps-segmentation-confidence.nii.gz')])
    expect(saved.labels).toMatchObject({ id: result.labels.id, path: target, name: 'head-lps-segmentation.nii.gz' })
    const [written, source, confidence] = await Promise.all([readNifti(target), readNifti(input), readNifti(saved.files[2]!)])
    expect(written.volume.dims).toEqual(source.volume.dims)
    expect(written.volume.affine).toEqual(source.volume.affine)
    expect(written.volume.datatype).toBe('uint8')
    const [nx, ny, nz] = written.volume.dims
    let wrong = 0
    for (let k = 0, n = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, n++) if (written.volume.data[n] !== phantomLabelAt(voxelToWorld(written.volume.affine, i, j, k))) wrong++
    expect(wrong).toBe(0)
    expect(confidence.volume.datatype).toBe('float32')
    expect(confidence.volume.dims).toEqual(source.volume.dims)
    const table = await readColorTable(saved.files[1]!)
    expect([1, 2, 3, 4].map((label) => table.get(label)?.name)).toEqual(BAND_LABELS.slice(1))
    // Opened again as a file, it names its structures from the table beside it.
    const reopened = await call<OpenVolume>('mri.open', { path: target, kind: 'labels' })
    expect(reopened.labels!.map((l) => [l.name, l.voxels])).toEqual(BAND_LABELS.slice(1).map((name, i) => [name, counts[i + 1]]))
    expect(reopened.labels!.map((l) => l.color)).toEqual(result.labels.labels!.map((l) => l.color))
  })

  it('cancelled, it opens nothing and writes nothing', async () => {
    const before = { dir: readdirSync(dir).sort(), home: readdirSync(home).sort() }
    const progress = watchProgress(() => image.id)
    const running = fail('mri.segment', { id: image.id, model: 'bands' })
    await expect.poll(() => progress.events.length, { timeout: 30_000, interval: 5 }).toBeGreaterThan(0)
    // One run per image at a time.
    expect(await fail('mri.segment', { id: image.id, model: 'bands' })).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/being segmented already/) })
    expect(await call('mri.cancelSegment', { id: image.id })).toEqual({ cancelled: 1 })
    progress.stop()
    const error = await running
    expect(error.code).toBe('CANCELLED')
    expect(error.message).toMatch(/nothing was written/)
    expect(await call('mri.cancelSegment', { id: image.id })).toEqual({ cancelled: 0 })
    expect({ dir: readdirSync(dir).sort(), home: readdirSync(home).sort() }).toEqual(before)
  }, 60_000)

  it('refuses what it cannot segment, before any work, with messages a person can act on', async () => {
    const unknown = await fail('mri.segment', { id: image.id, model: 'nonesuch' })
    expect(unknown.code).toBe('NOT_FOUND')
    expect(unknown.message).toMatch(/percept mri train/)
    expect(unknown.message).toMatch(/Models page/)
    expect(await fail('mri.segment', { id: image.id, model: 'misfit' })).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/The model misfit cannot segment/) })
    expect(await fail('mri.segment', { id: image.id, model: 'three-labels' })).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/gives 5 classes .* but model\.json lists 3 labels/) })
    expect(await fail('mri.segment', { id: 'v000', model: 'bands' })).toMatchObject({ code: 'NOT_FOUND' })
    const labels = await call<OpenVolume>('mri.open', { path: reference, kind: 'labels' })
    expect(await fail('mri.segment', { id: labels.id, model: 'bands' })).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/is a label map/) })
    // A label map opened as an image: the worker's check, before the model loads.
    const asImage = await call<OpenVolume>('mri.open', { path: reference })
    expect(await fail('mri.segment', { id: asImage.id, model: 'bands' })).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/looks like a label map/) })
    // A small field of view (80 x 96 x 72 mm).
    const small = join(dir, 'small.nii.gz')
    await writeNifti(small, makePhantom())
    const smallImage = await call<OpenVolume>('mri.open', { path: small })
    expect(await fail('mri.segment', { id: smallImage.id, model: 'bands' })).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/far from a head's size/) })
    // Voxels 5 times longer across slices than in plane.
    const slab = join(dir, 'slab.nii.gz')
    await writeNifti(slab, makePhantom({ dims: [120, 120, 30], voxelMm: [1, 1, 5] }))
    const slabImage = await call<OpenVolume>('mri.open', { path: slab })
    expect(await fail('mri.segment', { id: slabImage.id, model: 'bands' })).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/5\.0 times longer on one axis than another/) })
    // Saving: only a segmentation made here, and only as NIfTI.
    expect(await fail('mri.saveSegmentation', { id: labels.id, path: join(dir, 'x.nii.gz') })).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/Export labels/) })
    expect(await fail('mri.saveSegmentation', { id: result.labels.id, path: join(dir, 'x.png') })).toMatchObject({ code: 'VALIDATION' })
    expect(existsSync(join(dir, 'x.png'))).toBe(false)
  }, 60_000)
})

describe('mri.segment on a 4-D series', () => {
  it('asks which frame, then segments the one chosen', async () => {
    const frames = join(dir, 'series')
    mkdirSync(frames, { recursive: true })
    const ras = makePhantom({ dims, voxelMm: [2, 2, 2] })
    const path = join(frames, 'two-frames.nii.gz')
    await writeNifti(path, [ras, ras])
    const image = await call<OpenVolume>('mri.open', { path })
    expect(image.info.frames).toBe(2)
    const ask = await fail('mri.segment', { id: image.id, model: 'bands' })
    expect(ask.code).toBe('VALIDATION')
    expect(ask.message).toMatch(/4-D series of 2 frames: choose the frame/)
    expect(await fail('mri.segment', { id: image.id, model: 'bands', frame: 5 })).toMatchObject({ code: 'VALIDATION', message: expect.stringMatching(/no frame 5/) })
    const second = await call<SegmentResult>('mri.segment', { id: image.id, model: 'bands', frame: 1 })
    expect(second.frame).toBe(1)
    expect(second.labels.labels!.map((l) => l.voxels)).toEqual(counts.slice(1))
    expect(readdirSync(frames)).toEqual(['two-frames.nii.gz'])
  }, 120_000)
})
