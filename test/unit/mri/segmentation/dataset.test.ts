import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { makePhantom } from '../../../../main/imaging/fixtures/phantom'
import { writeNifti } from '../../../../main/imaging/nifti'
import type { Volume } from '../../../../main/imaging/volume'
import { readSegmentationDataset, type DatasetProblem } from '../../../../main/mri/segmentation/dataset'
import { tempHome } from '../../../helpers/temp-home'

// Phantom heads of main/imaging/fixtures (2 mm, 40 x 48 x 36): a noisy float32 image and its uint8 labels 0..4.
const image = makePhantom({ seed: 3 })
const labels = makePhantom({ kind: 'labels' })
const otherGrid = makePhantom({ kind: 'labels', voxelMm: [2.5, 2, 2] })

let cleanup: (() => void) | undefined
afterEach(() => cleanup?.())
function temp(): string {
  const t = tempHome('percept-dataset-')
  cleanup = t.cleanup
  return t.home
}

async function write(dir: string, files: Record<string, Volume | Volume[]>): Promise<void> {
  for (const [name, volume] of Object.entries(files)) await writeNifti(join(dir, name), volume)
}

const byFile = (problems: DatasetProblem[]): Record<string, string> => Object.fromEntries(problems.map((p) => [p.file, p.message]))

describe('readSegmentationDataset', () => {
  it('pairs <id>_t1 with <id>_labels and reports each broken pair by file name', async () => {
    const dir = temp()
    await write(dir, {
      'a_t1.nii.gz': image, 'a_labels.nii.gz': labels,
      'b_t1.nii': image, 'b_labels.nii.gz': labels,
      'c_t1.nii.gz': image,
      'd_labels.nii.gz': labels,
      'e_t1.nii.gz': image, 'e_labels.nii.gz': otherGrid,
      'f_t1.nii.gz': labels, 'f_labels.nii.gz': labels,
      'g_t1.nii.gz': image, 'g_labels.nii.gz': image,
      'h_t1.nii.gz': [image, image], 'h_labels.nii.gz': labels,
      'stray.nii.gz': image,
    })
    writeFileSync(join(dir, 'README.txt'), 'not a volume')
    const dataset = await readSegmentationDataset(dir)
    expect(dataset.layout).toBe('pairs')
    expect(dataset.pairs.map((p) => p.id)).toEqual(['a', 'b'])
    expect(dataset.pairs[0]).toEqual({ id: 'a', image: join(dir, 'a_t1.nii.gz'), labels: join(dir, 'a_labels.nii.gz'), dims: [40, 48, 36], voxelSizeMm: [2, 2, 2], labelValues: [1, 2, 3, 4] })
    const problems = byFile(dataset.problems)
    expect(Object.keys(problems).sort()).toEqual(['c_t1.nii.gz', 'd_labels.nii.gz', 'e_labels.nii.gz', 'f_t1.nii.gz', 'g_labels.nii.gz', 'h_t1.nii.gz', 'stray.nii.gz'])
    expect(problems['c_t1.nii.gz']).toMatch(/no label map partner \(c_labels\.nii\.gz\)/)
    expect(problems['d_labels.nii.gz']).toMatch(/no image partner \(d_t1\.nii\.gz\)/)
    expect(problems['e_labels.nii.gz']).toMatch(/image and its label map are on different grids.*e_t1\.nii\.gz.*e_labels\.nii\.gz/)
    expect(problems['f_t1.nii.gz']).toMatch(/looks like a label map, not an image \(4 whole-number values/)
    expect(problems['g_labels.nii.gz']).toMatch(/fractional values, so it is no label map/)
    expect(problems['h_t1.nii.gz']).toMatch(/4-D series of 2 frames/)
    expect(problems['stray.nii.gz']).toMatch(/not named <id>_t1 or <id>_labels/)
  })

  it('reads images/ and labels/ subfolders by identical file names', async () => {
    const dir = temp()
    mkdirSync(join(dir, 'images'))
    mkdirSync(join(dir, 'labels'))
    await write(dir, { 'images/s1.nii.gz': image, 'images/s2.nii.gz': image, 'labels/s1.nii.gz': labels, 'labels/s3.nii.gz': labels })
    const dataset = await readSegmentationDataset(dir)
    expect(dataset.layout).toBe('subfolders')
    expect(dataset.pairs.map((p) => [p.id, p.image, p.labels])).toEqual([['s1', join(dir, 'images/s1.nii.gz'), join(dir, 'labels/s1.nii.gz')]])
    expect(byFile(dataset.problems)).toEqual({ 'images/s2.nii.gz': 'has no partner labels/s2.nii.gz.', 'labels/s3.nii.gz': 'has no partner images/s3.nii.gz.' })
  })

  it('reads a CSV of image,labels paths relative to the CSV, quoted where they hold commas', async () => {
    const dir = temp()
    mkdirSync(join(dir, 'scans, 2024'))
    await write(dir, { 'scans, 2024/x_t1.nii.gz': image, 'scans, 2024/x_labels.nii.gz': labels, 'y.nii.gz': image, 'y-seg.nii.gz': labels })
    writeFileSync(
      join(dir, 'list.csv'),
      'subject,labels,image\n' + 'one,"scans, 2024/x_labels.nii.gz","scans, 2024/x_t1.nii.gz"\n' + `two,y-seg.nii.gz,${join(dir, 'y.nii.gz')}\n` + 'three,missing_labels.nii.gz,missing_t1.nii.gz\n' + 'four,,y.nii.gz\n',
    )
    const dataset = await readSegmentationDataset(join(dir, 'list.csv'))
    expect(dataset.layout).toBe('csv')
    expect(dataset.pairs.map((p) => [p.id, p.image, p.labels])).toEqual([
      ['x', join(dir, 'scans, 2024/x_t1.nii.gz'), join(dir, 'scans, 2024/x_labels.nii.gz')],
      ['y', join(dir, 'y.nii.gz'), join(dir, 'y-seg.nii.gz')],
    ])
    expect(byFile(dataset.problems)).toEqual({
      'missing_t1.nii.gz': 'does not exist: check the path.',
      'missing_labels.nii.gz': 'does not exist: check the path.',
      'list.csv row 5': 'needs both an image and a labels path.',
    })
    writeFileSync(join(dir, 'bad.csv'), 'file,segmentation\na.nii,b.nii\n')
    await expect(readSegmentationDataset(join(dir, 'bad.csv'))).rejects.toThrow(/bad\.csv needs a header row naming the columns image and labels \(found: file, segmentation\)/)
  })

  it('refuses a dataset with no usable pair, naming the files, and points from a cohort folder to its splits', async () => {
    const dir = temp()
    await write(dir, { 'only_t1.nii.gz': image })
    await expect(readSegmentationDataset(dir)).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/No usable image\/label pair .* only_t1\.nii\.gz: has no label map partner/),
    })
    const cohort = join(dir, 'cohort')
    mkdirSync(join(cohort, 'train'), { recursive: true })
    mkdirSync(join(cohort, 'test'))
    await expect(readSegmentationDataset(cohort)).rejects.toThrow(/holds no NIfTI image\/label pairs.*It holds train\/ and test\/: choose one of them/)
    await expect(readSegmentationDataset(join(dir, 'nowhere'))).rejects.toMatchObject({ code: 'NOT_FOUND' })
    writeFileSync(join(dir, 'list.txt'), 'image,labels\n')
    await expect(readSegmentationDataset(join(dir, 'list.txt'))).rejects.toThrow(/not a \.csv/)
  })
})
