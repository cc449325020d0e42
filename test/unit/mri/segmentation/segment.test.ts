import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readModelPackage } from '../../../../main/compute/model-package'
import { PerceptError } from '../../../../main/core/errors'
import { makePhantom, phantomLabelAt, PHANTOM_SHELLS, PHANTOM_MARKER } from '../../../../main/imaging/fixtures/phantom'
import { colorTableCandidates, findColorTableFor } from '../../../../main/imaging/labels'
import { readNifti, writeNifti } from '../../../../main/imaging/nifti'
import { reorient } from '../../../../main/imaging/reorient'
import { voxelToWorld, type Vec3, type Volume } from '../../../../main/imaging/volume'
import { inputProblem, segmentFile, segmentVolume, type SegmentProgress } from '../../../../main/mri/segmentation/segment'
import { openSegmentationModel, type SegmentationModel } from '../../../../main/mri/segmentation/segmentation-model'
import { BAND_LABELS, bandProbabilities, headZscore, writeBandModel, type BandModelOptions } from '../../../fixtures/mri-seg/band-model'

// A phantom head (main/imaging/fixtures/phantom.ts: nested ellipsoids of intensity 50, 100, 150 and a 250
// marker cube in the Right-Anterior-Superior octant, air 0, noise sd 4) segmented by a model that labels
// intensity bands. The expected label of a voxel is the phantom's label at its world position, computed from
// the phantom's geometry; the band model turns intensities into labels only through the zscore the pipeline
// documents, which the test works out itself (headZscore).

const RAW_CENTRES = [0, ...PHANTOM_SHELLS.map((s) => s.intensity), PHANTOM_MARKER.intensity]

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'percept-segment-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The band model with centres at the phantom's intensities, normalised as the pipeline normalises `volume`. */
async function bandModelFor(volume: Volume, name: string, options: Omit<BandModelOptions, 'centres'>): Promise<{ model: SegmentationModel; centres: number[]; z: (v: number) => number }> {
  const { mean, std } = headZscore(volume.data)
  const centres = RAW_CENTRES.map((c) => (c - mean) / std)
  const pkg = await readModelPackage(await writeBandModel(join(dir, name), { ...options, centres }))
  return { model: await openSegmentationModel(pkg, { intraOpThreads: 1 }), centres, z: (v) => (v - mean) / std }
}

/** Voxels whose phantom label is the same everywhere within h mm along each axis (sampled on a 5^3 lattice). */
function labelSettled(p: Vec3, h: Vec3): boolean {
  // Past 50 mm from the centre everything within h is air (the marker's far corner is 52 mm out).
  if (Math.hypot(...p) > 50 + Math.hypot(...h)) return true
  const label = phantomLabelAt(p)
  const steps = [-1, -0.5, 0, 0.5, 1]
  for (const sx of steps) {
    for (const sy of steps) {
      for (const sz of steps) if (phantomLabelAt([p[0] + sx * h[0], p[1] + sy * h[1], p[2] + sz * h[2]]) !== label) return false
    }
  }
  return true
}

function eachVoxel(volume: Volume, visit: (n: number, world: Vec3) => void): void {
  const [nx, ny, nz] = volume.dims
  for (let k = 0, n = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, n++) visit(n, voxelToWorld(volume.affine, i, j, k))
}

describe('segmentVolume on the voxel grid of the model (2 mm, no resampling)', () => {
  // 108 x 116 x 104 mm; the patch (x 34, y 40, z 32 voxels of 2 mm) holds the head and the marker with room.
  const ras = makePhantom({ dims: [54, 58, 52], voxelMm: [2, 2, 2] })
  const lps = reorient(ras, 'LPS').volume
  const options = { patch: [32, 40, 34] as [number, number, number], spacingMm: [2, 2, 2] as [number, number, number] }
  let model: SegmentationModel
  let centres: number[]
  let z: (v: number) => number
  beforeAll(async () => {
    ;({ model, centres, z } = await bandModelFor(ras, 'bands-2mm', options))
  })
  afterAll(() => model.release())

  it('labels every voxel of the input grid as the phantom is drawn, with its softmax confidence', async () => {
    expect(inputProblem(ras)).toBeNull()
    const result = await segmentVolume(ras, model)
    expect(result.dims).toEqual(ras.dims)
    expect(result.affine).toEqual(ras.affine)
    let wrong = 0
    let outsidePatch = 0
    let bandDisagrees = 0
    let worstConfidence = 0
    let worstMargin = 0
    eachVoxel(ras, (n, world) => {
      if (result.labels[n] !== phantomLabelAt(world)) wrong++
      if (result.confidence[n] === 0) {
        outsidePatch++
        if (result.labels[n] !== 0) wrong++
        return
      }
      const expected = bandProbabilities(z(ras.data[n]!), centres)
      if (expected.label !== phantomLabelAt(world)) bandDisagrees++
      worstConfidence = Math.max(worstConfidence, Math.abs(result.confidence[n]! - expected.top))
      worstMargin = Math.max(worstMargin, Math.abs(result.margin[n]! - expected.margin))
    })
    expect(wrong).toBe(0)
    expect(bandDisagrees).toBe(0)
    expect(worstConfidence).toBeLessThan(1e-4)
    expect(worstMargin).toBeLessThan(1e-4)
    // Voxels beyond the 34 x 40 x 32 patch: the grid has 54 x 58 x 52.
    expect(outsidePatch).toBe(54 * 58 * 52 - 34 * 40 * 32)
  })

  it('gives the same world-space answer for the head stored LPS', async () => {
    const [a, b] = [await segmentVolume(ras, model), await segmentVolume(lps, model)]
    expect(b.affine).toEqual(lps.affine)
    const back = reorient({ dims: b.dims, affine: b.affine, data: b.labels, components: 1, datatype: 'int32' }, 'RAS').volume
    expect(back.affine).toEqual(ras.affine)
    expect(Array.from(back.data)).toEqual(Array.from(a.labels))
    // The marker is at +x (Right): in the LPS array it sits at low i.
    const markerVoxel = b.labels.findIndex((l) => l === PHANTOM_MARKER.label)
    expect(voxelToWorld(b.affine, markerVoxel % 54, Math.floor(markerVoxel / 54) % 58, Math.floor(markerVoxel / (54 * 58)))[0]).toBeGreaterThan(20)
  })

  it('reports voxels and mL per structure: count times 8 mm^3', async () => {
    const result = await segmentVolume(lps, model)
    const counts = [0, 0, 0, 0, 0]
    eachVoxel(lps, (_, world) => counts[phantomLabelAt(world)]!++)
    expect(result.stats.map((s) => s.name)).toEqual(BAND_LABELS.slice(1))
    expect(result.stats.map((s) => s.voxels)).toEqual(counts.slice(1))
    for (const s of result.stats) expect(s.volumeMl).toBeCloseTo((s.voxels * 8) / 1000, 12)
    // The inner shell, a 9 x 11 x 8 mm ellipsoid, is 4/3 pi abc = 3.32 mL; voxelised at 2 mm within 15%.
    expect(result.stats[2]!.volumeMl).toBeGreaterThan(3.32 * 0.85)
    expect(result.stats[2]!.volumeMl).toBeLessThan(3.32 * 1.15)
  })
})

describe('segmentVolume with minmax intensities', () => {
  it('maps the head p0.5..p99.5 to 0..1 before the model sees it', async () => {
    const ras = makePhantom({ dims: [54, 58, 52], voxelMm: [2, 2, 2] })
    // The test's own account: head voxels above p2 + 0.1 (p98 - p2) of all voxels; their numpy percentiles.
    const percentile = (sorted: Float64Array, p: number): number => {
      const r = (p / 100) * (sorted.length - 1)
      return sorted[Math.floor(r)]! + (sorted[Math.ceil(r)]! - sorted[Math.floor(r)]!) * (r - Math.floor(r))
    }
    const all = Float64Array.from(ras.data).sort()
    const threshold = percentile(all, 2) + 0.1 * (percentile(all, 98) - percentile(all, 2))
    const head = all.filter((v) => v > threshold)
    const [low, high] = [percentile(head, 0.5), percentile(head, 99.5)]
    // Band centres at the shells' normalised intensities. Air and the darkest 0.5% of the head both clip to 0,
    // and the marker (0.3% of the head) clips to 1 with the brightest inner-shell voxels, so the expected label
    // is the band of each voxel's own clipped value, worked out here, rather than the phantom's.
    const normalised = (v: number): number => Math.min(1, Math.max(0, (v - low) / (high - low)))
    const centres = [0, 50, 100, 150].map(normalised)
    const pkg = await readModelPackage(await writeBandModel(join(dir, 'bands-minmax'), { centres, labels: BAND_LABELS.slice(0, 4), intensity: 'minmax', patch: [32, 40, 34], spacingMm: [2, 2, 2] }))
    const model = await openSegmentationModel(pkg, { intraOpThreads: 1 })
    try {
      const result = await segmentVolume(ras, model)
      let wrong = 0
      let inPatch = 0
      const labelled = new Set<number>()
      for (let n = 0; n < ras.data.length; n++) {
        if (result.confidence[n] === 0) continue
        inPatch++
        const expected = bandProbabilities(normalised(ras.data[n]!), centres)
        labelled.add(expected.label)
        if (result.labels[n] !== expected.label || Math.abs(result.confidence[n]! - expected.top) > 1e-4) wrong++
      }
      expect(inPatch).toBe(34 * 40 * 32)
      expect([...labelled].sort()).toEqual([0, 1, 2, 3])
      expect(wrong).toBe(0)
    } finally {
      await model.release()
    }
  })
})

describe('segmentVolume with resampling (anisotropic PSR voxels to a 1.5 mm model grid)', () => {
  it('labels the voxels away from structure edges as the phantom is drawn', async () => {
    // 110 x 120 x 112 mm in 1.25 x 1.25 x 2 mm voxels, stored PSR.
    const ras = makePhantom({ dims: [88, 96, 56], voxelMm: [1.25, 1.25, 2] })
    const psr = reorient(ras, 'PSR').volume
    const { model } = await bandModelFor(ras, 'bands-1.5mm', { patch: [42, 52, 44], spacingMm: [1.5, 1.5, 1.5] })
    try {
      const result = await segmentVolume(psr, model)
      expect(result.dims).toEqual(psr.dims)
      expect(result.affine).toEqual(psr.affine)
      // A native voxel takes the label of the nearest model voxel (within 0.75 mm along each axis), whose value
      // mixes native voxels within one native voxel (1.25, 1.25, 2 mm): where the phantom holds one label within
      // (2, 2, 2.75) mm along the axes, the label is sure.
      const settled = [0, 0, 0, 0, 0]
      let wrongSettled = 0
      let right = 0
      eachVoxel(psr, (n, world) => {
        const expected = phantomLabelAt(world)
        if (result.labels[n] === expected) right++
        if (!labelSettled(world, [2, 2, 2.75])) return
        settled[expected]!++
        if (result.labels[n] !== expected) wrongSettled++
      })
      expect(wrongSettled).toBe(0)
      for (const count of settled.slice(0, 4)) expect(count).toBeGreaterThan(100)
      expect(right / result.labels.length).toBeGreaterThan(0.98)
    } finally {
      await model.release()
    }
  })
})

describe('segmentFile', () => {
  const ras = makePhantom({ dims: [54, 58, 52], voxelMm: [2, 2, 2] })
  let model: SegmentationModel
  beforeAll(async () => {
    ;({ model } = await bandModelFor(ras, 'bands-files', { patch: [32, 40, 34], spacingMm: [2, 2, 2] }))
  })
  afterAll(() => model.release())

  it('writes the label map on the input grid, its colour table and the confidence, and scores a reference', async () => {
    const folder = mkdtempSync(join(dir, 'files-'))
    const input = join(folder, 'head-lps.nii.gz')
    await writeNifti(input, reorient(ras, 'LPS').volume)
    // The reference, stored RAS: the marker left out (Dice 0) and the inner shell's right half called middle shell.
    const truth = makePhantom({ kind: 'labels', dims: [54, 58, 52], voxelMm: [2, 2, 2] })
    const reference = Uint8Array.from(truth.data)
    let inner = 0, innerKept = 0, middle = 0, marker = 0
    eachVoxel(truth, (n, world) => {
      const label = truth.data[n]!
      if (label === 4) {
        marker++
        reference[n] = 0
      } else if (label === 3) {
        inner++
        if (world[0] > 0) reference[n] = 2
        else innerKept++
      } else if (label === 2) {
        middle++
      }
    })
    const referencePath = join(folder, 'reference.nii')
    await writeNifti(referencePath, { ...truth, data: reference })
    const out = join(folder, 'labels.nii.gz')
    const confidenceOut = join(folder, 'confidence.nii.gz')

    const result = await segmentFile(model, { input, out, confidenceOut, reference: referencePath })

    const [written, source, confidence] = await Promise.all([readNifti(out), readNifti(input), readNifti(confidenceOut)])
    expect(written.volume.dims).toEqual(source.volume.dims)
    expect(written.volume.affine).toEqual(source.volume.affine)
    expect(written.volume.datatype).toBe('uint8')
    eachVoxel(written.volume, (n, world) => expect(written.volume.data[n]).toBe(phantomLabelAt(world)))
    expect(confidence.volume.datatype).toBe('float32')
    expect(Array.from(confidence.volume.data)).toEqual(Array.from(result.confidence))
    const table = await findColorTableFor(out)
    expect(table?.sources).toEqual([colorTableCandidates(out)[0]])
    expect([...table!.entries()].filter(([label]) => label > 0).map(([label, e]) => [label, e.name])).toEqual(BAND_LABELS.slice(1).map((name, i) => [i + 1, name]))
    expect(result.files).toEqual([out, colorTableCandidates(out)[0], confidenceOut])

    const dice = Object.fromEntries(result.dice!.map((d) => [d.label, d]))
    expect(dice[1]!.dice).toBe(1)
    expect(dice[2]!.dice).toBeCloseTo((2 * middle) / (middle + middle + inner - innerKept), 12)
    expect(dice[3]!.dice).toBeCloseTo((2 * innerKept) / (inner + innerKept), 12)
    expect(dice[4]!.dice).toBe(0)
    expect(dice[4]!.name).toBe('Marker')
    expect(marker).toBeGreaterThan(0)
  })

  it('writes nothing when cancelled, at any stage', async () => {
    for (const at of ['preprocess', 'infer', 'native', 'write'] as const) {
      const folder = mkdtempSync(join(dir, `cancel-${at}-`))
      const input = join(folder, 'head.nii')
      await writeNifti(input, ras)
      const before = readdirSync(folder)
      const controller = new AbortController()
      const stages: string[] = []
      const onProgress = (p: SegmentProgress): void => {
        stages.push(p.stage)
        if (p.stage === at) controller.abort()
      }
      const error = await segmentFile(model, { input, out: join(folder, 'labels.nii.gz'), confidenceOut: join(folder, 'c.nii') }, { signal: controller.signal, onProgress }).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(PerceptError)
      expect((error as PerceptError).code).toBe('CANCELLED')
      expect(readdirSync(folder)).toEqual(before)
      // Aborted during `at`: the next stage's check stops it (write is the last check before any file).
      expect(stages.at(-1)).toBe(at)
    }
  })

  it('hears a cancel that arrives while a stage runs (a signal handler, a message) before the next stage starts', async () => {
    const folder = mkdtempSync(join(dir, 'cancel-from-outside-'))
    const input = join(folder, 'head.nii')
    await writeNifti(input, ras)
    const controller = new AbortController()
    const stages: string[] = []
    // Queued while preprocessing runs (synchronously): it can only run when the pipeline lets the loop turn.
    const onProgress = (p: SegmentProgress): void => {
      stages.push(p.stage)
      if (p.stage === 'preprocess') setImmediate(() => controller.abort())
    }
    const error = await segmentFile(model, { input, out: join(folder, 'labels.nii.gz') }, { signal: controller.signal, onProgress }).catch((e: unknown) => e)
    expect((error as PerceptError).code).toBe('CANCELLED')
    expect(stages).toEqual(['preprocess'])
    expect(readdirSync(folder)).toEqual(['head.nii'])
  })
})
