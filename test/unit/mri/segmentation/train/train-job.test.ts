/**
 * mri.train end to end, in-process, on a tiny cohort (the 2 mm phantom deformed into 3 training subjects and 1
 * held-out one, 16^3 model grid, base 4 channels, two levels): for each kernel mode, two epochs give finite
 * losses and a checkpoint per epoch; a run stopped after epoch 1 and resumed ends with exactly the weights and
 * optimizer state of the uninterrupted run; the installed package's ONNX graph agrees with TF.js to 1e-4; and
 * the segmentation pipeline accepts the package and returns a label map on the input's grid.
 */
import * as tf from '@tensorflow/tfjs-core'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readModelPackage } from '../../../../../main/compute/model-package'
import { openOnnxSession } from '../../../../../main/compute/onnx'
import { decodeTensors } from '../../../../../main/compute/tensor-files'
import { loadCheckpoint } from '../../../../../main/core/jobs/checkpoint'
import { makePhantom } from '../../../../../main/imaging/fixtures/phantom'
import { readNifti } from '../../../../../main/imaging/nifti'
import { writeCohort, type LoadedTemplate } from '../../../../../main/mri/segmentation/cohort/cohort'
import { prepareTemplate } from '../../../../../main/mri/segmentation/cohort/deform'
import { STRUCTURES } from '../../../../../main/mri/segmentation/cohort/structures'
import { KERNEL_MODES } from '../../../../../main/mri/segmentation/network'
import { buildSegmentationNetwork } from '../../../../../main/mri/segmentation/network'
import { segmentFile } from '../../../../../main/mri/segmentation/segment'
import { openSegmentationModel } from '../../../../../main/mri/segmentation/segmentation-model'
import { mriTrainInput, networkOptions, runMriTraining, type MriTrainInput } from '../../../../../main/mri/segmentation/train/train-job'
import { tempHome } from '../../../../helpers/temp-home'
import { testJobContext } from './job-context'

const phantom: LoadedTemplate = {
  name: 'phantom',
  template: prepareTemplate(makePhantom(), makePhantom({ kind: 'labels' })),
  files: { image: 'phantom image', labels: 'phantom labels' },
  unassigned: [],
}

let home: string
let cleanup: () => void
let cohort: string

beforeAll(async () => {
  ;({ home, cleanup } = tempHome('percept-mri-train-'))
  cohort = join(home, 'cohort')
  // Margins of 25+ mm keep every subject above 100 mm a side, the smallest head `segment` accepts.
  await writeCohort(cohort, { subjects: 3, testSubjects: 1, seed: 5, source: 'ch2', template: phantom, synthesis: { voxelMm: [2, 2.5], marginMm: [25, 30] } })
}, 60_000)
afterAll(() => cleanup())

const input = (mode: MriTrainInput['mode'], extra: Partial<MriTrainInput> = {}): MriTrainInput =>
  mriTrainInput.parse({ dataset: join(cohort, 'train'), mode, loss: 'pcc', lr: 0.01, size: 16, spacingMm: 7.5, epochs: 2, baseFilters: 4, blocks: [1, 2], seed: 3, ...extra })

describe.each(KERNEL_MODES)('mri.train, %s kernels', (mode) => {
  it('trains, checkpoints, resumes exactly, installs a package that matches TF.js and segments', async () => {
    const whole = testJobContext(home, `${mode}-whole`)
    const report = await runMriTraining(input(mode), whole)

    // Two epochs: finite losses, a checkpoint and metrics for each, the split a partition of the 3 subjects.
    expect(report.history.map((h) => h.epoch)).toEqual([1, 2])
    for (const h of report.history) {
      expect(Number.isFinite(h.loss)).toBe(true)
      expect(h.loss).toBeGreaterThan(0)
      expect(h.loss).toBeLessThan(1) // PCC loss lies in [0, 1]
    }
    expect(whole.saved.map((s) => s.epoch)).toEqual([1, 2])
    expect(whole.metrics.filter((m) => m.name === 'loss').map((m) => m.epoch)).toEqual([1, 2])
    expect([...report.split.train, ...report.split.validation, ...report.split.test].sort()).toEqual(['train-001', 'train-002', 'train-003'])
    expect(report.labels).toEqual(['Background', ...STRUCTURES.map((s) => s.name)])
    expect(report.test.dice).toHaveLength(19)
    expect([1, 2]).toContain(report.bestEpoch)
    for (const d of report.test.dice) if (d !== null) expect(d >= 0 && d <= 1).toBe(true)

    // Stopped right after epoch 1's checkpoint, then resumed: the same weights and Nadam state as the whole run.
    const jobId = `${mode}-resumed`
    const first = testJobContext(home, jobId, (state, ctx) => {
      if (state.epoch === 1) ctx.controller.abort()
    })
    await expect(runMriTraining(input(mode, { install: false }), first)).rejects.toThrow()
    expect(first.saved.map((s) => s.epoch)).toEqual([1])
    const second = testJobContext(home, jobId)
    const resumed = await runMriTraining(input(mode, { install: false }), second)
    expect(second.saved.map((s) => s.epoch)).toEqual([2])
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2])
    expect(resumed.history.map((h) => h.loss)).toEqual(report.history.map((h) => h.loss))
    const [a, b] = await Promise.all([loadCheckpoint(whole.runDir), loadCheckpoint(second.runDir)])
    for (const file of ['model.bin', 'optimizer.bin', 'best.bin']) expect(Buffer.from(b!.files[file]!).equals(Buffer.from(a!.files[file]!))).toBe(true)
    expect(resumed.modelId).toBeNull()

    // The installed package: the best epoch's weights, exported; ONNX and TF.js agree.
    expect(report.modelId).toBe(`mri-seg-${mode}-pcc-${mode}-whole`)
    const dir = join(whole.modelsDir, report.modelId!)
    const pkg = await readModelPackage(dir)
    expect(pkg.meta.task).toBe('mri-segmentation')
    expect(pkg.meta.labels).toEqual(report.labels)
    expect(pkg.meta.preprocessing).toEqual({ spacingMm: [7.5, 7.5, 7.5], orientation: 'RAS', intensity: 'zscore', patch: [16, 16, 16] })
    expect(pkg.meta.outputs).toHaveLength(1)
    const card = readFileSync(join(dir, 'card.md'), 'utf8')
    expect(card).toMatch(/Not for clinical use/)
    expect(card).toMatch(/single template/)
    expect(card).toMatch(/Not real patients/)

    const net = buildSegmentationNetwork(networkOptions(input(mode), 20))
    net.setWeights(decodeTensors(a!.files['best.bin']!, a!.files['best.json']!))
    const x = tf.randomNormal([1, 16, 16, 16, 1], 0, 1, 'float32', 11)
    const expected = (net.predict(x) as tf.Tensor).dataSync() as Float32Array
    const session = await openOnnxSession(pkg.onnxPath)
    try {
      const out = await session.run({ [pkg.meta.inputs[0]!.name]: { data: x.dataSync() as Float32Array, shape: [1, 16, 16, 16, 1] } }, [pkg.meta.outputs[0]!.name])
      const got = out[pkg.meta.outputs[0]!.name]!.data as Float32Array
      expect(got.length).toBe(expected.length)
      let worst = 0
      for (let n = 0; n < got.length; n++) worst = Math.max(worst, Math.abs(got[n]! - expected[n]!))
      expect(worst).toBeLessThan(1e-4)
    } finally {
      await session.release()
      net.dispose()
      x.dispose()
    }

    // `percept mri segment`'s pipeline takes the package: a label map on the held-out subject's own grid.
    const model = await openSegmentationModel(pkg)
    try {
      const image = join(cohort, 'test', 'test-001_t1.nii.gz')
      const out = join(home, `${mode}-seg.nii.gz`)
      const result = await segmentFile(model, { input: image, out })
      const [written, source] = await Promise.all([readNifti(out), readNifti(image)])
      expect(written.volume.dims).toEqual(source.volume.dims)
      expect(written.volume.affine).toEqual(source.volume.affine)
      expect(result.stats.map((s) => s.name)).toEqual(STRUCTURES.map((s) => s.name))
      expect(existsSync(join(home, `${mode}-seg.nii.txt`))).toBe(true)
    } finally {
      await model.release()
    }
  }, 120_000)
})
