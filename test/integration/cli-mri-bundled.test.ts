import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readNifti } from '../../main/imaging/nifti'
import { STRUCTURES } from '../../main/mri/segmentation/cohort/structures'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// The bundled segmenter (models/mri/gabor-mixed-fixture) as a user meets it: a subject it never saw (a cohort
// drawn with another seed than the one it was trained on) segmented by `percept mri segment` without --model,
// on the subject's own grid, with Dice per structure against the subject's labels. The card's held-out mean Dice
// was measured on the training cohort's test split; a new subject must come close to it.
const templates = '/usr/share/mricron/templates'
const haveTemplates = existsSync(join(templates, 'aal.nii.gz'))
const bundled = new URL('../../models/mri/gabor-mixed-fixture/', import.meta.url)

/** The held-out mean Dice the card states ("Mean 55.1%."), as a fraction. */
function cardMeanDice(): number {
  const card = readFileSync(new URL('card.md', bundled), 'utf8')
  const held = /## Held-out Dice[^\n]*\n+Mean (\d+(?:\.\d+)?)%/.exec(card)
  if (!held) throw new Error('the card states no held-out mean Dice')
  return Number(held[1]) / 100
}

let home: string
let cleanup: () => void
beforeAll(() => {
  requireBuild()
  ;({ home, cleanup } = tempHome('percept-cli-mri-bundled-'))
})
afterAll(() => cleanup?.())

const mri = (...args: string[]) => runCli(['mri', ...args], { PERCEPT_HOME: join(home, 'workspace') })

describe('the bundled segmentation model', () => {
  it('ships with its card: synthetic training data, not for clinical use, held-out Dice per structure', () => {
    const card = readFileSync(new URL('card.md', bundled), 'utf8')
    expect(card).toMatch(/Not for clinical use/)
    expect(card).toMatch(/Not real patients/)
    for (const s of STRUCTURES) expect(card).toMatch(new RegExp(`\\| ${s.id} \\| ${s.name} \\| \\d+\\.\\d%`))
    expect(cardMeanDice()).toBeGreaterThan(0.5)
    const meta = JSON.parse(readFileSync(new URL('model.json', bundled), 'utf8')) as { task: string; labels: string[] }
    expect(meta.task).toBe('mri-segmentation')
    expect(meta.labels).toEqual(['Background', ...STRUCTURES.map((s) => s.name)])
  })

  it.skipIf(!haveTemplates)('segments a subject it never saw, on the subject’s grid, with Dice near its card’s', async () => {
    const cohort = join(home, 'cohort')
    const made = await mri('cohort', cohort, '--subjects', '1', '--test-subjects', '1', '--seed', '2026', '--json')
    expect(made.code, made.stderr).toBe(0)
    const image = join(cohort, 'test', 'test-001_t1.nii.gz')
    const out = join(home, 'out', 'test-001_seg.nii.gz')
    const run = await mri('segment', image, '--out', out, '--reference', join(cohort, 'test', 'test-001_labels.nii.gz'), '--json')
    expect(run.code, run.stderr).toBe(0)
    const result = JSON.parse(run.stdout) as { model: string; labels: { label: number; name: string; volumeMl: number }[]; dice: { label: number; name: string; dice: number }[] }
    expect(result.model).toBe('bundled/gabor-mixed-fixture')
    expect(result.labels.map((l) => l.name)).toEqual(STRUCTURES.map((s) => s.name))
    expect(result.dice.map((d) => d.name)).toEqual(STRUCTURES.map((s) => s.name))
    const mean = result.dice.reduce((sum, d) => sum + d.dice, 0) / result.dice.length
    expect(mean).toBeGreaterThan(cardMeanDice() - 0.1)
    // The lobes are found on a new subject; the volumes are those of a brain (under 400 mL each).
    for (const lobe of ['Frontal', 'Parietal', 'Temporal', 'Occipital']) for (const side of ['L', 'R']) expect(result.dice.find((d) => d.name === `${lobe}_${side}`)!.dice).toBeGreaterThan(0.5)
    for (const l of result.labels.filter((l) => /Frontal|Temporal|Cerebellum/.test(l.name))) expect(l.volumeMl).toBeGreaterThan(10)
    for (const l of result.labels) expect(l.volumeMl).toBeLessThan(400)
    const [written, source] = await Promise.all([readNifti(out), readNifti(image)])
    expect(written.volume.dims).toEqual(source.volume.dims)
    expect(written.volume.affine).toEqual(source.volume.affine)
    expect(readdirSync(join(home, 'out')).sort()).toEqual(['test-001_seg.nii.gz', 'test-001_seg.nii.txt'])
  }, 120_000)
})
