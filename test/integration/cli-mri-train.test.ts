import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makePhantom } from '../../main/imaging/fixtures/phantom'
import { readNifti, writeNifti } from '../../main/imaging/nifti'
import type { Mat4, Volume } from '../../main/imaging/volume'
import { STRUCTURES } from '../../main/mri/segmentation/cohort/structures'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// The chain a user runs, on the built app: `percept mri cohort` -> `percept mri train` -> `percept mri segment
// --model <the id train printed>`. The cohort's template is the phantom head drawn at twice its size (so every
// subject spans over 100 mm, as `segment` requires of a head), in the layout of mricron-data's templates
// (ch2.nii.gz, aal.nii.gz, aal.nii.txt), its four labels named as AAL regions of four of the 19 structures.
let home: string
let cleanup: () => void

const doubled = (volume: Volume): Volume => ({ ...volume, affine: volume.affine.map((v, i) => (i < 12 ? 2 * v : v)) as Mat4 })

beforeAll(async () => {
  requireBuild()
  ;({ home, cleanup } = tempHome('percept-cli-mri-train-'))
  const templates = join(home, 'templates')
  mkdirSync(templates)
  await writeNifti(join(templates, 'ch2.nii.gz'), doubled(makePhantom()))
  await writeNifti(join(templates, 'aal.nii.gz'), doubled(makePhantom({ kind: 'labels' })))
  writeFileSync(join(templates, 'aal.nii.txt'), '1 Frontal_Sup_L 2101\n2 Thalamus_L 7101\n3 Caudate_R 7002\n4 Vermis_1_2 9100\n')
}, 30_000)
afterAll(() => cleanup())

const mri = (...args: string[]) => runCli(['mri', ...args], { PERCEPT_HOME: home })

describe('percept mri train', () => {
  it('trains on a cohort, installs a model, and `mri segment --model <id>` uses it', async () => {
    const cohort = join(home, 'cohort')
    const made = await mri('cohort', cohort, '--templates', join(home, 'templates'), '--subjects', '3', '--test-subjects', '1', '--seed', '4', '--voxel-mm', '2,2.5', '--json')
    expect(made.stderr).toBe('')
    expect(made.code).toBe(0)

    const trained = await mri('train', '--dataset', join(cohort, 'train'), '--mode', 'gabor', '--loss', 'dice', '--lr', '0.01', '--size', '16', '--epochs', '2', '--base-filters', '4', '--blocks', '1,2', '--json')
    expect(trained.code, trained.stderr).toBe(0)
    const result = JSON.parse(trained.stdout) as Record<string, unknown>
    expect(Object.keys(result)).toEqual(['job', 'modelId', 'bestEpoch', 'validationDice', 'testDice', 'structures', 'split', 'parameters', 'secondsPerStep', 'backend'])
    expect(result.modelId).toBe(`mri-seg-gabor-dice-${String(result.job)}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-'))
    expect([1, 2]).toContain(result.bestEpoch)
    const structures = result.structures as { label: number; name: string; validation: number | null; test: number | null }[]
    expect(structures.map((s) => [s.label, s.name])).toEqual(STRUCTURES.map((s) => [s.id, s.name]))
    for (const s of structures) for (const d of [s.validation, s.test]) if (d !== null) expect(d >= 0 && d <= 1).toBe(true)
    const split = result.split as { train: string[]; validation: string[]; test: string[] }
    expect([...split.train, ...split.validation, ...split.test].sort()).toEqual(['train-001', 'train-002', 'train-003'])
    // Progress goes to stderr with --json, so stdout stays one JSON document.
    expect(trained.stderr).toMatch(/epoch 2\/2/)

    const image = join(cohort, 'test', 'test-001_t1.nii.gz')
    const out = join(home, 'seg', 'labels.nii.gz')
    const segmented = await mri('segment', image, '--model', String(result.modelId), '--out', out, '--reference', join(cohort, 'test', 'test-001_labels.nii.gz'), '--json')
    expect(segmented.stderr).toBe('')
    expect(segmented.code).toBe(0)
    const seg = JSON.parse(segmented.stdout) as { model: string; labels: { name: string }[]; dice: unknown[] }
    expect(seg.model).toBe(result.modelId)
    expect(seg.labels.map((l) => l.name)).toEqual(STRUCTURES.map((s) => s.name))
    expect(Array.isArray(seg.dice)).toBe(true)
    const [written, source] = await Promise.all([readNifti(out), readNifti(image)])
    expect(written.volume.dims).toEqual(source.volume.dims)
    expect(written.volume.affine).toEqual(source.volume.affine)
  }, 120_000)

  it('refuses bad input before any training, saying what to do', async () => {
    const missing = await mri('train', '--dataset', join(home, 'nowhere'), '--epochs', '1')
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toMatch(/No dataset at .*nowhere/)
    const mode = await mri('train', '--dataset', join(home, 'cohort', 'train'), '--mode', 'wavelet')
    expect(mode.code).not.toBe(0)
    expect(mode.stderr).toMatch(/expected one of conventional, gabor, mixed/)
    const size = await mri('train', '--dataset', join(home, 'cohort', 'train'), '--size', '20', '--epochs', '1')
    expect(size.code).not.toBe(0)
    expect(size.stderr).toMatch(/multiple of 16/)
    const lrs = await mri('experiment', '--dataset', join(home, 'cohort', 'train'), '--lrs', '1e-3,abc', '--json')
    expect(lrs.code).not.toBe(0)
    expect(lrs.stderr).toMatch(/learning rate/)
  }, 60_000)
})
