import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readNifti } from '../../main/imaging/nifti'
import { requireBuild, runCli } from '../helpers/built-app'
import { tempHome } from '../helpers/temp-home'

// `percept mri cohort` as a user runs it, on the built app. The cohort itself needs Debian's mricron-data
// (/usr/share/mricron/templates); without it only the refusals are checked.
const templates = '/usr/share/mricron/templates'
const haveTemplates = ['ch2.nii.gz', 'aal.nii.gz', 'aal.nii.txt'].every((f) => existsSync(join(templates, f)))
let home: string
let cleanup: () => void

beforeAll(() => {
  requireBuild()
  ;({ home, cleanup } = tempHome())
})
afterAll(() => cleanup())

const mri = (...args: string[]) => runCli(['mri', ...args], { PERCEPT_HOME: home })

describe('percept mri cohort', () => {
  it("names Debian's mricron-data when the templates are not there, and writes nothing", async () => {
    const empty = join(home, 'no-templates')
    mkdirSync(empty)
    const out = join(home, 'refused')
    const { code, stderr } = await mri('cohort', out, '--templates', empty)
    expect(code).not.toBe(0)
    expect(stderr).toMatch(/mricron-data/)
    expect(stderr).toMatch(/ch2\.nii\.gz/)
    expect(existsSync(out)).toBe(false)
  })

  it('refuses a wrong source or count with a message saying what is accepted', async () => {
    const source = await mri('cohort', join(home, 'x'), '--source', 'mni152')
    expect(source.code).not.toBe(0)
    expect(source.stderr).toMatch(/--source is one of ch2, ch2better, got mni152/)
    const count = await mri('cohort', join(home, 'x'), '--subjects', '0')
    expect(count.code).not.toBe(0)
    expect(count.stderr).toMatch(/expected a whole number from 1 to 1000/)
  })

  it.skipIf(!haveTemplates)('writes a seeded cohort of ch2 with AAL grouped into 19 structures, the same bytes for the same seed', async () => {
    const dirs = [join(home, 'cohort-a'), join(home, 'cohort-b')]
    const runs = await Promise.all(dirs.map((dir) => mri('cohort', dir, '--subjects', '1', '--test-subjects', '1', '--seed', '5', '--voxel-mm', '3', '--json')))
    for (const run of runs) expect(run.code, run.stderr).toBe(0)
    const printed = JSON.parse(runs[0]!.stdout)
    expect(printed).toMatchObject({ dir: dirs[0], manifest: 'cohort.json', seed: 5, source: { name: 'ch2', package: 'mricron-data', unassignedAalLabels: [] } })
    expect(printed.subjects.map((s: { split: string; id: string }) => `${s.split}/${s.id}`)).toEqual(['train/train-001', 'test/test-001'])
    expect(printed.notice).toMatch(/Not real patients/)
    for (const s of printed.subjects) {
      expect(s.voxelSizeMm.map((v: number) => Math.round(v * 1e4) / 1e4)).toEqual([3, 3, 3])
      expect(s.seconds).toBeGreaterThan(0)
    }

    const labelsFile = join(dirs[0]!, printed.subjects[0].labels)
    const { volume: labels } = await readNifti(labelsFile)
    expect(labels.dims).toEqual(printed.subjects[0].dims)
    expect(new Set(labels.data)).toEqual(new Set(Array.from({ length: 20 }, (_, i) => i)))
    // `mri stats` finds the colour table beside the labels: the names are the 19 structures'.
    const stats = JSON.parse((await mri('stats', labelsFile, '--json')).stdout)
    expect(stats.labels.map((l: { name: string }) => l.name)).toContain('Lentiform_L')
    expect(stats.labels).toHaveLength(19)

    for (const split of ['train', 'test']) {
      for (const name of readdirSync(join(dirs[0]!, split))) {
        expect(readFileSync(join(dirs[0]!, split, name)).equals(readFileSync(join(dirs[1]!, split, name))), name).toBe(true)
      }
    }
    const manifests = dirs.map((d) => JSON.parse(readFileSync(join(d, 'cohort.json'), 'utf8')))
    expect(manifests[1]).toEqual(manifests[0])
  }, 30_000)
})
