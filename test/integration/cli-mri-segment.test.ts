import { spawn } from 'node:child_process'
import { cpSync, existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makePhantom, phantomLabelAt, PHANTOM_MARKER, PHANTOM_SHELLS } from '../../main/imaging/fixtures/phantom'
import { readColorTable } from '../../main/imaging/labels'
import { readNifti, writeNifti } from '../../main/imaging/nifti'
import { reorient } from '../../main/imaging/reorient'
import { voxelToWorld } from '../../main/imaging/volume'
import { BAND_LABELS, headZscore, writeBandModel } from '../fixtures/mri-seg/band-model'
import { perceptBin, repoRoot, requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// `percept mri segment` as a user runs it, on the built app, with a hand-built ONNX model that labels intensity
// bands (test/fixtures/mri-seg/band-model.ts): the phantom head comes back labelled as it was drawn.
let home: string
let cleanup: () => void
let modelDir: string
let input: string
let reference: string
const counts = [0, 0, 0, 0, 0]

beforeAll(async () => {
  requireBuild()
  ;({ home, cleanup } = tempHome())
  const ras = makePhantom({ dims: [54, 58, 52], voxelMm: [2, 2, 2] })
  const [nx, ny, nz] = ras.dims
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) counts[phantomLabelAt(voxelToWorld(ras.affine, i, j, k))]!++
  const { mean, std } = headZscore(ras.data)
  const centres = [0, ...PHANTOM_SHELLS.map((s) => s.intensity), PHANTOM_MARKER.intensity].map((c) => (c - mean) / std)
  modelDir = await writeBandModel(join(home, 'bands'), { centres, patch: [32, 40, 34], spacingMm: [2, 2, 2] })
  input = join(home, 'head-lps.nii.gz')
  await writeNifti(input, reorient(ras, 'LPS').volume)
  reference = join(home, 'reference.nii.gz')
  await writeNifti(reference, makePhantom({ kind: 'labels', dims: [54, 58, 52], voxelMm: [2, 2, 2] }))
})
afterAll(() => cleanup())

const mri = (...args: string[]) => runCli(['mri', ...args], { PERCEPT_HOME: home })

describe('percept mri segment', () => {
  it('writes the label map on the input grid with its colour table, and prints model, seconds, labels and dice', async () => {
    const out = join(home, 'out', 'labels.nii.gz')
    const confidence = join(home, 'out', 'confidence.nii.gz')
    const { code, stdout, stderr } = await mri('segment', input, '--model', modelDir, '--out', out, '--reference', reference, '--confidence', confidence, '--json')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const result = JSON.parse(stdout) as Record<string, unknown>
    expect(Object.keys(result)).toEqual(['model', 'seconds', 'labels', 'dice'])
    expect(result.model).toBe('bands')
    expect(typeof result.seconds).toBe('number')
    const labels = result.labels as Record<string, unknown>[]
    for (const entry of labels) expect(Object.keys(entry)).toEqual(['label', 'name', 'voxels', 'volumeMl'])
    expect(labels.map((l) => [l.label, l.name, l.voxels])).toEqual(BAND_LABELS.slice(1).map((name, i) => [i + 1, name, counts[i + 1]]))
    for (const l of labels) expect(l.volumeMl).toBeCloseTo(((l.voxels as number) * 8) / 1000, 12)
    const dice = result.dice as Record<string, unknown>[]
    for (const entry of dice) expect(Object.keys(entry)).toEqual(['label', 'name', 'dice'])
    expect(dice).toEqual(BAND_LABELS.slice(1).map((name, i) => ({ label: i + 1, name, dice: 1 })))

    const [written, source] = await Promise.all([readNifti(out), readNifti(input)])
    expect(written.volume.dims).toEqual(source.volume.dims)
    expect(written.volume.affine).toEqual(source.volume.affine)
    const [nx, ny, nz] = written.volume.dims
    let wrong = 0
    for (let k = 0, n = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++, n++) if (written.volume.data[n] !== phantomLabelAt(voxelToWorld(written.volume.affine, i, j, k))) wrong++
    expect(wrong).toBe(0)
    const table = await readColorTable(join(home, 'out', 'labels.nii.txt'))
    expect(table.get(4)?.name).toBe('Marker')
    expect((await readNifti(confidence)).volume.dims).toEqual(source.volume.dims)
  })

  it('takes an installed id and prints no dice without a reference', async () => {
    cpSync(modelDir, join(home, 'models', 'installed-bands'), { recursive: true })
    const out = join(home, 'installed.nii')
    const { code, stdout, stderr } = await mri('segment', input, '--model', 'installed-bands', '--out', out, '--json')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const result = JSON.parse(stdout) as Record<string, unknown>
    expect(Object.keys(result)).toEqual(['model', 'seconds', 'labels'])
    expect(result.model).toBe('installed-bands')
    expect(existsSync(out)).toBe(true)
  })

  it('refuses a label map given as the image, writing nothing', async () => {
    const folder = join(home, 'refused')
    const out = join(folder, 'labels.nii.gz')
    const { code, stderr } = await mri('segment', reference, '--model', modelDir, '--out', out, '--json')
    expect(code).toBe(1)
    expect(stderr).toMatch(/looks like a label map, not an MRI.*\[VALIDATION\]/)
    expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([])
  })

  it('asks which frame of a 4-D series (naming --frame), writing nothing, and segments the frame chosen', async () => {
    const folder = join(home, 'series')
    const series = join(home, 'series.nii.gz')
    const frame = makePhantom({ dims: [54, 58, 52], voxelMm: [2, 2, 2] })
    await writeNifti(series, [frame, frame])
    const out = join(folder, 'labels.nii.gz')
    const ask = await mri('segment', series, '--model', modelDir, '--out', out, '--json')
    expect(ask.code).toBe(1)
    expect(ask.stderr).toMatch(/is a 4-D series of 2 frames: choose the frame to segment \(0 to 1; --frame on the command line\)\. \[VALIDATION\]/)
    expect(existsSync(folder)).toBe(false)
    const beyond = await mri('segment', series, '--model', modelDir, '--out', out, '--frame', '2', '--json')
    expect(beyond.code).toBe(1)
    expect(beyond.stderr).toMatch(/has 2 frames; frame 2 does not exist \(choose 0 to 1\)/)
    expect(existsSync(folder)).toBe(false)
    const chosen = await mri('segment', series, '--model', modelDir, '--out', out, '--frame', '1', '--json')
    expect(chosen.stderr).toBe('')
    expect(chosen.code).toBe(0)
    expect((JSON.parse(chosen.stdout) as { labels: { voxels: number }[] }).labels.map((l) => l.voxels)).toEqual(counts.slice(1))
    expect(readdirSync(folder).sort()).toEqual(['labels.nii.gz', 'labels.nii.txt'])
  })

  it('refuses voxels far from cubic and a field of view far from a head, writing nothing', async () => {
    const folder = join(home, 'odd-grids')
    const slab = join(home, 'slab.nii.gz')
    await writeNifti(slab, makePhantom({ dims: [120, 120, 30], voxelMm: [1, 1, 5] }))
    const small = join(home, 'small.nii.gz')
    await writeNifti(small, makePhantom())
    const a = await mri('segment', slab, '--model', modelDir, '--out', join(folder, 'a.nii.gz'), '--json')
    expect(a.code).toBe(1)
    expect(a.stderr).toMatch(/voxels are 1 x 1 x 5 mm, 5\.0 times longer on one axis than another.*\[VALIDATION\]/)
    const b = await mri('segment', small, '--model', modelDir, '--out', join(folder, 'b.nii.gz'), '--json')
    expect(b.code).toBe(1)
    expect(b.stderr).toMatch(/spans 80 x 96 x 72 mm .*far from a head's size.*\[VALIDATION\]/)
    expect(existsSync(folder)).toBe(false)
  })

  it('refuses a model whose labels do not fit its graph, before reading the image', async () => {
    const misfit = await writeBandModel(join(home, 'three-labels'), { centres: [0, 1, 2, 3, 4], patch: [32, 40, 34], spacingMm: [2, 2, 2], labels: BAND_LABELS.slice(0, 3), declaredSpatial: ['D', 'H', 'W'] })
    const folder = join(home, 'misfit-out')
    const { code, stderr } = await mri('segment', join(home, 'no-such-image.nii.gz'), '--model', misfit, '--out', join(folder, 'labels.nii.gz'), '--json')
    expect(code).toBe(1)
    expect(stderr).toMatch(/The model three-labels cannot segment: the graph's output 'probabilities' gives 5 classes .* but model\.json lists 3 labels\. \[VALIDATION\]/)
    expect(existsSync(folder)).toBe(false)
  })

  it('stops at Ctrl+C, writing nothing', async () => {
    // A 256 mm head at 1 mm: preparing it takes long enough to be interrupted between the stages.
    const big = join(home, 'big-lps.nii.gz')
    await writeNifti(big, reorient(makePhantom({ dims: [200, 256, 180], voxelMm: [1, 1, 1] }), 'LPS').volume)
    const folder = join(home, 'cancelled')
    const child = spawn(process.execPath, [perceptBin, 'mri', 'segment', big, '--model', modelDir, '--out', join(folder, 'labels.nii.gz'), '--confidence', join(folder, 'c.nii.gz')], {
      env: { ...process.env, PERCEPT_HOME: home },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => {
      stderr += d
      // Progress goes to stderr, a line a stage: interrupt as the image is being prepared.
      if (/preparing the image/.test(stderr) && !child.killed) child.kill('SIGINT')
    })
    const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)))
    expect(stderr).toMatch(/preparing the image \(reorient, resample, normalise\)…\nstopping the segmentation; nothing will be written/)
    expect(stderr).toMatch(/The segmentation was cancelled; nothing was written\. \[CANCELLED\]/)
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(existsSync(folder)).toBe(false)
  })

  it.skipIf(existsSync(join(repoRoot, 'models', 'mri')))('says to pass --model while no segmentation model is bundled', async () => {
    const { code, stderr } = await mri('segment', input, '--out', join(home, 'none.nii.gz'), '--json')
    expect(code).toBe(1)
    expect(stderr).toMatch(/No segmentation model ships with this build yet: pass --model/)
  })
})
