import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readModelPackage, writeModelPackage } from '../../../../main/compute/model-package'
import { PerceptError } from '../../../../main/core/errors'
import { makePhantom } from '../../../../main/imaging/fixtures/phantom'
import { writeNifti } from '../../../../main/imaging/nifti'
import { reorient } from '../../../../main/imaging/reorient'
import type { Volume } from '../../../../main/imaging/volume'
import { inputProblem, loadSegmentationInput, segmentFile, segmentVolume, type SegmentProgress } from '../../../../main/mri/segmentation/segment'
import { openSegmentationModel, resolveSegmentationModel, type SegmentationModel } from '../../../../main/mri/segmentation/segmentation-model'
import { bandModelMeta, bandModelOnnx, writeBandModel, type BandModelOptions } from '../../../fixtures/mri-seg/band-model'

// Every refusal of issue 13's "Bad input" comes before any work: no progress reported, no file written.

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'percept-segment-refusals-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const base: BandModelOptions = { centres: [-2, -0.5, 0.5, 1.5, 3], patch: [8, 10, 12], spacingMm: [4, 4, 4] }
const brainGrid = { dims: [40, 44, 38] as [number, number, number], voxelMm: [3, 3, 3] as [number, number, number] }

async function rejection(promise: Promise<unknown>): Promise<PerceptError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  expect(error).toBeInstanceOf(PerceptError)
  return error as PerceptError
}

async function open(name: string, options: Partial<BandModelOptions>): Promise<SegmentationModel> {
  return openSegmentationModel(await readModelPackage(await writeBandModel(join(dir, name), { ...base, ...options })), { intraOpThreads: 1 })
}

describe('the image', () => {
  it('accepts a head-sized grey-scale volume', () => {
    expect(inputProblem(makePhantom(brainGrid))).toBeNull()
  })

  it('refuses a label map given as the image, saying why', () => {
    const problem = inputProblem(makePhantom({ ...brainGrid, kind: 'labels' }))
    expect(problem).toMatch(/looks like a label map/)
    // 0..4: five whole numbers; inside, neighbours mostly equal.
    expect(problem).toMatch(/5 whole numbers/)
  })

  it('takes an integer image whose neighbours differ (a uint8 scan) as an image', () => {
    const image = makePhantom({ ...brainGrid, noise: 6 })
    const rounded: Volume = { ...image, data: Uint8Array.from(image.data, (v) => Math.max(0, Math.min(255, Math.round(v)))), datatype: 'uint8' }
    expect(inputProblem(rounded)).toBeNull()
  })

  it('refuses a field of view far from a head (80 x 96 x 72 mm) and one too large', () => {
    expect(inputProblem(makePhantom())).toMatch(/spans 80 x 96 x 72 mm .*far from a head's size \(100 to 300 mm/)
    expect(inputProblem(makePhantom({ dims: [40, 44, 110], voxelMm: [3, 3, 3] }))).toMatch(/spans 120 x 132 x 330 mm/)
  })

  it('refuses voxels more than 4 times longer on one axis', () => {
    expect(inputProblem(makePhantom({ dims: [120, 120, 30], voxelMm: [1, 1, 5] }))).toMatch(/1 x 1 x 5 mm, 5\.0 times longer/)
    expect(inputProblem(makePhantom({ dims: [120, 120, 38], voxelMm: [1, 1, 4] }))).toBeNull()
  })

  it('asks which frame of a 4-D series, and segments the one chosen', async () => {
    const path = join(dir, 'series.nii.gz')
    const frame = makePhantom(brainGrid)
    await writeNifti(path, [frame, frame, frame])
    const error = await rejection(loadSegmentationInput(path))
    expect(error.code).toBe('VALIDATION')
    expect(error.message).toMatch(/4-D series of 3 frames: choose the frame to segment \(0 to 2/)
    expect((await loadSegmentationInput(path, { frame: 2 })).volume.dims).toEqual(brainGrid.dims)
  })
})

describe('the model', () => {
  it('refuses labels that do not fit the graph', async () => {
    const folder = join(dir, 'three-labels')
    // model.json lists 3 labels (and declares 3 classes) but the graph gives 5.
    const meta = bandModelMeta({ ...base, labels: ['Background', 'A', 'B'] })
    await writeModelPackage(folder, { onnx: bandModelOnnx(base), meta })
    const error = await rejection(openSegmentationModel(await readModelPackage(folder)))
    expect(error.message).toMatch(/the graph's output 'probabilities' gives 5 classes \[N, 8, 10, 12, 5\] but model\.json lists 3 labels/)
  })

  it("refuses model.json's labels that disagree with its own output shape", async () => {
    const folder = join(dir, 'labels-vs-shape')
    const meta = bandModelMeta(base)
    await writeModelPackage(folder, { onnx: bandModelOnnx(base), meta: { ...meta, labels: ['Background', 'A'] } })
    const error = await rejection(openSegmentationModel(await readModelPackage(folder)))
    expect(error.message).toMatch(/output 'probabilities' gives 5 classes \[N, 8, 10, 12, 5\] but model\.json lists 2 labels/)
  })

  it('refuses a patch that does not fit the input size of the graph', async () => {
    // The graph is fully convolutional but model.json declares 8 x 10 x 12 while its patch says 8 x 10 x 16.
    const folder = join(dir, 'patch')
    const meta = bandModelMeta({ ...base, patch: [8, 10, 16], declaredSpatial: [8, 10, 12] })
    await writeModelPackage(folder, { onnx: bandModelOnnx({ ...base, graphSpatial: ['D', 'H', 'W'] }), meta })
    const error = await rejection(openSegmentationModel(await readModelPackage(folder)))
    expect(error.message).toMatch(/input 'image' is \[N, 8, 10, 12, 1\] but preprocessing\.patch is \[8, 10, 16\]/)
  })

  it("refuses a graph whose fixed input size is not model.json's", async () => {
    const folder = join(dir, 'graph-size')
    await writeModelPackage(folder, { onnx: bandModelOnnx({ ...base, graphSpatial: [8, 10, 14] }), meta: bandModelMeta({ ...base, declaredSpatial: ['D', 'H', 'W'] }) })
    const error = await rejection(openSegmentationModel(await readModelPackage(folder)))
    expect(error.message).toMatch(/the graph's input 'image' is \[N, 8, 10, 14, 1\] but preprocessing\.patch is \[8, 10, 12\]/)
  })

  it('refuses a package for another task, and preprocessing it cannot follow', async () => {
    const other = join(dir, 'sound')
    await writeModelPackage(other, { onnx: bandModelOnnx(base), meta: bandModelMeta({ ...base, task: 'sound-classification' }) })
    expect((await rejection(openSegmentationModel(await readModelPackage(other)))).message).toMatch(/is a sound-classification model/)
    expect((await rejection(resolveSegmentationModel(other, join(dir, 'models'), null))).message).toMatch(/not a brain segmentation model/)
    const bad = join(dir, 'bad-preprocessing')
    const meta = bandModelMeta(base)
    await writeModelPackage(bad, { onnx: bandModelOnnx(base), meta: { ...meta, preprocessing: { ...meta.preprocessing, orientation: 'RAR', intensity: 'histogram' } } })
    const error = await rejection(openSegmentationModel(await readModelPackage(bad)))
    expect(error.message).toMatch(/preprocessing\.orientation/)
    expect(error.message).toMatch(/preprocessing\.intensity/)
  })

  it('says to pass --model when none is bundled', async () => {
    const error = await rejection(resolveSegmentationModel(undefined, join(dir, 'models'), null))
    expect(error.code).toBe('NOT_FOUND')
    expect(error.message).toMatch(/pass --model/)
  })

  it('takes a logits graph declared as logits, and refuses one declared as probabilities', async () => {
    const volume = makePhantom(brainGrid)
    const softmax = await open('softmax', {})
    const logits = await open('logits', { logits: true, declareOutput: 'logits' })
    const undeclared = await open('logits-undeclared', { logits: true, temperature: 5 })
    try {
      const [a, b] = [await segmentVolume(volume, softmax), await segmentVolume(volume, logits)]
      expect(Array.from(b.labels)).toEqual(Array.from(a.labels))
      let worst = 0
      for (let n = 0; n < a.confidence.length; n++) worst = Math.max(worst, Math.abs(a.confidence[n]! - b.confidence[n]!), Math.abs(a.margin[n]! - b.margin[n]!))
      expect(worst).toBeLessThan(1e-5)
      expect(new Set(a.labels).size).toBeGreaterThan(2)
      expect((await rejection(segmentVolume(volume, undeclared))).message).toMatch(/not a probability: if its output is logits, say so in model\.json \(preprocessing\.output: "logits"\)/)
    } finally {
      await Promise.all([softmax.release(), logits.release(), undeclared.release()])
    }
  })
})

describe('segmentFile refuses before any work', () => {
  let model: SegmentationModel
  beforeAll(async () => {
    model = await open('for-files', {})
  })
  afterAll(() => model.release())

  const cases: { name: string; volume: () => Volume | Volume[]; message: RegExp; reference?: () => Volume }[] = [
    { name: 'a label map', volume: () => makePhantom({ ...brainGrid, kind: 'labels' }), message: /looks like a label map/ },
    { name: 'a small field of view', volume: () => makePhantom(), message: /far from a head's size/ },
    { name: 'anisotropic voxels', volume: () => makePhantom({ dims: [120, 120, 30], voxelMm: [1, 1, 5] }), message: /times longer on one axis/ },
    { name: 'a 4-D series', volume: () => [makePhantom(brainGrid), makePhantom(brainGrid)], message: /4-D series of 2 frames/ },
    {
      name: 'a reference on another grid',
      volume: () => makePhantom(brainGrid),
      reference: () => makePhantom({ kind: 'labels', dims: [40, 44, 36], voxelMm: [3, 3, 3] }),
      message: /different grids: the image is 40×44×38 voxels, the reference is 40×44×36/,
    },
    {
      name: 'a reference that is not a label map',
      volume: () => makePhantom(brainGrid),
      reference: () => makePhantom(brainGrid),
      message: /a label map holds whole numbers only/,
    },
  ]
  for (const c of cases) {
    it(`refuses ${c.name}`, async () => {
      const folder = join(dir, `refuse-${c.name.replace(/\W+/g, '-')}`)
      mkdirSync(folder)
      const input = join(folder, 'input.nii')
      await writeNifti(input, c.volume())
      const reference = c.reference ? join(folder, 'reference.nii') : undefined
      if (reference) await writeNifti(reference, reorient(c.reference!(), 'LPS').volume)
      const before = readdirSync(folder)
      const progress: SegmentProgress[] = []
      const error = await rejection(segmentFile(model, { input, out: join(folder, 'labels.nii.gz'), ...(reference ? { reference } : {}) }, { onProgress: (p) => progress.push(p) }))
      expect(error.message).toMatch(c.message)
      expect(progress).toEqual([])
      expect(readdirSync(folder)).toEqual(before)
    })
  }

  it('refuses an output that is not NIfTI', async () => {
    const error = await rejection(segmentFile(model, { input: join(dir, 'nowhere.nii'), out: join(dir, 'labels.png') }))
    expect(error.message).toMatch(/name it \.nii or \.nii\.gz/)
  })
})
