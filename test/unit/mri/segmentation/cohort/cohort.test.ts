import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { findColorTableFor } from '../../../../../main/imaging/labels'
import { makePhantom } from '../../../../../main/imaging/fixtures/phantom'
import { readNifti } from '../../../../../main/imaging/nifti'
import { voxelVolumeMm3, type Volume } from '../../../../../main/imaging/volume'
import { loadMricronTemplate, writeCohort, type LoadedTemplate } from '../../../../../main/mri/segmentation/cohort/cohort'
import { prepareTemplate, type SynthesisOptions } from '../../../../../main/mri/segmentation/cohort/deform'
import { readSegmentationDataset } from '../../../../../main/mri/segmentation/dataset'
import { tempHome } from '../../../../helpers/temp-home'

const templates = '/usr/share/mricron/templates'
const haveTemplates = ['ch2.nii.gz', 'ch2better.nii.gz', 'aal.nii.gz', 'aal.nii.txt'].every((f) => existsSync(join(templates, f)))

// A small template (the 2 mm phantom of main/imaging/fixtures, labels 1..4) and coarse voxels keep each subject tiny.
const phantom: LoadedTemplate = {
  name: 'phantom',
  template: prepareTemplate(makePhantom(), makePhantom({ kind: 'labels' })),
  files: { image: 'phantom image', labels: 'phantom labels' },
  unassigned: [],
}
const coarse: Partial<SynthesisOptions> = { voxelMm: [2, 2.5] }

let cleanups: (() => void)[] = []
afterEach(() => {
  cleanups.forEach((c) => c())
  cleanups = []
})
function temp(): string {
  const t = tempHome('percept-cohort-')
  cleanups.push(t.cleanup)
  return t.home
}

/** Every file under dir (relative path -> bytes). */
function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name))
      else out.set(relative(dir, join(d, e.name)), readFileSync(join(d, e.name)))
    }
  }
  walk(dir)
  return out
}

describe('writeCohort', () => {
  it('writes train and test pairs with colour tables and a manifest that says what they are', async () => {
    const dir = join(temp(), 'cohort')
    const progress: string[] = []
    const manifest = await writeCohort(dir, { subjects: 2, testSubjects: 1, seed: 7, source: 'ch2', template: phantom, synthesis: coarse, onSubject: (s, done, total) => progress.push(`${done}/${total} ${s.id}`) })
    expect(progress).toEqual(['1/3 train-001', '2/3 train-002', '3/3 test-001'])
    expect([...filesUnder(dir).keys()].sort()).toEqual([
      'cohort.json',
      'test/test-001_labels.label', 'test/test-001_labels.nii.gz', 'test/test-001_t1.nii.gz',
      'train/train-001_labels.label', 'train/train-001_labels.nii.gz', 'train/train-001_t1.nii.gz',
      'train/train-002_labels.label', 'train/train-002_labels.nii.gz', 'train/train-002_t1.nii.gz',
    ])
    const written = JSON.parse(readFileSync(join(dir, 'cohort.json'), 'utf8'))
    expect(written).toEqual(JSON.parse(JSON.stringify(manifest)))
    expect(written.notice).toMatch(/single template.*Not real patients/)
    expect(written.seed).toBe(7)
    expect(written.structures).toHaveLength(19)
    expect(new Set(written.subjects.map((s: { seed: number }) => s.seed)).size).toBe(3)

    // The files hold what the manifest says, on the same grid, with the 19 structure names beside the labels.
    const { volume: t1, header } = await readNifti(join(dir, 'train/train-002_t1.nii.gz'))
    const { volume: labels } = await readNifti(join(dir, 'train/train-002_labels.nii.gz'))
    expect(header.datatype).toBe('int16')
    expect(labels.datatype).toBe('uint8')
    expect(t1.dims).toEqual(manifest.subjects[1]!.dims)
    expect(labels.affine).toEqual(t1.affine)
    const names = await findColorTableFor(join(dir, 'train/train-002_labels.nii.gz'))
    expect(names?.get(19)?.name).toBe('Vermis')

    // A dataset loader reads the split as it is.
    const dataset = await readSegmentationDataset(join(dir, 'train'))
    expect(dataset.problems).toEqual([])
    expect(dataset.pairs.map((p) => p.id)).toEqual(['train-001', 'train-002'])
    expect(dataset.pairs[0]!.labelValues).toEqual([1, 2, 3, 4])
  })

  it('gives identical bytes for the same seed, other bytes for another, and test subjects that do not depend on the training count', async () => {
    const root = temp()
    const options = { subjects: 1, testSubjects: 1, seed: 3, source: 'ch2' as const, template: phantom, synthesis: coarse }
    await writeCohort(join(root, 'a'), options)
    await writeCohort(join(root, 'b'), options)
    await writeCohort(join(root, 'c'), { ...options, seed: 4 })
    await writeCohort(join(root, 'd'), { ...options, subjects: 2 })
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => filesUnder(join(root, n)))
    expect([...b!.keys()]).toEqual([...a!.keys()])
    for (const [name, bytes] of a!) expect(bytes.equals(b!.get(name)!), name).toBe(true)
    expect(c!.get('train/train-001_t1.nii.gz')!.equals(a!.get('train/train-001_t1.nii.gz')!)).toBe(false)
    expect(c!.get('test/test-001_labels.nii.gz')!.equals(a!.get('test/test-001_labels.nii.gz')!)).toBe(false)
    expect(d!.get('test/test-001_t1.nii.gz')!.equals(a!.get('test/test-001_t1.nii.gz')!)).toBe(true)
    expect(d!.get('train/train-001_t1.nii.gz')!.equals(a!.get('train/train-001_t1.nii.gz')!)).toBe(true)
  })

  it('refuses a folder with files in it, and counts or seeds out of range, before writing anything', async () => {
    const dir = temp()
    writeFileSync(join(dir, 'notes.txt'), 'mine')
    const base = { subjects: 1, testSubjects: 0, seed: 1, source: 'ch2' as const, template: phantom, synthesis: coarse }
    await expect(writeCohort(dir, base)).rejects.toThrow(/is not empty .*new or empty folder/)
    const fresh = join(dir, 'fresh')
    await expect(writeCohort(fresh, { ...base, subjects: 0 })).rejects.toThrow(/training subjects must be a whole number from 1/)
    await expect(writeCohort(fresh, { ...base, testSubjects: 2.5 })).rejects.toThrow(/test subjects must be a whole number from 0/)
    await expect(writeCohort(fresh, { ...base, seed: -1 })).rejects.toThrow(/seed must be a whole number from 0/)
    expect(existsSync(fresh)).toBe(false)
  })

  it("names Debian's mricron-data when the templates are missing", async () => {
    const empty = temp()
    mkdirSync(join(empty, 'templates'))
    await expect(loadMricronTemplate('ch2', join(empty, 'templates'))).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/mricron-data.*apt install mricron-data/) })
  })
})

describe.skipIf(!haveTemplates)('writeCohort on the mricron-data templates', () => {
  const volumes = (v: Volume): number[] => {
    const mm3 = voxelVolumeMm3(v.affine)
    const counts = new Array<number>(20).fill(0)
    for (const l of v.data) counts[l]!++
    return counts.map((n) => n * mm3)
  }

  it('ch2 and ch2better give the 19 structures, lobe volumes near the atlas, and the same labels for the same seed', async () => {
    const [ch2, better] = await Promise.all([loadMricronTemplate('ch2'), loadMricronTemplate('ch2better')])
    expect(ch2.unassigned).toEqual([])
    const root = temp()
    // 3 mm voxels: about 50^3 per subject.
    const options = { subjects: 1, testSubjects: 0, seed: 11, synthesis: { voxelMm: [3, 3] as [number, number] } }
    await writeCohort(join(root, 'ch2'), { ...options, source: 'ch2', template: ch2 })
    await writeCohort(join(root, 'better'), { ...options, source: 'ch2better', template: better })
    const [labels, betterLabels, image, betterImage] = await Promise.all(
      ['ch2/train/train-001_labels', 'better/train/train-001_labels', 'ch2/train/train-001_t1', 'better/train/train-001_t1'].map(async (f) => (await readNifti(join(root, `${f}.nii.gz`))).volume),
    )
    expect(new Set(labels!.data)).toEqual(new Set(Array.from({ length: 20 }, (_, i) => i)))
    // The anatomy comes from AAL whichever image is drawn: same seed, same labels, other intensities.
    expect(Buffer.from(betterLabels!.data.buffer).equals(Buffer.from(labels!.data.buffer))).toBe(true)
    expect(Buffer.from(betterImage!.data.buffer).equals(Buffer.from(image!.data.buffer))).toBe(false)
    // Lobes (ids 1..8) within 15% of the grouped atlas's volumes; the whole brain within 5%.
    const atlas = volumes(ch2.template.labels)
    const subject = volumes(labels!)
    for (let id = 1; id <= 8; id++) expect(Math.abs(subject[id]! / atlas[id]! - 1), `structure ${id}`).toBeLessThan(0.15)
    const brain = (v: number[]): number => v.slice(1).reduce((s, x) => s + x, 0)
    expect(Math.abs(brain(subject) / brain(atlas) - 1)).toBeLessThan(0.05)
  }, 20_000)
})
